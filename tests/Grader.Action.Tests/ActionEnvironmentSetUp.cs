using Grader.Testing.GitHub;

namespace Grader.Action.Tests;

/// <summary>Stops the emulator and prism shared by the tests of this assembly.</summary>
[SetUpFixture]
public sealed class ActionEnvironmentSetUp
{
    [OneTimeTearDown]
    public Task StopAsync() => GitHubTestEnvironment.ShutdownAsync();
}

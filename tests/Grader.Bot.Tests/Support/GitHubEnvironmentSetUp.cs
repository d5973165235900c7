using Grader.Testing.GitHub;

namespace Grader.Bot.Tests;

/// <summary>Stops the emulator and prism shared by all tests of this assembly once they are done.</summary>
[SetUpFixture]
public sealed class GitHubEnvironmentSetUp
{
    [OneTimeTearDown]
    public Task StopAsync() => GitHubTestEnvironment.ShutdownAsync();
}

using Grader.Testing.GitHub;

namespace Grader.Server.Tests.Serve;

/// <summary>Stops the emulator and prism shared by the `grader serve` tests once they are done.</summary>
[SetUpFixture]
public sealed class ServeEnvironmentSetUp
{
    [OneTimeTearDown]
    public Task StopAsync() => GitHubTestEnvironment.ShutdownAsync();
}

using System.CommandLine;
using Grader.Cli;

namespace Grader.Server.Tests.Configuration;

/// <summary><c>grader config check</c> as operators run it: every setting with its value and where it came from, or one line per problem.</summary>
public sealed class ConfigCheckCommandTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("grader-config-command-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        Environment.SetEnvironmentVariable("Grader__Bot__WebhookSecret", null);
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(string yaml, params string[] arguments)
    {
        var config = Path.Combine(_folder, "grader.yaml");
        await File.WriteAllTextAsync(config, yaml);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await GraderCommand.InvokeAsync(ServerCommand.Build(), ["config", "check", "--config", config, .. arguments], new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Check_ValidFromFileEnvironmentAndFlag_EverySettingWithItsSource()
    {
        Environment.SetEnvironmentVariable("Grader__Bot__WebhookSecret", "from-environment");

        var (exit, output, error) = await RunAsync("bot: { app_slug: grader-test, worker_count: 2 }\n", "--set", "bot.worker_count=4");

        Assert.Multiple(() =>
        {
            Assert.That((exit, error), Is.EqualTo((0, "")));
            Assert.That(output.Split('\n'), Does.Contain("bot.app_slug = grader-test  (config file)")
                .And.Contain("bot.webhook_secret = ***  (environment Grader__Bot__WebhookSecret)")
                .And.Contain("bot.worker_count = 4  (command line)")
                .And.Contain("gpu.enabled = true  (default)")
                .And.Contain("bot.dashboard.token = (not set)  (default)")
                .And.Contain("ok: the configuration is valid"));
            Assert.That(output, Does.Not.Contain("from-environment"));
        });
    }

    [Test]
    public async Task Check_SecretMissing_Exit2WithTheLineNamingFileKeyAndVariable()
    {
        var (exit, _, error) = await RunAsync("bot: { app_slug: grader-test }\n");

        Assert.That((exit, error), Is.EqualTo((2, "grader: bot.webhook_secret: The WebhookSecret field is required. Set 'bot.webhook_secret' in the config file or the environment variable Grader__Bot__WebhookSecret.\n")));
    }
}

using Grader.Bot.Hosting;
using Microsoft.Extensions.Configuration;

namespace Grader.Bot.Tests.Hosting;

/// <summary><c>grader config check</c>'s core: the same sources and validation as <c>grader serve</c>, nothing started.</summary>
internal sealed class ConfigurationCheckTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("grader-config-check-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string Config(string yaml)
    {
        var path = Path.Combine(_folder, "grader.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Test]
    public void Run_WebhookSecretAndSlugMissing_OneLinePerSettingOnce()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config("github:\n  app_id: 1\n")));

        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.False);
            Assert.That(report.Problems, Is.EquivalentTo(new[]
            {
                "bot.webhook_secret: The WebhookSecret field is required. Set 'bot.webhook_secret' in the config file or the environment variable Bot__WebhookSecret.",
                "bot.app_slug: The AppSlug field is required. Set 'bot.app_slug' in the config file or the environment variable Bot__AppSlug.",
            }));
        });
    }

    [Test]
    public void Run_ValidFileWithASecretInIt_ValidAndTheSecretMasked()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config("bot:\n  webhook_secret: s3cret-value\n  app_slug: grader-test\ngithub:\n  app_id: 7\n")));

        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.True, string.Join("\n", report.Problems));
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("bot.webhook_secret", ConfigurationCheck.Masked, null)));
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("github.app_id", "7", null)));
            Assert.That(report.Settings.Select(s => s.Value), Has.None.Contains("s3cret-value"));
        });
    }

    [Test]
    public void Run_OutboxDelayStillUnderBot_NamesTheKeyAndVariableItMovedTo()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config(
            "bot:\n  webhook_secret: s\n  app_slug: grader-test\n  outbox_poll_interval: \"00:00:10\"\ngithub:\n  app_id: 7\n  publishing:\n    outbox_base_delay: \"00:00:01\"\n")));

        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.False);
            Assert.That(report.Problems.Single(), Does.Contain("bot.outbox_poll_interval has moved")
                .And.Contain("'github.publishing.outbox_poll_interval'").And.Contain("GitHub__Publishing__OutboxPollInterval"));
        });
    }

    [Test]
    public void Run_PublishingSettingsOutOfRange_ReportsTheSetting()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config(
            "bot:\n  webhook_secret: s\n  app_slug: grader-test\ngithub:\n  app_id: 7\n  publishing:\n    outbox_max_attempts: 0\n")));

        Assert.That(report.Problems, Has.Some.Contains("outbox_max_attempts must be at least 1"));
    }

    [Test]
    public void Run_ConfigThatDoesNotParse_ReportsTheLocatedErrorOnly()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config("bot:\n  webhook_secret: [unclosed\n")));

        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.False);
            Assert.That(report.Problems.Single(), Does.Contain("grader.yaml"));
            Assert.That(report.Settings, Is.Empty);
        });
    }

    [Test]
    public void AddConfigurationSources_FileEnvironmentAndFlags_FlagsWinThenEnvironmentThenFile()
    {
        var path = Config("bot:\n  run_jobs: true\n  worker_count: 1\n  schedule_polling_interval: 00:00:10\n");
        var variables = new Dictionary<string, string> { ["Bot__RunJobs"] = "true", ["Bot__WorkerCount"] = "3" };
        foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        try
        {
            var configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), new BotHostSettings(path) { RunJobs = false }).Build();

            Assert.Multiple(() =>
            {
                Assert.That(configuration["Bot:RunJobs"], Is.EqualTo("false"), "the --no-runner flag beats the environment");
                Assert.That(configuration["Bot:WorkerCount"], Is.EqualTo("3"), "the environment beats the file");
                Assert.That(configuration["Bot:SchedulePollingInterval"], Is.EqualTo("00:00:10"), "the file where nothing else says");
            });
        }
        finally
        {
            foreach (var name in variables.Keys) Environment.SetEnvironmentVariable(name, null);
        }
    }
}

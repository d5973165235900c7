using Grader.Bot.Hosting;
using Grader.Configuration;
using Microsoft.Extensions.Configuration;

namespace Grader.Bot.Tests.Hosting;

/// <summary><c>grader config check</c>'s core: the same sources and validation as <c>grader serve</c>, nothing started.</summary>
internal sealed class ConfigurationCheckTests
{
    private const string ValidBot = "bot:\n  webhook_secret: s3cret-value\n  app_slug: grader-test\ngithub:\n  app_id: 7\n";

    private string _folder = null!;
    private readonly List<string> _variables = [];

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("grader-config-check-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        foreach (var name in _variables) Environment.SetEnvironmentVariable(name, null);
        Directory.Delete(_folder, recursive: true);
    }

    private string Config(string yaml)
    {
        var path = Path.Combine(_folder, "grader.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Sets a process environment variable until the test ends.</summary>
    private void Variable(string name, string value)
    {
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
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
                "bot.webhook_secret: The WebhookSecret field is required. Set 'bot.webhook_secret' in the config file or the environment variable Grader__Bot__WebhookSecret.",
                "bot.app_slug: The AppSlug field is required. Set 'bot.app_slug' in the config file or the environment variable Grader__Bot__AppSlug.",
            }));
        });
    }

    [Test]
    public void Run_ValidFileWithASecretInIt_ValidAndTheSecretMasked()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config(ValidBot)));

        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.True, string.Join("\n", report.Problems));
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("bot.webhook_secret", ConfigurationCheck.Masked, SettingSource.ConfigFile, "Grader__Bot__WebhookSecret")));
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("github.app_id", "7", SettingSource.ConfigFile, "Grader__GitHub__AppId")));
            Assert.That(report.Settings.Select(s => s.Value ?? ""), Has.None.Contains("s3cret-value"));
        });
    }

    [Test]
    public void Run_ValidFile_ListsEverySectionServeReadsWithItsDefaults()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config(ValidBot)));
        var sections = report.Settings.Select(s => s.FileKey.Split('.')[0]).Distinct().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(sections, Is.SupersetOf(new[] { "bot", "github", "runner", "docker", "sandbox", "service", "probes", "metrics", "recovery", "baselines", "regression", "gpu" }));
            Assert.That(report.Settings.Select(s => s.FileKey), Is.SupersetOf(new[] { "bot.worker.max_deaths", "bot.retry.attempts", "github.resilience.attempt_timeout", "github.publishing.outbox_poll_interval", "runner.checkout.max_entries" }));
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("runner.reuse_images", "true", SettingSource.Default, "Grader__Runner__ReuseImages")));
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("bot.worker.max_deaths", "2", SettingSource.Default, "Grader__Bot__Worker__MaxDeaths")));
        });
    }

    [Test]
    public void Run_SecretsFromTheEnvironmentAndPasswordsInsideValues_MaskedAndTheVariableNamed()
    {
        Variable("Grader__GitHub__PrivateKeyPem", "-----BEGIN PRIVATE KEY-----abc");
        Variable("Grader__Bot__Evidence__Store", "postgres://grader:pg-pass@db/evidence");
        Variable("Grader__Bot__HangfirePostgresConnectionString", "Host=db;Password=hf-pass;Database=grader");

        var report = ConfigurationCheck.Run(new BotHostSettings(Config(ValidBot)));

        Assert.Multiple(() =>
        {
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("github.private_key_pem", ConfigurationCheck.Masked, SettingSource.Environment, "Grader__GitHub__PrivateKeyPem")));
            Assert.That(report.Settings, Does.Contain(new EffectiveSetting("bot.evidence.store", "postgres://grader:***@db/evidence", SettingSource.Environment, "Grader__Bot__Evidence__Store")));
            Assert.That(report.Settings.Select(s => s.Value ?? ""), Has.None.Contains("pass").And.None.Contains("BEGIN"));
        });
    }

    [Test]
    public void Run_OutboxDelayStillSetUnderBotInTheEnvironment_NamesTheKeyAndVariableItMovedTo()
    {
        Variable("Grader__Bot__OutboxPollInterval", "00:00:10");

        var report = ConfigurationCheck.Run(new BotHostSettings(Config(
            "bot:\n  webhook_secret: s\n  app_slug: grader-test\ngithub:\n  app_id: 7\n  publishing:\n    outbox_base_delay: \"00:00:01\"\n")));

        Assert.Multiple(() =>
        {
            Assert.That(report.Valid, Is.False);
            Assert.That(report.Problems.Single(), Does.Contain("bot.outbox_poll_interval has moved")
                .And.Contain("'github.publishing.outbox_poll_interval'").And.Contain("Grader__GitHub__Publishing__OutboxPollInterval"));
        });
    }

    [Test]
    public void Run_OutboxDelayStillUnderBotInTheFile_IsAnUnknownKeyAtItsLine()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config(
            "bot:\n  webhook_secret: s\n  app_slug: grader-test\n  outbox_poll_interval: \"00:00:10\"\ngithub:\n  app_id: 7\n")));

        Assert.That(report.Problems.Single(), Does.Contain("outbox_poll_interval").And.Contain(":4:"));
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

    [TestCase("runer:\n  work_root: /tmp/x\n", "grader.yaml:1:1: 'runer' is not a section of the config file")]
    [TestCase("bot:\n  app_slug: a\n  webhok_secret: s\n", "grader.yaml:3:3: 'bot.webhok_secret' is not a setting of Grader")]
    [TestCase("runner:\n  checkout:\n    max_entrys: 5\n", "grader.yaml:3:5: 'runner.checkout.max_entrys' is not a setting of Grader")]
    public void Run_UnknownSectionOrMisspeltSetting_ErrorAtItsLineAndColumn(string yaml, string expected)
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config(yaml)));

        Assert.That(report.Problems.Single(), Does.Contain(expected));
    }

    [Test]
    public void Run_ValueOfTheWrongType_OneLineNamingTheKeyAndTheVariable()
    {
        var report = ConfigurationCheck.Run(new BotHostSettings(Config(ValidBot + "runner:\n  max_concurrent_checks: many\n")));

        Assert.That(report.Problems, Is.EqualTo(new[]
        {
            "runner.max_concurrent_checks: 'many' is not a valid Int32. Set 'runner.max_concurrent_checks' in the config file or the environment variable Grader__Runner__MaxConcurrentChecks.",
        }));
    }

    [Test]
    public void Run_FormerEnvironmentVariableName_RefusedNamingTheNewName()
    {
        Variable("Bot__WebhookSecret", "s");

        var report = ConfigurationCheck.Run(new BotHostSettings(Config(ValidBot)));

        Assert.That(report.Problems.Single(), Does.Contain("Bot__WebhookSecret is no longer read: rename it Grader__Bot__WebhookSecret"));
    }

    [Test]
    public void AddConfigurationSources_FileEnvironmentAndFlags_FlagsWinThenEnvironmentThenFile()
    {
        var path = Config("bot:\n  run_jobs: true\n  worker_count: 1\n  database_path: /srv/grader/bot.db\n  schedule_polling_interval: 00:00:04\n  queues: [cpu, gpu]\n");
        Variable("Grader__Bot__RunJobs", "true");
        Variable("Grader__Bot__WorkerCount", "3");
        Variable("Grader__Bot__SchedulePollingInterval", "00:00:06");

        var configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), new BotHostSettings(path)
        {
            RunJobs = false,
            Queues = ["gpu"],
            Settings = new Dictionary<string, string?> { ["Grader:Bot:SchedulePollingInterval"] = "00:00:08" },
        }).Build();

        Assert.Multiple(() =>
        {
            Assert.That(configuration["Grader:Bot:RunJobs"], Is.EqualTo("false"), "the --no-runner flag beats the environment");
            Assert.That(configuration["Grader:Bot:SchedulePollingInterval"], Is.EqualTo("00:00:08"), "--set beats the environment");
            Assert.That(configuration["Grader:Bot:WorkerCount"], Is.EqualTo("3"), "the environment beats the file");
            Assert.That(configuration["Grader:Bot:DatabasePath"], Is.EqualTo("/srv/grader/bot.db"), "the file where nothing else says");
            Assert.That(configuration.GetSection("Grader:Bot:Queues").GetChildren().Select(c => c.Value), Is.EqualTo(new[] { "gpu" }), "--queues replaces the file's list");
            Assert.That(GraderConfiguration.SourceOf(configuration, "Grader:Bot:WorkerCount"), Is.EqualTo(SettingSource.Environment));
            Assert.That(GraderConfiguration.SourceOf(configuration, "Grader:Bot:DatabasePath"), Is.EqualTo(SettingSource.ConfigFile));
            Assert.That(GraderConfiguration.SourceOf(configuration, "Grader:Bot:RunJobs"), Is.EqualTo(SettingSource.CommandLine));
            Assert.That(GraderConfiguration.SourceOf(configuration, "Grader:GitHub:Publishing:OutboxBaseDelay"), Is.EqualTo(SettingSource.Default));
        });
    }
}

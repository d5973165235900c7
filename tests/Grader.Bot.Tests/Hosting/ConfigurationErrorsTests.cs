using Grader.Bot.Configuration;
using Grader.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Tests.Hosting;

internal sealed class ConfigurationErrorsTests
{
    [Test]
    public void Describe_BotSettingsWithoutWebhookSecret_OneLineNamingTheFileKeyAndTheEnvironmentVariable()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Grader:Bot:AppSlug"] = "grader-test",
        }).Build();
        using var services = new ServiceCollection()
            .AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.SectionName)).ValidateDataAnnotations().Services
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<BotOptions>>().Value)!;

        Assert.That(ConfigurationErrors.Describe(exception), Is.EqualTo(new[]
        {
            "bot.webhook_secret: The WebhookSecret field is required. Set 'bot.webhook_secret' in the config file or the environment variable Grader__Bot__WebhookSecret.",
        }));
    }

    [Test]
    public void ValidateOnStart_ValueThatIsNotANumber_OneLineNamingTheFileKeyAndTheEnvironmentVariable()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Grader:Bot:Worker:MaxDeaths"] = "many",
        }).Build();
        using var services = new ServiceCollection()
            .AddOptions<Grader.Bot.Jobs.GradingWorkerOptions>().Bind(configuration.GetSection(Grader.Bot.Jobs.GradingWorkerOptions.SectionName)).ValidateOnStart().Services
            .BuildServiceProvider();

        Assert.That(ConfigurationErrors.ValidateOnStart(services), Is.EqualTo(new[]
        {
            "bot.worker.max_deaths: 'many' is not a valid Int32. Set 'bot.worker.max_deaths' in the config file or the environment variable Grader__Bot__Worker__MaxDeaths.",
        }));
    }

    [TestCase("Grader:Bot:WebhookSecret", "bot.webhook_secret", "Grader__Bot__WebhookSecret")]
    [TestCase("Grader:GitHub:AppId", "github.app_id", "Grader__GitHub__AppId")]
    [TestCase("Grader:GitHub:Resilience:AttemptTimeout", "github.resilience.attempt_timeout", "Grader__GitHub__Resilience__AttemptTimeout")]
    [TestCase("Grader:Runner:MaxContextBytes", "runner.max_context_bytes", "Grader__Runner__MaxContextBytes")]
    [TestCase("Grader:Bot:Worker:MaxDeaths", "bot.worker.max_deaths", "Grader__Bot__Worker__MaxDeaths")]
    [TestCase("Grader:Gpu:Devices:0", "gpu.devices.0", "Grader__Gpu__Devices__0")]
    public void SettingNames_ConfigurationKey_SpelledAsTheOperatorWritesThemAndBack(string key, string fileKey, string variable)
    {
        Assert.Multiple(() =>
        {
            Assert.That(SettingNames.FileKey(key), Is.EqualTo(fileKey));
            Assert.That(SettingNames.EnvironmentVariable(key), Is.EqualTo(variable));
            Assert.That(SettingNames.ConfigurationKey(fileKey), Is.EqualTo(key).IgnoreCase);
        });
    }
}

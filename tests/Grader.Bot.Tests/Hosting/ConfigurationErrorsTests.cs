using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
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
            ["Bot:AppSlug"] = "grader-test",
        }).Build();
        using var services = new ServiceCollection()
            .AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.SectionName)).ValidateDataAnnotations().Services
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<BotOptions>>().Value)!;

        Assert.That(ConfigurationErrors.Describe(exception), Is.EqualTo(new[]
        {
            "bot.webhook_secret: The WebhookSecret field is required. Set 'bot.webhook_secret' in the config file or the environment variable Bot__WebhookSecret.",
        }));
    }

    [TestCase("Bot:WebhookSecret", "bot.webhook_secret", "Bot__WebhookSecret")]
    [TestCase("GitHub:AppId", "github.app_id", "GitHub__AppId")]
    [TestCase("Grader:Runner:MaxContextBytes", "runner.max_context_bytes", "Grader__Runner__MaxContextBytes")]
    [TestCase("Bot:Worker:MaxDeaths", "bot.worker.max_deaths", "Bot__Worker__MaxDeaths")]
    public void FileKeyAndEnvironmentVariable_ConfigurationKey_SpelledAsTheOperatorWritesThem(string key, string fileKey, string variable)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ConfigurationErrors.FileKey(key), Is.EqualTo(fileKey));
            Assert.That(ConfigurationErrors.EnvironmentVariable(key), Is.EqualTo(variable));
        });
    }
}

using System.Text.RegularExpressions;
using Grader.Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Hosting;

/// <summary>One effective setting: how the config file spells it, its value (masked when secret), and where it came from.</summary>
public sealed record EffectiveSetting(string FileKey, string Value, string? EnvironmentVariable);

/// <summary>What <c>grader config check</c> found: the problems (one line each) and the effective settings.</summary>
public sealed record ConfigurationReport(IReadOnlyList<string> Problems, IReadOnlyList<EffectiveSetting> Settings)
{
    public bool Valid => Problems.Count == 0;
}

/// <summary>
/// Validates a bot config file the way <c>grader serve</c> would start on it (same sources, same options
/// validation, same course mapping) without starting anything, and lists the effective settings with secrets masked.
/// </summary>
public static partial class ConfigurationCheck
{
    public const string Masked = "***";

    [GeneratedRegex("(Secret|Token|Password|ConnectionString|PrivateKey)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    private static readonly string[] Sections = ["Bot:", "GitHub:", "Grader:"];

    public static ConfigurationReport Run(BotHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        CourseConfiguration? courses = null;
        IConfigurationRoot configuration;
        try
        {
            courses = CourseConfigurationLoader.Load(Path.GetFullPath(settings.ConfigPath));
            configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), settings).Build();
        }
        catch (Exception ex) when (ConfigurationErrors.IsConfigFileError(ex))
        {
            return new ConfigurationReport([ex.Message], []);
        }

        var services = new ServiceCollection();
        services.AddLogging();
        GraderBotHost.AddServices(services, configuration, courses);
        using (var provider = services.BuildServiceProvider())
        {
            try
            {
                // The options `grader serve` validates when it starts (ValidateOnStart), validated the same way.
                provider.GetService<IStartupValidator>()?.Validate();
            }
            catch (OptionsValidationException ex)
            {
                problems.AddRange(ConfigurationErrors.Describe(ex));
            }
            catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
            {
                problems.AddRange(ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(ConfigurationErrors.Describe));
            }
        }
        return new ConfigurationReport([.. problems.Distinct(StringComparer.Ordinal)], Effective(configuration));
    }

    private static List<EffectiveSetting> Effective(IConfiguration configuration) =>
        [.. configuration.AsEnumerable()
            .Where(kv => kv.Value is not null && Sections.Any(s => kv.Key.StartsWith(s, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
            .Select(kv =>
            {
                var variable = ConfigurationErrors.EnvironmentVariable(kv.Key);
                var fromEnvironment = Environment.GetEnvironmentVariable(variable) is not null;
                var name = kv.Key[(kv.Key.LastIndexOf(':') + 1)..];
                var value = SecretName().IsMatch(name) && kv.Value!.Length > 0 ? Masked : kv.Value!;
                return new EffectiveSetting(ConfigurationErrors.FileKey(kv.Key), value, fromEnvironment ? variable : null);
            })];
}

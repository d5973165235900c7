using System.Text.RegularExpressions;
using Grader.Bot.Configuration;
using Grader.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Hosting;

/// <summary>One effective setting: how the config file spells it, its value (masked when secret; null when unset) and where it came from.</summary>
public sealed record EffectiveSetting(string FileKey, string? Value, SettingSource Source, string EnvironmentVariable);

/// <summary>What <c>grader config check</c> found: the problems (one line each) and the effective settings.</summary>
public sealed record ConfigurationReport(IReadOnlyList<string> Problems, IReadOnlyList<EffectiveSetting> Settings)
{
    public bool Valid => Problems.Count == 0;
}

/// <summary>
/// Validates a bot config file the way <c>grader serve</c> would start on it (same sources, same options
/// validation, same course mapping) without starting anything, and lists every setting of every section serve reads,
/// defaults included, with secrets masked and where each value came from.
/// </summary>
public static partial class ConfigurationCheck
{
    public const string Masked = "***";

    [GeneratedRegex("(Secret|Token|Password|ConnectionString|PrivateKey|Pem)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    // A password inside a value that is not named as a secret: a connection string or a URL (an evidence store).
    [GeneratedRegex("(?<name>Password=)[^;]*|(?<name>://[^/:@]*:)[^/@]*(?=@)", RegexOptions.IgnoreCase)]
    private static partial Regex EmbeddedPassword();

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
        using var provider = services.BuildServiceProvider();
        // The options `grader serve` validates when it starts, validated the same way.
        problems.AddRange(ConfigurationErrors.ValidateOnStart(provider));

        var effective = GraderSections.Bound(services)
            .Where(type => GraderSections.SectionNameOf(type) is not null)
            .SelectMany(type => Effective(configuration, provider, type))
            .ToList();
        return new ConfigurationReport([.. problems.Distinct(StringComparer.Ordinal)], effective);
    }

    private static IEnumerable<EffectiveSetting> Effective(IConfigurationRoot configuration, IServiceProvider provider, Type type)
    {
        if (Resolve(provider, type) is not { } options) return [];
        return GraderSections.Values(GraderSections.SectionNameOf(type)!, options).Select(kv => new EffectiveSetting(
            SettingNames.FileKey(kv.Key),
            Mask(kv.Key, kv.Value),
            GraderConfiguration.SourceOf(configuration, kv.Key),
            SettingNames.EnvironmentVariable(kv.Key)));
    }

    /// <summary>The options as serve would get them; when they do not validate, as configuration binds them (the problem is reported already).</summary>
    private static object? Resolve(IServiceProvider provider, Type type)
    {
        try
        {
            return ((IOptions<object>)provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type))).Value;
        }
        catch (Exception ex) when (ConfigurationErrors.Describe(ex).Count > 0)
        {
            try
            {
                return typeof(ConfigurationCheck).GetMethod(nameof(Configured), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                    .MakeGenericMethod(type).Invoke(null, [provider]);
            }
            catch (System.Reflection.TargetInvocationException)
            {
                return null;
            }
        }
    }

    private static TOptions Configured<TOptions>(IServiceProvider provider) where TOptions : class, new()
    {
        var options = new TOptions();
        foreach (var configure in provider.GetServices<IConfigureOptions<TOptions>>())
        {
            if (configure is IConfigureNamedOptions<TOptions> named) named.Configure(Options.DefaultName, options);
            else configure.Configure(options);
        }
        return options;
    }

    private static string? Mask(string key, string? value)
    {
        if (string.IsNullOrEmpty(value)) return value;
        var name = key[(key.LastIndexOf(':') + 1)..];
        return SecretName().IsMatch(name) ? Masked : EmbeddedPassword().Replace(value, m => m.Groups["name"].Value + Masked);
    }
}

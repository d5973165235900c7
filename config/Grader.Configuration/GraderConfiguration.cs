using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Grader.Configuration;

/// <summary>Where a setting's value comes from, lowest precedence first.</summary>
public enum SettingSource
{
    /// <summary>The options class's default, or the command's own (e.g. <c>grader grade</c>'s work folder).</summary>
    Default,
    ConfigFile,
    Environment,
    CommandLine,
}

/// <summary>
/// The configuration of every grader command (serve, work, config check, grade, action, the evidence commands), lowest
/// precedence first: the command's defaults, the config file (<c>--config</c>, <see cref="YamlSettings"/>), environment
/// variables (<c>Grader__Bot__WebhookSecret</c>), the command line's flags, which win. One prefix and one naming rule
/// (<see cref="SettingNames"/>) for all of them.
/// </summary>
public static class GraderConfiguration
{
    /// <summary>Adds the sources in their order. Throws <see cref="InvalidDataException"/> for a config file that is not valid, and for renamed environment variables.</summary>
    public static IConfigurationBuilder AddGraderSources(
        this IConfigurationBuilder builder,
        string? configFile,
        IReadOnlyDictionary<string, string?>? defaults = null,
        IReadOnlyDictionary<string, string?>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (RenamedVariables(Environment.GetEnvironmentVariables()) is { Count: > 0 } renamed)
        {
            throw new InvalidDataException(string.Join("; ", renamed));
        }

        var file = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (configFile is not null)
        {
            var path = Path.GetFullPath(configFile);
            file = YamlSettings.Flatten(File.ReadAllText(path), path);
        }

        flags ??= new Dictionary<string, string?>();
        // A list on the command line replaces the file's list rather than merging with it entry by entry.
        foreach (var list in flags.Keys.Select(ListOf).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList())
        {
            foreach (var key in file.Keys.Where(k => k.StartsWith(list + ":", StringComparison.OrdinalIgnoreCase)).ToList()) file.Remove(key);
        }

        builder.Add(new LayerSource(SettingSource.Default, defaults ?? new Dictionary<string, string?>()));
        builder.Add(new LayerSource(SettingSource.ConfigFile, file));
        builder.AddEnvironmentVariables();
        builder.Add(new LayerSource(SettingSource.CommandLine, flags));
        return builder;
    }

    /// <summary>Which source gave <paramref name="key"/> its value in a configuration built by <see cref="AddGraderSources"/>.</summary>
    public static SettingSource SourceOf(IConfigurationRoot configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _)) continue;
            return provider switch
            {
                LayerProvider layer => layer.Source,
                EnvironmentVariablesConfigurationProvider => SettingSource.Environment,
                _ => SettingSource.Default,
            };
        }
        return SettingSource.Default;
    }

    /// <summary>
    /// Environment variables of the former per-command names, each with its new name: they are no longer read, and
    /// ignoring them silently would run with a secret or a store missing.
    /// </summary>
    public static IReadOnlyList<string> RenamedVariables(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var renamed = new List<string>();
        foreach (var name in variables.Keys.OfType<string>().Order(StringComparer.Ordinal))
        {
            if (NewName(name) is { } now)
            {
                renamed.Add(string.Create(CultureInfo.InvariantCulture, $"the environment variable {name} is no longer read: rename it {now} (README, \"Configuration names\")"));
            }
        }
        return renamed;
    }

    private static string? NewName(string name) => name switch
    {
        "GRADER_EVIDENCE_STORE" => "Grader__Evidence__Store",
        "GRADER_EVIDENCE_KEY" => "Grader__Evidence__SigningKeyPath",
        _ when name.StartsWith("Bot__", StringComparison.Ordinal) || name.StartsWith("GitHub__", StringComparison.Ordinal) => "Grader__" + name,
        _ when name.StartsWith("GRADER_Grader__", StringComparison.Ordinal) => name["GRADER_".Length..],
        _ when name.StartsWith("GRADER_Bot__", StringComparison.Ordinal) || name.StartsWith("GRADER_GitHub__", StringComparison.Ordinal) => "Grader__" + name["GRADER_".Length..],
        _ => null,
    };

    /// <summary><c>Grader:Bot:Queues</c> for <c>Grader:Bot:Queues:0</c>; null for a key that is no list entry.</summary>
    private static string? ListOf(string key)
    {
        var colon = key.LastIndexOf(':');
        return colon > 0 && int.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? key[..colon] : null;
    }

    /// <summary>An in-memory layer that knows which source it is (for <c>grader config check</c>).</summary>
    private sealed class LayerSource(SettingSource source, IReadOnlyDictionary<string, string?> values) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new LayerProvider(source, values);
    }

    private sealed class LayerProvider : ConfigurationProvider
    {
        public LayerProvider(SettingSource source, IReadOnlyDictionary<string, string?> values)
        {
            Source = source;
            foreach (var (key, value) in values) Data[key] = value;
        }

        public SettingSource Source { get; }
    }
}

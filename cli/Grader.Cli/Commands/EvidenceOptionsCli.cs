using System.CommandLine;
using System.Globalization;
using Grader.Configuration;
using Grader.Evidence.Database;
using Grader.Evidence.Recording;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grader.Cli.Commands;

/// <summary>Options the evidence commands share: the store and the signing key, flags over the evidence section (<see cref="EvidenceOptions"/>).</summary>
internal static class EvidenceOptionsCli
{
    public const string DefaultStore = "grader-evidence.db";

    public static Option<string?> Store() => new("--store")
    {
        Description = $"The evidence store: a SQLite file or a postgres:// URL (default: evidence.store of --config, or Grader__Evidence__Store, else {DefaultStore}).",
    };

    public static Option<string?> Key() => new("--key")
    {
        Description = "The signing key (PEM; default: evidence.signing_key_path of --config, or Grader__Evidence__SigningKeyPath, else <store>.signing-key.pem beside a SQLite store).",
    };

    public static Option<FileInfo?> ConfigFile() => CommandSettings.ConfigFile("A config file whose evidence section (evidence.store, evidence.signing_key_path) applies, below environment variables and flags.");

    /// <summary>
    /// The evidence settings of a command: <see cref="DefaultStore"/>, then the config file, then the environment, then
    /// <c>--store</c> and <c>--key</c>. Throws <see cref="InvalidDataException"/> (or a missing file's exception) for a config file that is not valid.
    /// </summary>
    public static EvidenceOptions Resolve(string? configFile, string? store, string? key)
    {
        using var provider = Services(Configuration(configFile, store, key)).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<EvidenceOptions>>().Value;
    }

    internal static IConfigurationRoot Configuration(string? configFile, string? store, string? key)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (store is not null) flags[StoreKey] = store;
        if (key is not null) flags[EvidenceOptions.SectionName + ":" + nameof(EvidenceOptions.SigningKeyPath)] = key;
        return new ConfigurationBuilder().AddGraderSources(configFile, new Dictionary<string, string?> { [StoreKey] = DefaultStore }, flags).Build();
    }

    /// <summary>What the evidence commands compose: their settings only.</summary>
    internal static IServiceCollection Services(IConfiguration configuration) => new ServiceCollection().AddEvidenceOptions(configuration);

    public const string StoreKey = EvidenceOptions.SectionName + ":" + nameof(EvidenceOptions.Store);

    /// <summary>The message of a failure to open the store or read the configuration, or null when the exception is not one.</summary>
    public static string? StoreProblem(Exception e) => e switch
    {
        DatabaseUnavailableException or SchemaTooNewException => e.Message,
        _ when ConfigurationErrors.IsConfigFileError(e) => e.Message,
        _ => null,
    };

    public static bool TryTime(string? text, string option, out DateTimeOffset? value, out string? error)
    {
        value = null;
        error = null;
        if (text is null) return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }
        error = $"{option} '{text}' is not a date or time (e.g. 2026-11-01 or 2026-11-01T12:00Z)";
        return false;
    }
}

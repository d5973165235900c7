using System.CommandLine;
using System.Globalization;
using Grader.Evidence.Database;
using Grader.Evidence.Recording;

namespace Grader.Cli.Commands;

/// <summary>Options the evidence commands share: the store and the signing key.</summary>
internal static class EvidenceOptionsCli
{
    public const string StoreVariable = "GRADER_EVIDENCE_STORE";
    public const string KeyVariable = "GRADER_EVIDENCE_KEY";

    public static Option<string> Store() => new("--store")
    {
        Description = $"The evidence store: a SQLite file or a postgres:// URL (default: ${StoreVariable}, else grader-evidence.db).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } s ? s : "grader-evidence.db",
    };

    public static Option<string?> Key() => new("--key")
    {
        Description = $"The signing key (PEM; default: ${KeyVariable}, else <store>.signing-key.pem beside a SQLite store).",
    };

    public static EvidenceOptions Settings(string store, string? key) => new()
    {
        Store = store,
        SigningKeyPath = key ?? (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } k ? k : null),
    };

    /// <summary>The message of a failure to open the store, or null when the exception is not one.</summary>
    public static string? StoreProblem(Exception e) => e switch
    {
        DatabaseUnavailableException or SchemaTooNewException => e.Message,
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

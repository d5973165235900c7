using Grader.Evidence.Database;

namespace Grader.Evidence.Recording;

/// <summary>
/// Where <c>grader grade --record</c>, <c>grader action</c> and the report commands record and read evidence, and which key
/// signs it (section <c>Grader:Evidence</c>, <c>evidence:</c> in a config file). The bot has its own, <c>Grader:Bot:Evidence</c>.
/// </summary>
public sealed class EvidenceOptions
{
    public const string SectionName = "Grader:Evidence";

    /// <summary>
    /// The store: a SQLite file path, or a PostgreSQL <c>postgres://</c> URL or <c>Host=...;</c> connection string.
    /// Null: recording is off.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>
    /// The signing key (PKCS#8 PEM, from <c>grader evidence keygen</c>). Null: <c>&lt;store file&gt;.signing-key.pem</c> beside a
    /// SQLite store, created on first use; a PostgreSQL store needs it set.
    /// </summary>
    public string? SigningKeyPath { get; set; }

    public DatabaseLocation Database() => DatabaseLocation.Parse(Store ?? throw new InvalidOperationException("No evidence store is configured."));

    /// <exception cref="InvalidOperationException">A PostgreSQL store without a key path.</exception>
    public string EffectiveKeyPath()
    {
        if (!string.IsNullOrWhiteSpace(SigningKeyPath)) return SigningKeyPath;
        var database = Database();
        if (database.Dialect == DatabaseDialect.PostgreSql)
        {
            throw new InvalidOperationException("An evidence store in PostgreSQL needs a signing key path (generate one with `grader evidence keygen`).");
        }
        return Path.GetFullPath(database.SqlitePath) + ".signing-key.pem";
    }
}

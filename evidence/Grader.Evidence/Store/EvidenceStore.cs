using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Grader.Evidence.Database;
using Grader.Evidence.Model;
using Grader.Evidence.Signing;

namespace Grader.Evidence.Store;

/// <summary>
/// The append-only record table: each record is signed over its canonical JSON when written, and the public key that
/// signed it is kept so an export can carry it. Nothing updates or deletes a record (database triggers refuse it).
/// </summary>
public sealed class EvidenceStore(DatabaseConnectionFactory connections)
{
    private const string Columns =
        "seq, record_id, learner_login, learner_github_id, repository, pr_number, pr_url, head_sha, module_id, module_title, " +
        "rubric_id, rubric_hash, points, max_points, percentage, passed, complete, competencies, image_digest, runner_id, " +
        "gpu_model, gpu_driver, started_at_ms, graded_at_ms, review_url, check_run_url, signature, key_id";

    private const string Insert =
        "INSERT INTO evidence_records (record_id, learner_login, learner_key, learner_github_id, repository, pr_number, pr_url, head_sha, " +
        "module_id, module_title, rubric_id, rubric_hash, points, max_points, percentage, passed, complete, competencies, image_digest, " +
        "runner_id, gpu_model, gpu_driver, started_at_ms, graded_at_ms, review_url, check_run_url, record_json, signature, key_id) VALUES " +
        "(@record_id, @learner_login, @learner_key, @learner_github_id, @repository, @pr_number, @pr_url, @head_sha, @module_id, @module_title, " +
        "@rubric_id, @rubric_hash, @points, @max_points, @percentage, @passed, @complete, @competencies, @image_digest, @runner_id, @gpu_model, " +
        "@gpu_driver, @started_at_ms, @graded_at_ms, @review_url, @check_run_url, @record_json, @signature, @key_id)";

    /// <summary>Signs and appends one record.</summary>
    public async Task<EvidenceRow> AppendAsync(EvidenceRecord record, EvidenceSigningKey key, CancellationToken cancellationToken)
    {
        var rows = await AppendManyAsync([record], key, cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <summary>Signs and appends records in one transaction (imports, the benchmark's generator).</summary>
    public async Task<IReadOnlyList<EvidenceRow>> AppendManyAsync(IEnumerable<EvidenceRecord> records, EvidenceSigningKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await Sql.ExecuteAsync(connection, transaction,
            "INSERT INTO signing_keys (key_id, algorithm, public_key_pem, first_used_ms) VALUES (@id, @alg, @pem, @at) ON CONFLICT (key_id) DO NOTHING",
            cancellationToken, ("id", key.KeyId), ("alg", EvidenceSigningKey.Algorithm), ("pem", key.PublicKeyPem), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);

        var stored = new List<EvidenceRow>();
        await using (var command = Sql.Command(connection, transaction, Insert + " RETURNING seq"))
        {
            foreach (var record in records)
            {
                var canonical = CanonicalJson.Of(record);
                var row = ToRow(record, Encoding.UTF8.GetString(canonical), key.Sign(canonical), key.KeyId);
                Bind(command, row);
                var seq = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                stored.Add(row with { Seq = Convert.ToInt64(seq, System.Globalization.CultureInfo.InvariantCulture) });
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Whether a record with this id was appended already (a hook retried after a crash appends it once).</summary>
    public async Task<bool> ContainsAsync(string recordId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM evidence_records WHERE record_id = @id", cancellationToken, ("id", recordId)).ConfigureAwait(false);
        return Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>The public keys (PEM) of every key that signed a record, by key id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> PublicKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(connection, null, "SELECT key_id, public_key_pem FROM signing_keys ORDER BY key_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) keys[reader.GetString(0)] = reader.GetString(1);
        return keys;
    }

    /// <summary>Records matching the query, oldest first (by sequence).</summary>
    public async IAsyncEnumerable<EvidenceRow> QueryAsync(EvidenceQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.ModuleId is not null)
        {
            where.Add("module_id = @module");
            parameters.Add(("module", query.ModuleId));
        }
        if (query.Since is { } since)
        {
            where.Add("graded_at_ms >= @since");
            parameters.Add(("since", since.ToUnixTimeMilliseconds()));
        }
        if (query.Until is { } until)
        {
            where.Add("graded_at_ms < @until");
            parameters.Add(("until", until.ToUnixTimeMilliseconds()));
        }
        var logins = query.Logins?.Select(l => l.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var sql = $"SELECT {Columns}{(query.WithJson ? ", record_json" : "")} FROM evidence_records" +
                  (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY seq";

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(connection, null, sql, [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = Read(reader, query.WithJson);
            if (logins is null || logins.Contains(row.LearnerKey)) yield return row;
        }
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var count = await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM evidence_records", cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static EvidenceRow ToRow(EvidenceRecord r, string json, string signature, string keyId) => new()
    {
        Seq = 0,
        RecordId = r.RecordId,
        LearnerLogin = r.Learner.Login,
        LearnerGitHubId = r.Learner.GitHubId,
        Repository = r.Submission.Repository,
        PullRequestNumber = r.Submission.PullRequestNumber,
        PullRequestUrl = r.Submission.PullRequestUrl,
        HeadSha = r.Submission.HeadSha,
        ModuleId = r.Module.Id,
        ModuleTitle = r.Module.Title,
        RubricId = r.Rubric.Id,
        RubricHash = r.Rubric.ContentHash,
        Points = r.Points,
        MaxPoints = r.MaxPoints,
        Percentage = r.Percentage,
        Passed = r.Passed,
        Complete = r.Complete,
        Competencies = EvidenceRow.CompetencyColumn(r.Competencies),
        ImageDigest = r.Runner.ImageDigest,
        RunnerId = r.Runner.Id,
        GpuModel = r.Runner.GpuModel,
        GpuDriver = r.Runner.GpuDriver,
        StartedAt = r.StartedAt,
        GradedAt = r.GradedAt,
        ReviewUrl = r.ReviewUrl,
        CheckRunUrl = r.CheckRunUrl,
        Signature = signature,
        KeyId = keyId,
        RecordJson = json,
    };

    private static void Bind(DbCommand command, EvidenceRow row)
    {
        command.Parameters.Clear();
        Sql.Add(command, "record_id", row.RecordId);
        Sql.Add(command, "learner_login", row.LearnerLogin);
        Sql.Add(command, "learner_key", row.LearnerKey);
        Sql.Add(command, "learner_github_id", row.LearnerGitHubId);
        Sql.Add(command, "repository", row.Repository);
        Sql.Add(command, "pr_number", row.PullRequestNumber);
        Sql.Add(command, "pr_url", row.PullRequestUrl);
        Sql.Add(command, "head_sha", row.HeadSha);
        Sql.Add(command, "module_id", row.ModuleId);
        Sql.Add(command, "module_title", row.ModuleTitle);
        Sql.Add(command, "rubric_id", row.RubricId);
        Sql.Add(command, "rubric_hash", row.RubricHash);
        Sql.Add(command, "points", row.Points);
        Sql.Add(command, "max_points", row.MaxPoints);
        Sql.Add(command, "percentage", row.Percentage);
        Sql.Add(command, "passed", row.Passed);
        Sql.Add(command, "complete", row.Complete);
        Sql.Add(command, "competencies", row.Competencies);
        Sql.Add(command, "image_digest", row.ImageDigest);
        Sql.Add(command, "runner_id", row.RunnerId);
        Sql.Add(command, "gpu_model", row.GpuModel);
        Sql.Add(command, "gpu_driver", row.GpuDriver);
        Sql.Add(command, "started_at_ms", row.StartedAt.ToUnixTimeMilliseconds());
        Sql.Add(command, "graded_at_ms", row.GradedAt.ToUnixTimeMilliseconds());
        Sql.Add(command, "review_url", row.ReviewUrl);
        Sql.Add(command, "check_run_url", row.CheckRunUrl);
        Sql.Add(command, "record_json", row.RecordJson);
        Sql.Add(command, "signature", row.Signature);
        Sql.Add(command, "key_id", row.KeyId);
    }

    private static EvidenceRow Read(DbDataReader r, bool withJson) => new()
    {
        Seq = Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
        RecordId = r.GetString(1),
        LearnerLogin = r.GetString(2),
        LearnerGitHubId = Sql.NullableLong(r, 3),
        Repository = r.GetString(4),
        PullRequestNumber = Sql.NullableLong(r, 5) is { } pr ? (int)pr : null,
        PullRequestUrl = Sql.NullableString(r, 6),
        HeadSha = r.GetString(7),
        ModuleId = r.GetString(8),
        ModuleTitle = r.GetString(9),
        RubricId = r.GetString(10),
        RubricHash = r.GetString(11),
        Points = r.GetDouble(12),
        MaxPoints = r.GetDouble(13),
        Percentage = r.GetDouble(14),
        Passed = r.GetBoolean(15),
        Complete = r.GetBoolean(16),
        Competencies = r.GetString(17),
        ImageDigest = Sql.NullableString(r, 18),
        RunnerId = r.GetString(19),
        GpuModel = Sql.NullableString(r, 20),
        GpuDriver = Sql.NullableString(r, 21),
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(22)),
        GradedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(23)),
        ReviewUrl = Sql.NullableString(r, 24),
        CheckRunUrl = Sql.NullableString(r, 25),
        Signature = r.GetString(26),
        KeyId = r.GetString(27),
        RecordJson = withJson ? r.GetString(28) : null,
    };
}

using Grader.Evidence.Model;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Evidence.Recording;

/// <summary>
/// Records each completed grading as a signed evidence record: what the bot, the action and <c>grader grade --record</c>
/// call after grading. Opens (and migrates) the store and loads the key on first use; a missing key beside a SQLite
/// store is generated once and announced in the log.
/// </summary>
public sealed partial class EvidenceRecorder(IOptions<EvidenceOptions> options, ILogger<EvidenceRecorder>? logger = null) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private EvidenceDatabase? _database;
    private EvidenceSigningKey? _key;

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Store);

    /// <summary>Records one grading (complete or not: an incomplete one is kept as a grader error, never as an attempt).</summary>
    public async Task<EvidenceRow> RecordAsync(GradingRun run, SubmissionIdentity identity, CancellationToken cancellationToken) =>
        await RecordAsync(EvidenceRecordFactory.FromRun(run, identity), cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("A freshly made record id was in the store already.");

    /// <summary>
    /// Signs and appends a record made elsewhere from a run (<see cref="EvidenceRecordFactory.FromRun"/>), e.g. by the
    /// bot's grading worker, which never holds the signing key. A record id already in the store is not appended again
    /// (a hook retried after a crash); null then.
    /// </summary>
    public async Task<EvidenceRow?> RecordAsync(EvidenceRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (database, key) = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await database.Records.ContainsAsync(record.RecordId, cancellationToken).ConfigureAwait(false)) return null;
        var row = await database.Records.AppendAsync(record, key, cancellationToken).ConfigureAwait(false);
        LogRecorded(_logger, record.RecordId, record.Learner.Login, record.Module.Id, record.Submission.HeadSha, record.Complete);
        return row;
    }

    /// <summary>One recording from a short-lived process (<c>grader grade --record</c>, <c>grader action</c>).</summary>
    public static async Task<EvidenceRow> RecordOnceAsync(EvidenceOptions settings, GradingRun run, SubmissionIdentity identity, ILogger<EvidenceRecorder>? logger, CancellationToken cancellationToken)
    {
        await using var recorder = new EvidenceRecorder(Options.Create(settings), logger);
        return await recorder.RecordAsync(run, identity, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(EvidenceDatabase, EvidenceSigningKey)> OpenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_database is null || _key is null)
            {
                var settings = options.Value;
                _key ??= LoadOrCreateKey(settings.EffectiveKeyPath());
                _database ??= await EvidenceDatabase.OpenAsync(settings.Database(), _logger, cancellationToken).ConfigureAwait(false);
            }
            return (_database, _key);
        }
        finally
        {
            _gate.Release();
        }
    }

    private EvidenceSigningKey LoadOrCreateKey(string path)
    {
        if (File.Exists(path)) return EvidenceSigningKey.Load(path);
        var key = EvidenceSigningKey.Generate();
        try
        {
            key.Save(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs, so one store has one key.
            key.Dispose();
            return EvidenceSigningKey.Load(path);
        }
        LogKeyCreated(_logger, path, key.KeyId);
        return key;
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync().ConfigureAwait(false);
        _key?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded evidence {RecordId}: {Learner} {Module} at {Sha} (complete: {Complete})")]
    private static partial void LogRecorded(ILogger logger, string recordId, string learner, string module, string sha, bool complete);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated a new evidence signing key {KeyId} at {Path}; keep it safe: exports are verified against it")]
    private static partial void LogKeyCreated(ILogger logger, string path, string keyId);
}

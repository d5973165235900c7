using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Outbox;

public sealed class FilePublishOutboxOptions
{
    public const string SectionName = "Grader:GitHub:Outbox";

    /// <summary>Directory holding one JSON file per pending result.</summary>
    public string Directory { get; set; } = Path.Combine(".grader", "outbox");
}

/// <summary>
/// Outbox in a directory, one JSON file per entry, written to a temporary file then renamed over the old one,
/// so a crash leaves either the old or the new entry, never a torn one.
/// </summary>
public sealed class FilePublishOutbox : IPublishOutbox, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    private readonly string _directory;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public FilePublishOutbox(IOptions<FilePublishOutboxOptions> options)
    {
        _directory = Path.GetFullPath(options.Value.Directory);
        Directory.CreateDirectory(_directory);
    }

    public async Task SaveAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var path = PathOf(entry.Id);
        var temporary = path + ".tmp";
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await JsonSerializer.SerializeAsync(stream, entry, Json, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await GetAllAsync(cancellationToken).ConfigureAwait(false))
            .Where(e => !e.Failed && e.NotBefore <= now)
            .ToList();

    public async Task<IReadOnlyList<OutboxEntry>> GetAllAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = new List<OutboxEntry>();
            foreach (var file in Directory.EnumerateFiles(_directory, "*.json"))
            {
                await using var stream = File.OpenRead(file);
                var entry = await JsonSerializer.DeserializeAsync<OutboxEntry>(stream, Json, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"Outbox entry {file} is empty.");
                entries.Add(entry);
            }

            return entries.OrderBy(e => e.EnqueuedAt).ToList();
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            File.Delete(PathOf(id));
        }
        finally
        {
            _lock.Release();
        }
    }

    private string PathOf(string id)
    {
        // Ids are ours (GUIDs), but a path must never escape the outbox directory.
        if (id.Length == 0 || id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid outbox entry id '{id}'.", nameof(id));
        }

        return Path.Combine(_directory, id + ".json");
    }

    public void Dispose() => _lock.Dispose();
}

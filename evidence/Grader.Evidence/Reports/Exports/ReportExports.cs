using Grader.Evidence.Signing;
using Grader.Evidence.Store;

namespace Grader.Evidence.Reports.Exports;

/// <summary>An export would overwrite a file that exists and <c>--force</c> was not given.</summary>
public sealed class ExportTargetExistsException(string path)
    : IOException($"{path} already exists; give --force to overwrite it")
{
    public string Path { get; } = path;
}

/// <summary>Every export format, and the one way to run one: load what the filter covers, write it to a stream or a file.</summary>
public static class ReportExports
{
    public static readonly IReadOnlyList<IReportExporter> All =
    [
        new HtmlExporter(), new CsvExporter(), new JsonExporter(), new CanvasExporter(), new MoodleExporter(), new OpenBadgesExporter(), new XapiExporter(),
    ];

    public static IReadOnlyList<string> Formats => [.. All.Select(e => e.Format)];

    public static IReportExporter? Find(string format) =>
        All.FirstOrDefault(e => string.Equals(e.Format, format, StringComparison.OrdinalIgnoreCase));

    public static async Task ExportAsync(EvidenceDatabase database, IReportExporter exporter, ReportFilter filter, ExportSettings settings, EvidenceSigningKey? key, Stream output, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(exporter);
        var data = await ReportDataLoader.LoadAsync(database, filter, exporter.NeedsRecordJson, time, cancellationToken).ConfigureAwait(false);
        var keys = await database.Records.PublicKeysAsync(cancellationToken).ConfigureAwait(false);
        var context = new ExportContext(data, keys, settings) { SigningKey = key };
        await exporter.WriteAsync(context, output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes beside the target and moves it into place, so a failed export never leaves half a file.</summary>
    /// <exception cref="ExportTargetExistsException">The file exists and <paramref name="force"/> is false.</exception>
    public static Task ExportToFileAsync(EvidenceDatabase database, IReportExporter exporter, ReportFilter filter, ExportSettings settings, EvidenceSigningKey? key, string path, bool force, TimeProvider time, CancellationToken cancellationToken) =>
        WriteFileAsync(path, force, (stream, ct) => ExportAsync(database, exporter, filter, settings, key, stream, time, ct), cancellationToken);

    /// <summary>Every file a report command writes: beside the target, then moved into place (refused when it exists, unless <paramref name="force"/>).</summary>
    /// <exception cref="ExportTargetExistsException">The file exists and <paramref name="force"/> is false.</exception>
    public static async Task WriteFileAsync(string path, bool force, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = System.IO.Path.GetFullPath(path);
        if (!force && (File.Exists(full) || Directory.Exists(full))) throw new ExportTargetExistsException(path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():n}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
            }
            try
            {
                File.Move(temporary, full, overwrite: force);
            }
            catch (IOException) when (!force && File.Exists(full))
            {
                throw new ExportTargetExistsException(path);
            }
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}

using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>How a file is loaded: as a module's rubric, or as a fragment meant to be included or extended.</summary>
public enum RubricFileRole
{
    /// <summary>A module's rubric: needs <c>module</c>, competencies and criteria; points and references are checked.</summary>
    Rubric,
    /// <summary>
    /// A file without <c>module</c>, checked on its own; rules that need the including rubric are skipped.
    /// The returned rubric has an empty <see cref="Rubric.Module"/> (id and title "").
    /// </summary>
    Fragment,
    /// <summary><see cref="Fragment"/> when the file has no <c>module</c> key, else <see cref="Rubric"/> (what <c>grader rubric lint</c> does).</summary>
    Auto,
}

/// <summary>
/// Loads rubric YAML (rubrics/FORMAT.md) into a validated <see cref="Rubric"/>, or reports every problem found,
/// each at the file, line and column of the offending node. Never throws for malformed input.
/// </summary>
public static class RubricLoader
{
    public static RubricLoadResult LoadFile(string path, RubricFileRole role = RubricFileRole.Rubric) =>
        Complete(LoadFileCoreAsync(path, role, SyncRead, CancellationToken.None));

    public static Task<RubricLoadResult> LoadFileAsync(string path, CancellationToken cancellationToken = default) =>
        LoadFileAsync(path, RubricFileRole.Rubric, cancellationToken);

    public static async Task<RubricLoadResult> LoadFileAsync(string path, RubricFileRole role, CancellationToken cancellationToken) =>
        await LoadFileCoreAsync(path, role, AsyncRead, cancellationToken).ConfigureAwait(false);

    /// <summary>Loads rubric text; <paramref name="fileName"/> names it in diagnostics and anchors relative extends/include paths.</summary>
    public static RubricLoadResult LoadText(string yaml, string fileName, RubricFileRole role = RubricFileRole.Rubric) =>
        Complete(LoadTextCoreAsync(yaml, fileName, role, SyncRead, CancellationToken.None));

    private static ValueTask<string> SyncRead(string path, CancellationToken ct) => ValueTask.FromResult(File.ReadAllText(path));

    private static async ValueTask<string> AsyncRead(string path, CancellationToken ct) => await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);

    /// <summary>The synchronous entry points pass a reader that never yields, so the task is already complete here.</summary>
    private static RubricLoadResult Complete(ValueTask<RubricLoadResult> task) =>
        task.IsCompleted ? task.Result : task.AsTask().GetAwaiter().GetResult();

    private static async ValueTask<RubricLoadResult> LoadFileCoreAsync(string path, RubricFileRole role, Func<string, CancellationToken, ValueTask<string>> read, CancellationToken ct)
    {
        string text;
        try
        {
            text = await read(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = ex is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : ex.Message;
            return new RubricLoadResult(null, [new RubricDiagnostic(new SourceLocation(path, 1, 1), $"cannot read the rubric: {why}")]);
        }
        return await LoadTextCoreAsync(text, path, role, read, ct).ConfigureAwait(false);
    }

    private static async ValueTask<RubricLoadResult> LoadTextCoreAsync(string yaml, string fileName, RubricFileRole role, Func<string, CancellationToken, ValueTask<string>> read, CancellationToken ct)
    {
        var bag = new DiagnosticBag();
        try
        {
            var (root, assembly) = await new RubricComposer(bag, read).ComposeAsync(fileName, yaml, ct).ConfigureAwait(false);
            var asFragment = role == RubricFileRole.Fragment || (role == RubricFileRole.Auto && root.Parsed && !root.HasModule);
            var rubric = root.Parsed ? RubricValidator.Finish(root, assembly, asFragment, bag) : null;
            return new RubricLoadResult(bag.Items.Count == 0 ? rubric : null, bag.Items);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // A loader bug must not take the caller down with it; the message asks for a report instead.
            bag.Add(new SourceLocation(fileName, 1, 1), $"internal error in the rubric loader ({ex.GetType().Name}: {ex.Message}); please report this rubric to the grader maintainers");
            return new RubricLoadResult(null, bag.Items);
        }
    }
}

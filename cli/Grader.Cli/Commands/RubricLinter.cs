using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Runner.Documents;
using Grader.Runner.Quiz;

namespace Grader.Cli.Commands;

/// <summary>What a linted file was checked as.</summary>
public enum LintedAs
{
    /// <summary>A file with <c>module</c>: a whole rubric.</summary>
    Rubric,
    /// <summary>A file without <c>module</c>, for rubrics to <c>extends</c> or <c>include</c>.</summary>
    Fragment,
    /// <summary>A file a rubric's quiz check names as its <c>key</c>: question id to accepted answers.</summary>
    AnswerKey,
}

/// <summary>The outcome of linting one file.</summary>
public sealed record RubricLintFile(string Path, LintedAs Kind, IReadOnlyList<RubricDiagnostic> Diagnostics)
{
    public bool IsFragment => Kind == LintedAs.Fragment;
}

/// <summary>Finds rubric files under the given paths and loads each, collecting every diagnostic once.</summary>
public static class RubricLinter
{
    /// <summary>Expands files and folders (recursively, *.yaml and *.yml) into files, sorted, without duplicates.</summary>
    /// <returns>The files, and the paths that are neither a file nor a folder.</returns>
    public static (IReadOnlyList<string> Files, IReadOnlyList<string> Missing) Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var missing = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else missing.Add(path);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return (files.Where(f => seen.Add(Path.GetFullPath(f))).ToList(), missing);
    }

    /// <summary>
    /// Lints each file: a file with <c>module</c> as a rubric; a file that a rubric's quiz check names as its answer key
    /// as an answer key (with the reader the runner grades with); any other file as a fragment. A key a rubric names
    /// but that does not exist is an error at the criterion. A problem in a fragment shared by several rubrics is
    /// reported once, under the first file that reached it.
    /// </summary>
    public static async Task<IReadOnlyList<RubricLintFile>> LintAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var loaded = new List<(string File, RubricLoadResult Result)>();
        foreach (var file in files)
            loaded.Add((file, await RubricLoader.LoadFileAsync(file, RubricFileRole.Auto, cancellationToken).ConfigureAwait(false)));

        var keys = AnswerKeysNamedBy(loaded);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var results = new List<RubricLintFile>();
        foreach (var (file, result) in loaded)
        {
            if (keys.ContainsKey(Path.GetFullPath(file)))
            {
                results.Add(new RubricLintFile(file, LintedAs.AnswerKey, await LintAnswerKeyAsync(file, cancellationToken).ConfigureAwait(false)));
                continue;
            }
            var diagnostics = result.Diagnostics.ToList();
            if (result.Rubric is { Module.Id.Length: > 0 } rubric) diagnostics.AddRange(MissingKeys(file, rubric));
            var fresh = diagnostics.Where(d => reported.Add(d.ToString())).ToList();
            var isFragment = result.Rubric is { Module.Id.Length: 0 } || (result.Rubric is null && !HasModuleKey(file));
            results.Add(new RubricLintFile(file, isFragment ? LintedAs.Fragment : LintedAs.Rubric, fresh));
        }

        // A key that exists but was not among the paths given is checked too: it is part of the rubric.
        var given = files.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, shownAs) in keys.Where(k => !given.Contains(k.Key) && File.Exists(k.Key)).OrderBy(k => k.Key, StringComparer.Ordinal))
            results.Add(new RubricLintFile(shownAs, LintedAs.AnswerKey, await LintAnswerKeyAsync(shownAs, cancellationToken).ConfigureAwait(false)));
        return results;
    }

    /// <summary>The answer keys the loaded rubrics name, by full path, each with the path as a rubric's folder spells it.</summary>
    private static Dictionary<string, string> AnswerKeysNamedBy(IEnumerable<(string File, RubricLoadResult Result)> loaded)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, result) in loaded)
        {
            if (result.Rubric is not { Module.Id.Length: > 0 } rubric) continue;
            foreach (var quiz in rubric.Criteria.Select(c => c.Check).OfType<QuizCheck>())
            {
                var shown = KeyPath(file, quiz);
                keys.TryAdd(Path.GetFullPath(shown), shown);
            }
        }
        return keys;
    }

    /// <summary>A quiz key as the runner resolves it: relative to the rubric's folder.</summary>
    private static string KeyPath(string rubricFile, QuizCheck quiz) => Path.Combine(Path.GetDirectoryName(rubricFile) ?? ".", quiz.Key);

    private static IEnumerable<RubricDiagnostic> MissingKeys(string file, Rubric rubric)
    {
        foreach (var criterion in rubric.Criteria.Where(c => c.Check is QuizCheck))
        {
            var quiz = (QuizCheck)criterion.Check;
            var path = Path.GetFullPath(KeyPath(file, quiz));
            if (File.Exists(path)) continue;
            var at = criterion.Location ?? new SourceLocation(file, 1, 1);
            yield return new RubricDiagnostic(at, $"criterion '{criterion.Id}': the quiz answer key '{quiz.Key}' does not exist (looked for {path})");
        }
    }

    /// <summary>Reads a key as the quiz check will when it grades; every problem is located in the key file.</summary>
    private static async Task<IReadOnlyList<RubricDiagnostic>> LintAnswerKeyAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            var key = AnswerSheet.ReadKey(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
            return key.Count > 0 ? [] : [new RubricDiagnostic(new SourceLocation(file, 1, 1), "the answer key has no questions")];
        }
        catch (LearnerFileException e)
        {
            var at = new SourceLocation(file, (int)(e.Line ?? 1), (int)(e.Column ?? 1));
            return [new RubricDiagnostic(at, $"in this answer key: {e.Reason}")];
        }
        catch (IOException e)
        {
            return [new RubricDiagnostic(new SourceLocation(file, 1, 1), $"the answer key cannot be read: {e.Message}")];
        }
    }

    /// <summary>Whether a file has a top-level <c>module</c> key, for the summary of a file that did not load.</summary>
    private static bool HasModuleKey(string file)
    {
        try
        {
            return File.ReadLines(file).Any(l => l.StartsWith("module:", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}

using Grader.Rubrics.Loading;

namespace Grader.Cli.Commands;

/// <summary>The outcome of linting one file.</summary>
/// <param name="IsFragment">Whether the file has no <c>module</c> and was checked as a fragment.</param>
public sealed record RubricLintFile(string Path, bool IsFragment, IReadOnlyList<RubricDiagnostic> Diagnostics);

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
    /// Lints each file: a file with <c>module</c> as a rubric, a file without as a fragment. A problem in a fragment
    /// shared by several rubrics is reported once, under the first file that reached it.
    /// </summary>
    public static async Task<IReadOnlyList<RubricLintFile>> LintAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var results = new List<RubricLintFile>();
        foreach (var file in files)
        {
            var result = await RubricLoader.LoadFileAsync(file, RubricFileRole.Auto, cancellationToken).ConfigureAwait(false);
            var fresh = result.Diagnostics.Where(d => reported.Add(d.ToString())).ToList();
            var isFragment = result.Rubric is { Module.Id.Length: 0 } || (result.Rubric is null && !HasModuleKey(file));
            results.Add(new RubricLintFile(file, isFragment, fresh));
        }
        return results;
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

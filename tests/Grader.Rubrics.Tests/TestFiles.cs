namespace Grader.Rubrics.Tests;

/// <summary>Where test data and the repository's own files are.</summary>
internal static class TestFiles
{
    /// <summary>Test data copied beside the test assembly (Loading/**/*.yaml).</summary>
    public static string Data(params string[] parts) => Path.Combine([TestContext.CurrentContext.TestDirectory, .. parts]);

    /// <summary>Folders under rubrics/ that hold data rubrics point at (answer keys, hidden tests, baselines) or the schema, not rubrics.</summary>
    private static readonly string[] NonRubricFolders = ["schema", "keys", "hidden", "baselines"];

    /// <summary>Every YAML rubric (or fragment) shipped under rubrics/, enumerated at test time.</summary>
    public static IEnumerable<string> ShippedRubrics()
    {
        var rubrics = Path.Combine(RepositoryRoot, "rubrics");
        return Directory.EnumerateFiles(rubrics, "*.*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal))
            .Where(p => !NonRubricFolders.Contains(Path.GetRelativePath(rubrics, p).Split('/')[0]))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The repository root: the nearest folder above the test assembly holding Grader.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Grader.sln not found above the test directory");
        }
    }
}

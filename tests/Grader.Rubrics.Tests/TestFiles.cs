namespace Grader.Rubrics.Tests;

/// <summary>Where test data and the repository's own files are.</summary>
internal static class TestFiles
{
    /// <summary>Test data copied beside the test assembly (Loading/**/*.yaml).</summary>
    public static string Data(params string[] parts) => Path.Combine([TestContext.CurrentContext.TestDirectory, .. parts]);

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

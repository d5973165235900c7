namespace Grader.Runner.Tests.Benchmarks;

/// <summary>Benchmark output fixtures (see Fixtures/README.md), read from the source tree.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "tests", "Grader.Runner.Tests", "Benchmarks", "Fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }

        throw new DirectoryNotFoundException("Benchmarks/Fixtures not found above the test directory");
    });

    public static string Path(string name) => System.IO.Path.Combine(Folder.Value, name);

    public static string Read(string name) => File.ReadAllText(Path(name));
}

namespace Grader.Evidence.Tests.Support;

internal static class RepositoryPaths
{
    /// <summary>The repository root (the folder with Grader.sln), found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string NodeTools => Path.Combine(Root, "tools", "node");

    public static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Grader.sln not found above the test binaries.");
    }
}

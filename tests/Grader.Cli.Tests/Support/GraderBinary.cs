namespace Grader.Cli.Tests.Support;

/// <summary>
/// The built lean <c>grader</c> as users run it: from its own output folder (cli/Grader.Cli/bin/...), with its own
/// runtimeconfig and dependencies. The copy beside the tests would run on this test project's dependency set, which
/// takes the Microsoft.Extensions libraries from the ASP.NET Core shared framework (the GitHub emulator needs it) that
/// grader, having no web host, does not ask for.
/// </summary>
internal static class GraderBinary
{
    public static string DllPath { get; } = Locate();

    private static string Locate()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Grader.sln"))) root = root.Parent;
        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Grader.sln not found above the tests"),
            "cli", "Grader.Cli", "bin", configuration, framework, "grader.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build cli/Grader.Cli first.", path);
    }
}

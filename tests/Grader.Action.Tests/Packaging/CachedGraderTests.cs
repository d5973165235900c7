using System.Diagnostics;

namespace Grader.Action.Tests.Packaging;

/// <summary>
/// action.yml runs the lean grader published by <c>scripts/lib/cached-grader.sh</c>: built once per version of its
/// sources, then reused by every job on the runner.
/// </summary>
[Category("Integration")]
public sealed class CachedGraderTests
{
    private string _cache = null!;

    [SetUp]
    public void SetUp() => _cache = Directory.CreateTempSubdirectory("grader-cache-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_cache, recursive: true);

    [Test]
    public async Task CachedGrader_SecondJob_ReusesTheBuildAndItRunsWithoutTheBot()
    {
        var first = await RunScriptAsync();
        var builtAt = File.GetLastWriteTimeUtc(first);
        var second = await RunScriptAsync();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first), "the same sources give the same cached build");
            Assert.That(File.GetLastWriteTimeUtc(second), Is.EqualTo(builtAt), "nothing was published again");
            Assert.That(Directory.GetDirectories(_cache), Has.Length.EqualTo(1));
            Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(first)!, "Grader.Bot.dll")), Is.False, "the lean grader ships no bot");
            Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(first)!, "Hangfire.Core.dll")), Is.False, "nor Hangfire");
        });
        var (exit, help, errors) = await RunAsync("dotnet", first, "action", "--help");
        Assert.That(exit, Is.EqualTo(0), errors);
        Assert.That(help, Does.Contain("--rubric"));
    }

    private async Task<string> RunScriptAsync()
    {
        var (exit, output, errors) = await RunAsync("bash", Path.Combine(RepositoryRoot(), "scripts", "lib", "cached-grader.sh"));
        Assert.That(exit, Is.EqualTo(0), errors);
        return output.Trim();
    }

    private async Task<(int Exit, string Output, string Errors)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["GRADER_CACHE"] = _cache;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Grader.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Grader.sln not found above the test folder");
    }
}

using System.Diagnostics;

namespace Grader.Runner.Tests.Checkout;

/// <summary>A real git repository made with the git command line for a test.</summary>
internal sealed class TestGitRepository
{
    public TestGitRepository(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "learner@example.com");
        Git("config", "user.name", "Learner");
    }

    public string Path { get; }

    public Uri FileUrl => new("file://" + Path);

    public string Commit(string message, params (string File, string Content)[] files)
    {
        foreach (var (file, content) in files)
        {
            var full = System.IO.Path.Combine(Path, file);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args) => Run(Path, args);

    public static string Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }
}

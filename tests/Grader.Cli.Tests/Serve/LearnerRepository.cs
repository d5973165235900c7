using System.Diagnostics;

namespace Grader.Cli.Tests.Serve;

/// <summary>
/// A learner's repository as a real git repository: one commit with a busybox Dockerfile and a test script,
/// also at <c>refs/pull/N/head</c> as GitHub keeps it, which is the ref the runner fetches.
/// </summary>
public sealed class LearnerRepository
{
    private LearnerRepository(string gitDirectory, string headSha)
    {
        GitDirectory = gitDirectory;
        HeadSha = headSha;
    }

    /// <summary>The .git directory, served by the emulator over smart HTTP.</summary>
    public string GitDirectory { get; }

    public string HeadSha { get; }

    public static async Task<LearnerRepository> CreateAsync(string directory, int pullNumber, string testScript, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "Dockerfile"), "FROM grader/busybox:1\nCOPY test.sh /app/test.sh\nCMD [\"sh\"]\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "test.sh"), testScript, cancellationToken);
        await GitAsync(directory, cancellationToken, "init", "--quiet", "--initial-branch=main");
        await GitAsync(directory, cancellationToken, "add", "Dockerfile", "test.sh");
        await GitAsync(directory, cancellationToken, "-c", "user.name=Learner", "-c", "user.email=learner@example.com", "commit", "--quiet", "-m", "Lab submission");
        var sha = (await GitAsync(directory, cancellationToken, "rev-parse", "HEAD")).Trim();
        await GitAsync(directory, cancellationToken, "update-ref", $"refs/pull/{pullNumber}/head", sha);
        return new LearnerRepository(Path.Combine(directory, ".git"), sha);
    }

    private static async Task<string> GitAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }

        return await output;
    }
}

using System.Diagnostics;

namespace Grader.Runner.Tests.Checkout;

/// <summary>An entry of a crafted tree: mode (100644, 100755, 120000, 040000), object id and name.</summary>
internal sealed record TreeItem(string Mode, string Id, string Name)
{
    public static TreeItem File(string id, string name) => new("100644", id, name);
    public static TreeItem Link(string id, string name) => new("120000", id, name);
    public static TreeItem Folder(string id, string name) => new("040000", id, name);
}

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

    /// <summary>Writes a blob straight into the object database (git hash-object -w) and returns its id.</summary>
    public string Blob(byte[] content) => RunCore(Path, content, ["hash-object", "-w", "--stdin"], allowFailure: false).Trim();

    public string Blob(string content) => Blob(System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>
    /// Writes a tree with git mktree, which accepts what a hostile client can push and git checkout would never
    /// write: one blob referenced many times, trees nested or repeated at will, links to anywhere.
    /// </summary>
    public string Tree(IEnumerable<TreeItem> items) =>
        RunCore(Path, System.Text.Encoding.UTF8.GetBytes(string.Concat(items.Select(i => $"{i.Mode} {(i.Mode == "040000" ? "tree" : "blob")} {i.Id}\t{i.Name}\n"))), ["mktree"], allowFailure: false).Trim();

    /// <summary>Commits a tree on top of the current branch (or as the first commit) and moves the branch to it.</summary>
    public string CommitTree(string tree, string message = "crafted")
    {
        var parent = RunCore(Path, null, ["rev-parse", "--verify", "-q", "HEAD"], allowFailure: true).Trim();
        var args = new List<string> { "commit-tree", tree, "-m", message };
        if (parent.Length > 0) args.AddRange(["-p", parent]);
        var commit = RunCore(Path, null, [.. args], allowFailure: false).Trim();
        Git("update-ref", "refs/heads/main", commit);
        return commit;
    }

    public static string Run(string workingDirectory, params string[] args) => RunCore(workingDirectory, null, args, allowFailure: false);

    private static string RunCore(string workingDirectory, byte[]? input, string[] args, bool allowFailure)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }
        var stdout = stdoutTask.GetAwaiter().GetResult();
        var stderr = stderrTask.GetAwaiter().GetResult();
        process.WaitForExit();
        if (process.ExitCode != 0 && !allowFailure) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        return process.ExitCode == 0 ? stdout : "";
    }
}

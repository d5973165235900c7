namespace Grader.Testing.GitHub;

/// <summary>
/// A learner's repository as a real git repository: course material on the default branch (main), each pull
/// request's commits on its own branch and at <c>refs/pull/N/head</c>, as GitHub keeps them. The emulator serves
/// it for contents reads and clones.
/// </summary>
public sealed class LearnerRepository
{
    private LearnerRepository(string workTree) => WorkTree = workTree;

    public string WorkTree { get; }
    public string GitDirectory => Path.Combine(WorkTree, ".git");

    /// <summary>A new repository in <paramref name="workTree"/> with the course material committed on main.</summary>
    public static async Task<LearnerRepository> CreateAsync(string workTree)
    {
        Directory.CreateDirectory(workTree);
        var repository = new LearnerRepository(workTree);
        await repository.GitAsync("init", "-q", "-b", "main");
        await File.WriteAllTextAsync(Path.Combine(workTree, "README.md"), "# Lab\n\nOpen a pull request with your solution.\n");
        await repository.GitAsync("add", "-A");
        await repository.GitAsync("-c", "user.name=Instructor", "-c", "user.email=instructor@grader.invalid", "commit", "-q", "-m", "course material");
        return repository;
    }

    /// <summary>Commits files on the default branch (where the bot reads <c>.grader.yml</c>); returns the commit.</summary>
    public Task<string> CommitToDefaultBranchAsync(IReadOnlyDictionary<string, string> files) =>
        CommitAsync("main", files, "course settings");

    /// <summary>Commits a submission on pull request <paramref name="number"/>'s branch and moves refs/pull/N/head to it.</summary>
    public async Task<string> PushToPullRequestAsync(int number, IReadOnlyDictionary<string, string> files, string message)
    {
        var sha = await CommitAsync($"pr-{number}", files, message);
        await GitAsync("update-ref", $"refs/pull/{number}/head", sha);
        return sha;
    }

    private async Task<string> CommitAsync(string branch, IReadOnlyDictionary<string, string> files, string message)
    {
        var exists = (await GitAsync("branch", "--list", branch)).Trim().Length > 0;
        await GitAsync(exists ? ["checkout", "-q", branch] : ["checkout", "-q", "-b", branch, "main"]);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(WorkTree, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        await GitAsync("add", "-A");
        await GitAsync("-c", "user.name=Learner", "-c", "user.email=learner@grader.invalid", "commit", "-q", "--allow-empty", "-m", message);
        return (await GitAsync("rev-parse", "HEAD")).Trim();
    }

    private Task<string> GitAsync(params string[] arguments) => GitCommand.RunAsync(WorkTree, arguments);
}

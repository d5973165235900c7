using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Support;

/// <summary>A real git repository in a temporary directory, with files committed on main and a feature branch.</summary>
public sealed class TemporaryGitRepository : IDisposable
{
    private TemporaryGitRepository(string path) => WorkTree = path;

    public string WorkTree { get; }
    public string GitDirectory => Path.Combine(WorkTree, ".git");

    public static async Task<TemporaryGitRepository> CreateAsync(IReadOnlyDictionary<string, string> mainFiles, IReadOnlyDictionary<string, string> featureFiles)
    {
        var repository = new TemporaryGitRepository(Directory.CreateTempSubdirectory("grader-gh-repo-").FullName);
        await repository.GitAsync("init", "-q", "-b", "main");
        await repository.CommitAsync(mainFiles, "course material");
        await repository.GitAsync("checkout", "-q", "-b", "feature");
        await repository.CommitAsync(featureFiles, "learner work");
        await repository.GitAsync("checkout", "-q", "main");
        return repository;
    }

    private async Task CommitAsync(IReadOnlyDictionary<string, string> files, string message)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(WorkTree, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        await GitAsync("add", "-A");
        await GitAsync("-c", "user.name=Grader Test", "-c", "user.email=test@grader.invalid", "commit", "-q", "-m", message);
    }

    public Task<string> GitAsync(params string[] arguments) => GitCommand.RunAsync(WorkTree, arguments);

    public void Dispose() => Directory.Delete(WorkTree, recursive: true);
}

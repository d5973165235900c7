using System.Diagnostics;
using System.Text;
using Grader.GitHub.Auth;
using Grader.GitHub.Repositories;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Repositories;

public sealed class GitHubRepositoryServiceTests : PrismValidatedTest
{
    private TemporaryGitRepository _git = null!;

    [SetUp]
    public async Task CreateRepositoryAsync() =>
        _git = await TemporaryGitRepository.CreateAsync(
            new Dictionary<string, string> { ["rubric.yaml"] = "id: course-rubric\n", ["README.md"] = "# Course\n" },
            new Dictionary<string, string> { ["rubric.yaml"] = "id: learner-tampered\n", ["train.py"] = "print('hi')\n" });

    [TearDown]
    public void DeleteRepository() => _git.Dispose();

    // A root-level file: prism cannot match a {path} parameter holding '/', which GitHub itself accepts.
    [Test]
    public async Task GetDefaultBranchFileAsync_FileChangedOnTheLearnersBranch_ReturnsTheDefaultBranchVersion()
    {
        await using var harness = GitHubClientHarness.Create(GitHub, gitDirectory: _git.GitDirectory);
        var service = harness.Get<GitHubRepositoryService>();

        var rubric = await service.GetDefaultBranchFileAsync(harness.Installation.Id, harness.Repository.Owner, harness.Repository.Name, "rubric.yaml", CancellationToken.None);
        var missing = await service.GetDefaultBranchFileAsync(harness.Installation.Id, harness.Repository.Owner, harness.Repository.Name, "train.py", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(rubric!), Is.EqualTo("id: course-rubric\n"));
            Assert.That(missing, Is.Null, "train.py exists only on the learner's branch");
            Assert.That(harness.Emulator.Requests($"/repos/{harness.Repository.FullName}/contents/").Single(r => r.Status == 200).Query, Does.Contain("ref=main"));
        });
    }

    [Test]
    public async Task GetPullRequestAsync_ExistingPullRequest_ReturnsHeadShaBaseShaDraftAndAuthor()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        harness.Emulator.AddPullRequest(harness.Repository, harness.PullRequest with { Draft = true, BaseSha = "c0ffee0000000000000000000000000000000042" });

        var pull = await harness.Get<GitHubRepositoryService>().GetPullRequestAsync(harness.Installation.Id, harness.Repository.Owner, harness.Repository.Name, 7, CancellationToken.None);

        Assert.That(pull, Is.EqualTo(new PullRequestInfo(7, harness.PullRequest.HeadSha, "feature", "main", true, harness.PullRequest.Author, "open", "c0ffee0000000000000000000000000000000042")));
    }

    [TestCase("admin")]
    [TestCase("read")]
    public async Task GetCollaboratorPermissionAsync_KnownUser_ReturnsTheirPermission(string permission)
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        harness.Emulator.SetPermission(harness.Repository, "instructor", permission);

        var actual = await harness.Get<GitHubRepositoryService>().GetCollaboratorPermissionAsync(harness.Installation.Id, harness.Repository.Owner, harness.Repository.Name, "instructor", CancellationToken.None);

        Assert.That(actual, Is.EqualTo(permission));
    }

    [Test]
    public async Task ListInstallationRepositoriesAsync_TwoRepositories_ListsBoth()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        harness.Emulator.AddRepository(harness.Installation, harness.Repository.Owner, "second", defaultBranch: "trunk");

        var repositories = await harness.Get<GitHubRepositoryService>().ListInstallationRepositoriesAsync(harness.Installation.Id, CancellationToken.None);

        Assert.That(repositories.Select(r => (r.FullName, r.DefaultBranch)), Is.EquivalentTo(new[]
        {
            (harness.Repository.FullName, "main"),
            (harness.Repository.Owner + "/second", "trunk"),
        }));
    }

    [Test]
    public async Task GitClone_WithInstallationToken_ClonesTheRepositoryAndWithoutItIsRefused()
    {
        await using var harness = GitHubClientHarness.Create(GitHub, gitDirectory: _git.GitDirectory);
        var token = await harness.Get<IInstallationTokenProvider>().GetTokenAsync(harness.Installation.Id, CancellationToken.None);
        var target = Directory.CreateTempSubdirectory("grader-gh-clone-").FullName;
        try
        {
            var url = new Uri(harness.Emulator.BaseUrl, $"{harness.Repository.FullName}.git");
            var authorized = new UriBuilder(url) { UserName = "x-access-token", Password = token.Token }.Uri;

            var (refused, _) = await GitCloneAsync(url, Path.Combine(target, "anonymous"));
            var (cloned, errors) = await GitCloneAsync(authorized, Path.Combine(target, "clone"));

            Assert.Multiple(() =>
            {
                Assert.That(refused, Is.Not.Zero);
                Assert.That(cloned, Is.Zero, errors);
                Assert.That(File.ReadAllText(Path.Combine(target, "clone", "README.md")), Is.EqualTo("# Course\n"));
            });
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Errors)> GitCloneAsync(Uri url, string directory)
    {
        var start = new ProcessStartInfo("git", ["clone", "-q", url.AbsoluteUri, directory]) { RedirectStandardError = true, RedirectStandardOutput = true };
        // Never prompt for credentials: a refused clone must fail, not wait for input.
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = "/bin/false";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await errors);
    }
}

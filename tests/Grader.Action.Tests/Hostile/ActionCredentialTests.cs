using System.Text;
using Grader.Action.Tests.Support;

namespace Grader.Action.Tests.Hostile;

/// <summary>
/// The token actions/checkout persists in the workspace's git configuration: refused by default, and when
/// allowed, never in the build context (no .git), the learner's output, the review, result.json or the log.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
public sealed class ActionCredentialTests : ActionTestBase
{
    private static readonly Dictionary<string, string> Submission = new()
    {
        ["Dockerfile"] = "FROM grader/busybox:1\nCOPY . /src\n"
            // Everything a build step can find: the context's .git (config, packed refs), files, environment.
            + "RUN cat /src/.git/config /src/.git/*.config 2>&1; ls -la /src; env; grep -rs -e AUTHORIZATION -e ghs_ /src /root /tmp || true\n"
            + "RUN test ! -e /src/.git\nCMD [\"sh\"]\n",
        ["test.sh"] = "cat /src/.git/config 2>&1; grep -rs ghs_ /src; echo checked\n",
    };

    private string _token = null!;

    [SetUp]
    public async Task CreateCheckoutAsync()
    {
        _token = "ghs_" + Guid.NewGuid().ToString("N");
        await WriteRubricAsync(GradingActionTests.TestsOnlyRubric("sh /src/test.sh; test ! -e /src/.git"));
    }

    private static string BasicHeader(string token) => "AUTHORIZATION: basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + token));

    /// <summary>Persists <see cref="_token"/> as the given actions/checkout version does.</summary>
    private async Task PersistTokenAsync(string style)
    {
        switch (style)
        {
            case "checkout-v4":
                await GitAsync("config", "--local", "http.https://github.com/.extraheader", BasicHeader(_token));
                break;
            case "checkout-v6":
                // The header lives in RUNNER_TEMP; .git/config includes it for this git directory.
                var credentials = Path.Combine(Root, "runner-temp", $"git-credentials-{Guid.NewGuid()}.config");
                Directory.CreateDirectory(Path.GetDirectoryName(credentials)!);
                await File.WriteAllTextAsync(credentials, $"[http \"https://github.com/\"]\n\textraheader = {BasicHeader(_token)}\n");
                await GitAsync("config", "--local", $"includeIf.gitdir:{Path.Combine(WorkspacePath, ".git")}.path", credentials);
                break;
            case "token-in-remote-url":
                await GitAsync("remote", "add", "origin", $"https://x-access-token:{_token}@github.com/course/learner.git");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(style), style, null);
        }
    }

    [TestCase("checkout-v4")]
    [TestCase("checkout-v6")]
    [TestCase("token-in-remote-url")]
    public async Task RunAsync_PersistedCheckoutCredentials_RefusedNamingPersistCredentialsFalse(string style)
    {
        var head = await CommitAsync(Submission);
        await PersistTokenAsync(style);
        var (environment, repository, _) = await PullRequestEnvironmentAsync(head);

        var run = await RunActionAsync(Settings(), environment);

        var refusal = run.Runner.Commands.Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.IncompleteOrUsage));
            Assert.That(refusal.Name, Is.EqualTo("error"));
            Assert.That(refusal.Data, Does.Contain("persisted credentials").And.Contain("persist-credentials: false").And.Contain("allow-persisted-credentials"));
            Assert.That(run.Output, Does.Not.Contain(_token).And.Not.Contain(BasicHeader(_token)["AUTHORIZATION: basic ".Length..]), "the message names keys, never values");
            Assert.That(GitHub.Emulator.CheckRuns(repository), Is.Empty, "nothing was graded or published");
            Assert.That(Directory.Exists(OutPath), Is.False);
        });
    }

    [Test]
    public async Task RunAsync_PersistedTokenAllowed_TokenReachesNeitherBuildNorOutputNorResults()
    {
        var head = await CommitAsync(Submission);
        await PersistTokenAsync("checkout-v4");
        await PersistTokenAsync("checkout-v6");
        var (environment, repository, pullRequest) = await PullRequestEnvironmentAsync(head);

        var run = await RunActionAsync(Settings(allowPersistedCredentials: true), environment);

        var encoded = BasicHeader(_token)["AUTHORIZATION: basic ".Length..];
        var published = GitHub.Emulator.Reviews(repository, pullRequest.Number).Single().Body
            + string.Concat(GitHub.Emulator.CheckRuns(repository).Select(c => c.Title + c.Summary + c.Text + string.Concat(c.Annotations.Select(a => a.ToJsonString()))));
        var written = new[] { "review.md", "result.json" }.Select(f => File.ReadAllText(Path.Combine(OutPath, f)))
            .Append(File.ReadAllText(environment.StepSummaryPath!)).Append(File.ReadAllText(environment.OutputPath!));
        Assert.Multiple(() =>
        {
            // The build's `test ! -e /src/.git` and the tests' one both passed: the context had no .git.
            Assert.That(run.ExitCode, Is.EqualTo(ActionExitCodes.Passed), run.Output);
            foreach (var text in written.Append(run.Output).Append(published))
            {
                Assert.That(text, Does.Not.Contain(_token).And.Not.Contain(encoded));
            }
        });
    }
}

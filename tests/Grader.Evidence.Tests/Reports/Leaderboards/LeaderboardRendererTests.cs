using Grader.Evidence.Database;
using Grader.Evidence.Reports.Leaderboards;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Grader.Evidence.Tests.Support;
using static Grader.Evidence.Tests.Reports.Leaderboards.LeaderboardRecords;

namespace Grader.Evidence.Tests.Reports.Leaderboards;

/// <summary>
/// The leaderboard's Markdown and HTML with a hostile name (a login from <c>grader grade --learner</c> is any text):
/// the HTML opened in headless Chromium shows it as text, runs nothing; the Markdown carries no markup from it.
/// </summary>
[Category("Browser")]
[Category("Database")]
[Category("Integration")]
public sealed class LeaderboardRendererTests
{
    private const string Hostile = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>|**x**";

    private static async Task<ModuleLeaderboard> BoardAsync(TestDatabase db)
    {
        await using var evidence = await EvidenceDatabase.OpenAsync(db.Options, null, CancellationToken.None);
        using var key = EvidenceSigningKey.Generate();
        await evidence.Records.AppendManyAsync(
        [
            Bench(Hostile, Sha('1'), 0.030, "30.0 ms", 0, 1) with
            {
                Submission = new Model.SubmissionRef("course/lab-h", Sha('1')) { PullRequestNumber = 3, PullRequestUrl = "https://github.com/course/lab-h/pull/3" },
            },
            Bench("bob", Sha('2'), 0.040, "40.0 ms", 1, 2) with { Submission = new Model.SubmissionRef("lab-bob", Sha('2')) },
            // A pull request URL that tries to end the Markdown link and carry markup after it.
            Bench("carol", Sha('3'), 0.050, "50.0 ms", 2, 3) with
            {
                Submission = new Model.SubmissionRef("course/lab-carol", Sha('3')) { PullRequestUrl = "https://github.com/course/lab-carol/pull/1) <script>window.pwned=3</script> (" },
            },
        ], key, CancellationToken.None);
        return (await LeaderboardBuilder.LoadAsync(evidence, Module, key, TimeProvider.System, CancellationToken.None)).Board!;
    }

    [Test]
    public async Task Html_HostileNameInChromium_ShowsItAsTextAndRunsNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseDialect.Sqlite);
        var board = await BoardAsync(db);
        var path = Path.Combine(db.Folder, "leaderboard.html");
        await File.WriteAllTextAsync(path, LeaderboardRenderer.Html(board));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;

        await page.GotoAsync(new Uri(path).AbsoluteUri);

        var rows = page.Locator("#leaderboard tbody tr");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await rows.CountAsync(), Is.EqualTo(3));
            Assert.That(await rows.Nth(0).Locator("td.learner").TextContentAsync(), Is.EqualTo(Hostile));
            Assert.That(await page.Locator("#leaderboard img, #leaderboard script, #leaderboard strong").CountAsync(), Is.Zero);
            Assert.That(await page.EvaluateAsync<string>("() => String(window.pwned)"), Is.EqualTo("undefined"));
            Assert.That(await rows.Nth(0).Locator("a").GetAttributeAsync("href"), Is.EqualTo("https://github.com/course/lab-h/pull/3"));
            Assert.That(await rows.Nth(0).Locator("td").Nth(2).TextContentAsync(), Is.EqualTo("30.0 ms"));
            Assert.That(await rows.Nth(0).Locator("code").TextContentAsync(), Is.EqualTo("1111111"));
            // A local grading has neither pull request nor GitHub repository: the commit is shown, not linked.
            Assert.That(await rows.Nth(1).Locator("a").CountAsync(), Is.Zero);
            Assert.That(await rows.Nth(1).Locator("code").TextContentAsync(), Is.EqualTo("2222222"));
            Assert.That(chromium.Errors, Is.Empty);
        });
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "artifacts", "leaderboard.png"), FullPage = true });
    }

    [Test]
    public async Task Markdown_HostileName_IsEscapedTextInOneTableRow()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseDialect.Sqlite);
        var board = await BoardAsync(db);

        var markdown = LeaderboardRenderer.Markdown(board);
        var row = markdown.Split('\n').Single(l => l.StartsWith("| 1 |", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Not.Contain("<img").And.Not.Contain("<script"));
            Assert.That(row, Does.Contain("&lt;img src=x onerror=\"window.pwned=1\"&gt;&lt;script&gt;window.pwned=2&lt;/script&gt;\\|\\*\\*x\\*\\*"));
            Assert.That(row, Does.Contain("[`1111111`](https://github.com/course/lab-h/pull/3) (PR \\#3)"));
            Assert.That(row.Split(" | ").Length, Is.EqualTo(5), "the escaped '|' does not split the row");
            Assert.That(markdown, Does.Contain("| 2 | bob | 40.0 ms | `2222222` | 2026-11-02 09:02 |"));
            Assert.That(markdown, Does.Contain("| 3 | carol | 50.0 ms | [`3333333`](https://github.com/course/lab-carol/pull/1%29%20%3Cscript%3Ewindow.pwned=3%3C/script%3E%20%28) |"));
        });
    }
}

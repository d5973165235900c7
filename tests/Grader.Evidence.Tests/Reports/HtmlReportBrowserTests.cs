using Grader.Evidence.Database;
using Grader.Evidence.Model;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Rosters;
using Grader.Evidence.Store;
using Grader.Evidence.Tests.Support;
using Microsoft.Playwright;

namespace Grader.Evidence.Tests.Reports;

/// <summary>
/// The HTML report opened offline in a real headless Chromium: what a reader sees (numbers, links, charts drawn,
/// filtering, paging, the profile), no console errors, and a screenshot kept as a test artefact.
/// </summary>
[Category("Browser")]
[Category("Database")]
[Category("Integration")]
public sealed class HtmlReportBrowserTests
{
    [Test]
    public async Task Html_OpenedInChromium_ShowsNumbersLinksChartsAndProfileWithoutErrors()
    {
        await using var store = await SeededStore.CreateAsync(DatabaseDialect.Sqlite);
        var path = Path.Combine(store.Db.Folder, "report.html");
        await File.WriteAllTextAsync(path, await store.ExportAsync("html"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;

        await page.GotoAsync(new Uri(path).AbsoluteUri);
        await page.WaitForSelectorAsync("html[data-ready=true]");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await page.TextContentAsync("#card-learners b"), Is.EqualTo("4"));
            Assert.That(await page.TextContentAsync("#card-no-submission b"), Is.EqualTo("1"));
            Assert.That(await page.TextContentAsync("#card-not-on-roster b"), Is.EqualTo("1"));
            Assert.That(await page.TextContentAsync("#card-attempts b"), Is.EqualTo("4"));
            Assert.That(await page.TextContentAsync("#card-grader-errors b"), Is.EqualTo("1"));
            Assert.That(await page.Locator("#matrix-table tbody tr").CountAsync(), Is.EqualTo(4));

            var alice = page.Locator("#matrix-table tbody tr", new() { HasText = "Alice Archer" });
            var expert = alice.Locator("a.lvl", new() { HasText = "Expert" });
            Assert.That(await expert.CountAsync(), Is.EqualTo(1), "alice's highest containers level");
            Assert.That(await expert.GetAttributeAsync("href"), Is.EqualTo("https://github.com/course/lab-alice/pull/7"));
            var completion = page.Locator("#completion-table tbody tr", new() { HasText = "Alice Archer" }).Locator("td");
            Assert.That(await completion.Nth(1).TextContentAsync(), Is.EqualTo("2/2"));
            Assert.That(await completion.Nth(2).TextContentAsync(), Is.EqualTo("90"));
            Assert.That(await page.Locator("#completion-table tbody tr", new() { HasText = "Cleo Cho" }).Locator("td").Nth(1).TextContentAsync(), Is.EqualTo("0/2"));

            // Charts are drawn: bars with height, criteria segments, for both modules.
            Assert.That(await page.Locator(".chart").CountAsync(), Is.EqualTo(2));
            var heights = await page.Locator("svg.histogram rect.bar").EvaluateAllAsync<double[]>("rs => rs.map(r => r.getBoundingClientRect().height)");
            Assert.That(heights.Count(h => h > 1), Is.GreaterThanOrEqualTo(3));
            Assert.That(await page.Locator("svg.criteria rect.seg").CountAsync(), Is.GreaterThan(0));
            Assert.That(await page.Locator("#most-failed tbody tr[data-module=MOD-101][data-criterion=unit-tests]").CountAsync(), Is.EqualTo(1));
        });

        await page.FillAsync("#f-text", "mallory");
        Assert.That(await page.Locator("#matrix-table tbody tr").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.TextContentAsync("#matrix-table tbody tr td:nth-child(3)"), Is.EqualTo("not on roster"));
        await page.FillAsync("#f-text", "");
        await page.ClickAsync("#matrix-table button.learner:text('Alice Archer')");
        await page.WaitForSelectorAsync("#profile:not([hidden])");
        Assert.That(await page.TextContentAsync("#profile h2"), Is.EqualTo("Learner profile: Alice Archer"));
        Assert.That(await page.Locator("#profile tbody tr").CountAsync(), Is.EqualTo(2));

        await SaveScreenshotAsync(page, "evidence-report.png");
        Assert.That(chromium.Errors, Is.Empty);
    }

    [Test]
    public async Task Html_TwoThousandLearners_PaginatesFiltersAndGroupsInChromium()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseDialect.Sqlite);
        await using var evidence = await EvidenceDatabase.OpenAsync(db.Options, null, CancellationToken.None);
        using var key = Grader.Evidence.Signing.EvidenceSigningKey.Generate();
        var roster = Enumerable.Range(0, 2000).Select(i => new RosterEntry($"L{i:0000}", $"Learner {i:0000}", null, $"learner{i}", 10_000 + i, i % 2 == 0 ? "even" : "odd")).ToList();
        await evidence.Roster.ImportAsync(roster, CancellationToken.None);
        var records = Enumerable.Range(0, 2000).SelectMany(i => new[] { "MOD-101", "MOD-523", "MOD-527" }.Select((m, j) =>
            Records.Make(login: $"learner{i}", githubId: 10_000 + i, module: m, sha: $"{i:x8}{j:x2}".PadRight(40, '0'), points: (i * 7 + j * 13) % 100, passed: (i + j) % 3 != 0,
                repository: $"course/lab-{i}", competencies: [new CompetencyLevel($"c{j}", $"Competency {j}", Levels.Name(1 + (i + j) % 3), ["build"])])));
        await evidence.Records.AppendManyAsync(records, key, CancellationToken.None);
        var path = Path.Combine(db.Folder, "large.html");
        await ReportExports.ExportToFileAsync(evidence, new HtmlExporter(), new ReportFilter(), new ExportSettings(), null, path, false, TimeProvider.System, CancellationToken.None);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;

        await page.GotoAsync(new Uri(path).AbsoluteUri);
        await page.WaitForSelectorAsync("html[data-ready=true]");

        Assert.That(await page.Locator("#matrix-table tbody tr").CountAsync(), Is.EqualTo(50));
        Assert.That(await page.Locator(".pager-info").First.TextContentAsync(), Is.EqualTo("learners 1–50 of 2000 · page 1 of 40"));
        await page.Locator(".pager button[data-step=next]").First.ClickAsync();
        Assert.That(await page.Locator("#matrix-table tbody tr").First.TextContentAsync(), Does.StartWith("Learner 0050"));
        await page.SelectOptionAsync("#f-cohort", "odd");
        Assert.That(await page.Locator(".pager-info").First.TextContentAsync(), Does.EndWith("of 1000 · page 1 of 20"));
        await page.SelectOptionAsync("#f-cohort", "");
        await page.SelectOptionAsync("#f-group", "cohort");
        Assert.That(await page.Locator("#matrix-table tbody tr.group").First.TextContentAsync(), Is.EqualTo("cohort: even"));
        await page.FillAsync("#f-text", "Learner 1999");
        Assert.That(await page.Locator("#matrix-table tbody tr:not(.group)").CountAsync(), Is.EqualTo(1));

        await SaveScreenshotAsync(page, "evidence-report-2000.png");
        Assert.That(chromium.Errors, Is.Empty);
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, name);
        // Sticky table headers follow the scroll position: shoot from the top so the page reads as a reader opens it.
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, "the report as Chromium drew it");
    }
}

using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Rosters;
using Grader.Evidence.Tests.Support;

namespace Grader.Evidence.Tests.Reports;

public sealed class HtmlExporterTests
{
    [Test]
    [Category("Hostile")]
    public async Task Html_MarkupInNamesAndTitles_IsEscapedEverywhere()
    {
        const string Payload = "</script><img src=x onerror=alert(1)>";
        RosterEntry[] roster = [new("S1", Payload, null, "alice", 1001, Payload)];
        var record = Records.Make(criteria: [new("x", Payload, "not_met", 0, 10)]) with { Module = new Grader.Evidence.Model.ModuleRef("MOD-1", Payload) };
        var data = ReportDataLoader.Build(roster, Rows.From(record), new ReportFilter(), Records.T0);
        using var output = new MemoryStream();

        await new HtmlExporter().WriteAsync(new ExportContext(data, new Dictionary<string, string>(), new ExportSettings()), output, CancellationToken.None);

        var html = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.That(html, Does.Not.Contain("<img src=x"));
        Assert.That(html.Split("</script>").Length - 1, Is.EqualTo(2), "only the report's own two script elements close");
        Assert.That(html, Does.Contain("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), "titles are shown as text");
    }

    [Test]
    public void LinkOf_NonHttpPullRequestUrl_FallsBackToTheCommit()
    {
        var row = Rows.From(Records.Make(repository: "course/lab", sha: new string('e', 40)))[0] with { PullRequestUrl = "javascript:alert(1)" };

        Assert.That(HtmlExporter.LinkOf(row), Is.EqualTo($"https://github.com/course/lab/commit/{new string('e', 40)}"));
    }
}

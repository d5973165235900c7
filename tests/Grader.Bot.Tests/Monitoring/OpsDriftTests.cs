using System.Text.RegularExpressions;
using Grader.Bot.Monitoring;

namespace Grader.Bot.Tests.Monitoring;

/// <summary>
/// The dashboard and the alerting rules of ops/ read only metrics the bot declares (so a renamed metric cannot leave
/// them silently empty), the dashboard shows every metric the bot exports, and every alert has its runbook section.
/// </summary>
public sealed partial class OpsDriftTests
{
    [GeneratedRegex(@"^## (?<title>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SectionTitle();

    [Test]
    public void DashboardExpressions_NameMetrics_AllDeclaredByGraderMetrics()
    {
        var expressions = OpsArtefacts.DashboardExpressions();
        var used = expressions.SelectMany(OpsArtefacts.MetricFamilies).Distinct(StringComparer.Ordinal).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(expressions, Has.Count.GreaterThanOrEqualTo(10));
            Assert.That(used, Is.SubsetOf(GraderMetrics.Names));
        });
    }

    [Test]
    public void Dashboard_ShowsEveryDeclaredMetric()
    {
        var used = OpsArtefacts.DashboardExpressions().SelectMany(OpsArtefacts.MetricFamilies).ToHashSet(StringComparer.Ordinal);

        Assert.That(GraderMetrics.Names.Where(name => !used.Contains(name)), Is.Empty);
    }

    [Test]
    public void AlertExpressions_NameMetrics_AllDeclaredByGraderMetrics()
    {
        var rules = OpsArtefacts.AlertRules();
        var used = rules.SelectMany(r => OpsArtefacts.MetricFamilies(r.Expr)).Distinct(StringComparer.Ordinal).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(rules.Select(r => r.Alert), Is.EquivalentTo(new[] { "GraderQueueBackingUp", "GraderRunnerDown", "GraderJobFailureRate", "GraderGitHubRateLimitLow", "GraderNoActiveFront" }));
            Assert.That(used, Is.Not.Empty.And.SubsetOf(GraderMetrics.Names));
        });
    }

    [Test]
    public void AlertRules_EachLinkToTheirRunbookSection_SectionExists()
    {
        var sections = SectionTitle().Matches(File.ReadAllText(OpsArtefacts.Runbook)).Select(m => m.Groups["title"].Value).ToList();

        Assert.Multiple(() =>
        {
            foreach (var (alert, _, annotations) in OpsArtefacts.AlertRules())
            {
                Assert.That(sections, Does.Contain(alert), $"runbook.md has no section '## {alert}'");
                Assert.That(annotations.GetValueOrDefault("runbook"), Is.EqualTo("ops/runbook.md#" + alert.ToLowerInvariant()), alert);
            }
        });
    }

    [Test]
    public void MetricFamilies_HistogramSeries_NameTheirFamily()
    {
        var families = OpsArtefacts.MetricFamilies("histogram_quantile(0.95, sum by (le) (rate(grader_queue_wait_seconds_bucket[5m]))) + grader_jobs_total_count");

        // Only a declared histogram's suffixes are folded: grader_jobs_total_count is no series the bot exports.
        Assert.That(families, Is.EquivalentTo(new[] { "grader_queue_wait_seconds", "grader_jobs_total_count" }));
    }
}

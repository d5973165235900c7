using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Monitoring;

/// <summary>
/// ops/ checked by Prometheus's own tool (scripts/lib/ensure-prometheus.sh installs it): the alerting rules load, each
/// alert fires on its situation and only there (alerts.test.yml), the example configuration loads, and every query of
/// the Grafana dashboard parses as PromQL.
/// </summary>
[Category("Integration")]
public sealed class PromtoolTests
{
    [Test]
    public async Task CheckRules_AlertsFile_Succeeds()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", OpsArtefacts.Alerts);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("SUCCESS: 5 rules found"));
    }

    [Test]
    public async Task TestRules_AlertsUnitTests_Pass()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", OpsArtefacts.AlertTests);

        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public async Task TestRules_ThresholdLoosened_UnitTestsFail()
    {
        // The unit tests can fail: with a queue threshold the situation does not reach, its test does.
        using var copy = new TempState();
        await File.WriteAllTextAsync(Path.Combine(copy.Path, "alerts.yml"),
            (await File.ReadAllTextAsync(OpsArtefacts.Alerts)).Replace("(grader_queue_depth) > 20", "(grader_queue_depth) > 40", StringComparison.Ordinal));
        File.Copy(OpsArtefacts.AlertTests, Path.Combine(copy.Path, "alerts.test.yml"));

        var (exitCode, output) = await PromtoolAsync("test", "rules", Path.Combine(copy.Path, "alerts.test.yml"));

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("alertname: GraderQueueBackingUp"));
    }

    [Test]
    public async Task CheckConfig_ExamplePrometheusConfig_Succeeds()
    {
        var (exitCode, output) = await PromtoolAsync("check", "config", OpsArtefacts.PrometheusConfig);

        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public async Task CheckRules_DashboardQueriesAsRecordingRules_Parse()
    {
        // promtool parses PromQL in rule files: each dashboard query becomes a recording rule (Grafana's interval
        // variable replaced by a duration, as Grafana does).
        using var folder = new TempState();
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var expressions = OpsArtefacts.DashboardExpressions();
        for (var i = 0; i < expressions.Count; i++)
        {
            var expr = expressions[i].Replace("$__rate_interval", "5m", StringComparison.Ordinal);
            rules.Append(CultureInfo.InvariantCulture, $"      - record: dashboard:query{i}\n        expr: '{expr.Replace("'", "''", StringComparison.Ordinal)}'\n");
        }
        var path = Path.Combine(folder.Path, "dashboard.rules.yml");
        await File.WriteAllTextAsync(path, rules.ToString());

        var (exitCode, output) = await PromtoolAsync("check", "rules", path);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain($"SUCCESS: {expressions.Count} rules found"));
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Baselines;
using Grader.Runner.Checks;
using Grader.Runner.Statistics;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Load;

/// <summary>
/// The <c>load</c> check: drives the running learner service with <see cref="LoadGenerator"/>, then judges
/// the latency percentiles, error rate and throughput against the rubric's thresholds and the p95 against a
/// baseline (per-window p95 samples, compared by <see cref="RegressionDetector"/>). Measure: p95 in ms.
/// </summary>
public sealed partial class LoadExecutor(BaselineProvider baselines, RegressionDetector detector, ILogger<LoadExecutor> logger) : CheckExecutor<LoadCheck>(CheckKind.Load)
{
    protected override async Task<CheckResult> ExecuteAsync(Criterion criterion, LoadCheck check, GradingContext context, CancellationToken cancellationToken)
    {

        var started = TimeProvider.System.GetTimestamp();
        var service = context.ServiceStart?.Service;
        if (service is null || context.ServiceStart is not { Ready: true })
        {
            var reason = context.ServiceStart?.Error ?? (context.ServiceStart is null ? "the service was not started" : "the service is not ready");
            return CheckResult.NotRunBecause(criterion.Id, $"Load test not run: {reason}.");
        }

        LoadProfile profile;
        try
        {
            profile = LoadProfile.FromCheck(check, service.BaseAddress);
            profile.Validate();
        }
        catch (ArgumentException ex)
        {
            return CheckResult.GraderError(criterion.Id, $"The rubric's load check cannot run: {ex.Message}");
        }

        var (baseline, baselineError) = await baselines.ResolveForCheckAsync(check.Baseline, criterion, context, cancellationToken).ConfigureAwait(false);
        if (baselineError is not null) return baselineError;

        LogStarting(logger, criterion.Id, profile.Target, profile.Mode, profile.Repetitions);
        LoadRunResult run;
        using (var generator = new LoadGenerator(profile))
        {
            run = await generator.RunAsync(context.Progress, cancellationToken).ConfigureAwait(false);
        }

        LogFinished(logger, criterion.Id, run.Latency.P95Ms, run.Throughput, run.ErrorRate);
        var results = ToBaselineFile(run, context);
        await baselines.RecordAsync(results, criterion, check.Baseline, context, cancellationToken).ConfigureAwait(false);

        var duration = TimeProvider.System.GetElapsedTime(started);
        if (run.GeneratorFellBehind)
        {
            var pacing = run.Repetitions.First(r => r.Pacing is { FellBehind: true }).Pacing!;
            return CheckResult.GraderError(criterion.Id,
                $"The load generator could not keep the rate ({Format(pacing.AchievedRate)} of {Format(pacing.TargetRate)} requests/s, send lag p99 {Format(pacing.SendLagP99Ms)} ms): the runner is overloaded, the result would not be fair.") with { Duration = duration };
        }

        var comparison = baseline?.Baseline is { } reference
            ? detector.Compare(reference.Samples, run.WindowP95Ms, check.Baseline!.Tolerance, higherIsBetter: false)
            : null;
        var failures = Failures(check, run, comparison);
        var requirementFailed = RequirementFailed(check, run);
        var values = Values(check, run, baseline, comparison);
        var details = Details(run, baseline, comparison);
        var status = failures.Count == 0 ? CheckStatus.Passed : CheckStatus.Failed;
        var message = status == CheckStatus.Passed
            ? $"p95 {Format(run.Latency.P95Ms)} ms at {Format(run.Throughput)} requests/s, {run.ErrorRate:P2} errors: all thresholds met."
            : $"p95 {Format(run.Latency.P95Ms)} ms at {Format(run.Throughput)} requests/s, {run.ErrorRate:P2} errors: {string.Join("; ", failures)}.";
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = status,
            Measure = double.IsFinite(run.Latency.P95Ms) ? run.Latency.P95Ms : null,
            RequirementFailed = requirementFailed,
            Values = values,
            Message = message,
            Details = details,
            Duration = duration,
        };
    }

    /// <summary>
    /// The measure is p95: a credit rule may grade latency, but not excuse the service failing, erroring over its limit
    /// or serving under the throughput it must.
    /// </summary>
    private static bool RequirementFailed(LoadCheck check, LoadRunResult run) =>
        run.Counts.Succeeded == 0
        || (check.MaxErrorRate is { } maxErrors && run.ErrorRate > maxErrors)
        || (check.MinThroughput is { } minThroughput && run.Throughput < minThroughput);

    private static List<string> Failures(LoadCheck check, LoadRunResult run, RegressionComparison? comparison)
    {
        var failures = new List<string>();
        if (run.Counts.Succeeded == 0) failures.Add($"no request succeeded ({run.Counts.Total} sent)");
        LatencyOver("p50", run.Latency.P50Ms, check.MaxP50);
        LatencyOver("p95", run.Latency.P95Ms, check.MaxP95);
        LatencyOver("p99", run.Latency.P99Ms, check.MaxP99);
        if (check.MaxErrorRate is { } maxErrors && run.ErrorRate > maxErrors)
            failures.Add($"error rate {run.ErrorRate:P2} is over {maxErrors:P2}");
        if (check.MinThroughput is { } minThroughput && run.Throughput < minThroughput)
            failures.Add($"throughput {Format(run.Throughput)} requests/s is under {Format(minThroughput)}");
        if (comparison is { Verdict: RegressionVerdict.Regressed })
            failures.Add($"p95 regressed against the baseline: {comparison.Reason}");
        return failures;

        void LatencyOver(string name, double valueMs, TimeSpan? max)
        {
            if (max is { } limit && !(valueMs <= limit.TotalMilliseconds))
                failures.Add($"{name} {Format(valueMs)} ms is over {Format(limit.TotalMilliseconds)} ms");
        }
    }

    private static Dictionary<string, string> Values(LoadCheck check, LoadRunResult run, ResolvedBaseline? baseline, RegressionComparison? comparison)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["p50"] = Ms(run.Latency.P50Ms),
            ["p95"] = Ms(run.Latency.P95Ms),
            ["p99"] = Ms(run.Latency.P99Ms),
            ["max"] = Ms(run.Latency.MaxMs),
            ["throughput"] = $"{Format(run.Throughput)} req/s",
            ["error_rate"] = run.ErrorRate.ToString("P2", CultureInfo.InvariantCulture),
            ["requests"] = run.Counts.Total.ToString(CultureInfo.InvariantCulture),
            ["p95_spread"] = double.IsFinite(run.P95Spread) ? run.P95Spread.ToString("P1", CultureInfo.InvariantCulture) : "n/a",
            ["throughput_spread"] = double.IsFinite(run.ThroughputSpread) ? run.ThroughputSpread.ToString("P1", CultureInfo.InvariantCulture) : "n/a",
            ["baseline_p95"] = baseline?.Baseline is { } b ? Ms(b.Value) : "none",
            ["change"] = comparison is null || !double.IsFinite(comparison.Change) ? "n/a" : comparison.Change.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture),
            ["verdict"] = comparison?.VerdictText ?? (check.Baseline is null ? "no baseline" : baseline?.Description ?? "no baseline"),
        };
        if (check.MaxP95 is { } maxP95) values["max_p95"] = Ms(maxP95.TotalMilliseconds);
        return values;
    }

    private static List<string> Details(LoadRunResult run, ResolvedBaseline? baseline, RegressionComparison? comparison)
    {
        var details = new List<string>
        {
            $"{run.Profile.Mode.ToString().ToLowerInvariant()} loop, {Describe(run.Profile)}, {run.Repetitions.Count} x {run.Profile.Duration.TotalSeconds:0.#} s after {run.Profile.Warmup.TotalSeconds:0.#} s warm-up",
            "| run | p50 ms | p95 ms | p99 ms | max ms | req/s | errors |",
            "|---|---|---|---|---|---|---|",
        };
        details.AddRange(run.Repetitions.Select(r => Row($"#{r.Number}", r.Latency.P50Ms, r.Latency.P95Ms, r.Latency.P99Ms, r.Latency.MaxMs, r.Throughput, r.ErrorRate)));
        details.Add(Row("all", run.Latency.P50Ms, run.Latency.P95Ms, run.Latency.P99Ms, run.Latency.MaxMs, run.Throughput, run.ErrorRate));
        if (baseline?.Baseline is { } reference)
        {
            var number = 0;
            foreach (var repetition in reference.Repetitions)
            {
                number++;
                details.Add(Row($"baseline #{number}", Get(repetition, "p50_ms"), Get(repetition, "p95_ms"), Get(repetition, "p99_ms"), Get(repetition, "max_ms"), Get(repetition, "throughput"), Get(repetition, "error_rate")));
            }
        }

        details.Add($"spread between runs: p95 {Percent(run.P95Spread)}, throughput {Percent(run.ThroughputSpread)} (coefficient of variation)");
        foreach (var pacing in run.Repetitions.Select(r => r.Pacing).OfType<OpenLoopPacing>().Where(p => p.FellBehind))
        {
            details.Add($"sending fell behind the schedule: {Format(pacing.AchievedRate)} of {Format(pacing.TargetRate)} requests/s; {pacing.InFlightLimitHits} waits for the {run.Profile.MaxInFlight} in-flight limit (the service stopped answering)");
        }

        if (baseline is not null) details.Add($"baseline: {baseline.Description}");
        if (comparison is not null) details.Add($"verdict: {comparison.VerdictText}: {comparison.Reason} ({comparison.CurrentCount} windows vs {comparison.BaselineCount})");
        return details;

        static double Get(IReadOnlyDictionary<string, double> row, string key) => row.TryGetValue(key, out var value) ? value : double.NaN;
    }

    private static string Describe(LoadProfile profile) => profile.Mode == LoadMode.Closed
        ? $"{profile.Concurrency} workers"
        : $"{Format(profile.Rate ?? 0)} requests/s";

    private static string Row(string name, double p50, double p95, double p99, double max, double throughput, double errorRate) =>
        $"| {name} | {Format(p50)} | {Format(p95)} | {Format(p99)} | {Format(max)} | {Format(throughput)} | {(double.IsFinite(errorRate) ? errorRate.ToString("P2", CultureInfo.InvariantCulture) : "n/a")} |";

    internal static BaselineFile ToBaselineFile(LoadRunResult run, GradingContext context) => new()
    {
        Check = LoadCheck.KindName,
        Metric = "p95_ms",
        Unit = "ms",
        HigherIsBetter = false,
        Samples = run.WindowP95Ms,
        Value = run.Latency.P95Ms,
        Repetitions = [.. run.Repetitions.Select(r => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["p50_ms"] = r.Latency.P50Ms,
            ["p95_ms"] = r.Latency.P95Ms,
            ["p99_ms"] = r.Latency.P99Ms,
            ["max_ms"] = r.Latency.MaxMs,
            ["throughput"] = r.Throughput,
            ["error_rate"] = r.ErrorRate,
        })],
        Source = context.CommitSha ?? context.SubmissionDirectory,
        Created = DateTimeOffset.UtcNow,
    };

    private static string Ms(double value) => double.IsFinite(value) ? $"{Format(value)} ms" : "n/a";

    private static string Percent(double value) => double.IsFinite(value) ? value.ToString("P1", CultureInfo.InvariantCulture) : "n/a";

    internal static string Format(double value) => !double.IsFinite(value)
        ? "n/a"
        : value.ToString(Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Load check {CriterionId}: {Target} {Mode} loop, {Repetitions} repetitions")]
    private static partial void LogStarting(ILogger logger, string criterionId, Uri target, LoadMode mode, int repetitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Load check {CriterionId} done: p95 {P95Ms} ms, {Throughput} req/s, error rate {ErrorRate}")]
    private static partial void LogFinished(ILogger logger, string criterionId, double p95Ms, double throughput, double errorRate);
}

using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Baselines;
using Grader.Runner.Benchmarks.Formats;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Statistics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Benchmarks;

/// <summary>
/// The <c>benchmark</c> check: runs the learner's benchmark command in a sandboxed container of the built
/// image (<see cref="BenchmarkCheck.Repetitions"/> times), reads its JSON (a file copied out, or stdout),
/// and judges the chosen metric against the threshold and a baseline, or against a reference run in the same job
/// (<see cref="BenchmarkCheck.Reference"/>: interleaved rounds, a paired ratio and its confidence interval). Measure:
/// the metric, in the benchmark's unit (seconds for times).
/// </summary>
public sealed partial class BenchmarkExecutor(IContainerSandbox sandbox, BaselineProvider baselines, RegressionDetector detector, IOptions<BenchmarkOptions> options, ILogger<BenchmarkExecutor> logger) : CheckExecutor<BenchmarkCheck>(CheckKind.Benchmark)
{
    private readonly string? _cpuset = string.IsNullOrWhiteSpace(options.Value.CpusetCpus) ? null : options.Value.CpusetCpus;

    private const int MaxRuns = 20;
    private const int OutputExcerptChars = 4000;
    private const long MaxOutputFileBytes = 16L << 20;

    protected override async Task<CheckResult> ExecuteAsync(Criterion criterion, BenchmarkCheck check, GradingContext context, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();

        if (context.Image is null) return CheckResult.NotRunBecause(criterion.Id, "The image did not build, so the benchmark could not run.");
        if (check.Command.Count == 0) return CheckResult.GraderError(criterion.Id, "The rubric's benchmark command is empty.");
        if (!BenchmarkMetric.IsKnown(check.Metric)) return CheckResult.GraderError(criterion.Id, $"The rubric's benchmark metric '{check.Metric}' is unknown; use one of {string.Join(", ", BenchmarkMetric.Known)}.");
        if (check.Gpu && (context.Gpus is null || context.Gpus.Devices.Count == 0))
            return CheckResult.GraderError(criterion.Id, "The benchmark needs a GPU and this runner has none leased to the job.");
        if (check.Output is { } output && (!output.StartsWith('/') || output.EndsWith('/')))
            return CheckResult.GraderError(criterion.Id, $"The rubric's benchmark output '{output}' must be an absolute file path inside the container.");

        if (check.Reference is not null) return await AgainstReferenceAsync(criterion, check, check.Reference, context, started, cancellationToken).ConfigureAwait(false);

        var (baseline, baselineError) = await baselines.ResolveForCheckAsync(check.Baseline, criterion, context, cancellationToken).ConfigureAwait(false);
        if (baselineError is not null) return baselineError;

        var runs = Math.Clamp(check.Repetitions, 1, MaxRuns);
        var measurements = new List<BenchmarkMeasurement>(runs);
        string lastOutput = "";
        for (var run = 1; run <= runs; run++)
        {
            context.Progress?.Report($"benchmark: run {run}/{runs}");
            SandboxRunResult result;
            try
            {
                result = await sandbox.RunAsync(Request(check, criterion, context, context.Image, "run-" + run.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            }
            catch (ImageCommandUnavailableException ex)
            {
                // The benchmark runs in the learner's image: a command it lacks is theirs to install.
                return Failed(criterion, $"The benchmark command could not start in your image: {ex.RuntimeMessage}. Install '{ex.Command}' in the image.", "", false, started);
            }
            catch (GraderInfrastructureException ex)
            {
                LogInfrastructureFailure(logger, criterion.Id, ex);
                return CheckResult.GraderError(criterion.Id, $"The grader could not run the benchmark: {ex.Message}");
            }

            lastOutput = result.Output;
            var failure = RunFailure(check, context, result, run);
            if (failure is not null) return Failed(criterion, failure, result.Output, result.OutputTruncated, started);
            try
            {
                var json = check.Output is null
                    ? BenchmarkOutputParser.ExtractJsonFromOutput(result.Output)
                    : await ReadOutputFileAsync(result.CopiedOut!, cancellationToken).ConfigureAwait(false);
                var parsed = BenchmarkOutputParser.Parse(check.Format, json);
                measurements.Add(BenchmarkMetric.Select(parsed, check.Benchmark));
            }
            catch (BenchmarkOutputException ex)
            {
                return Failed(criterion, $"Run {run}: the {BenchmarkOutputParser.FormatName(check.Format)} output could not be used: {ex.Message}", result.Output, result.OutputTruncated, started);
            }
        }

        BenchmarkOutcome outcome;
        try
        {
            outcome = BenchmarkMetric.Combine(measurements, check.Metric);
        }
        catch (BenchmarkOutputException ex)
        {
            return Failed(criterion, ex.Message, lastOutput, false, started);
        }

        LogMeasured(logger, criterion.Id, outcome.Name, outcome.Metric, outcome.Value, outcome.Unit);
        await baselines.RecordAsync(ToBaselineFile(outcome, check, context), criterion, check.Baseline, context, cancellationToken).ConfigureAwait(false);

        var reference = ComparableBaseline(baseline?.Baseline, outcome);
        if (reference is not null && reference.Unit != outcome.Unit)
        {
            return CheckResult.GraderError(criterion.Id, $"The baseline's unit '{reference.Unit}' differs from the benchmark's '{outcome.Unit}'.");
        }

        var comparison = reference is null ? null : detector.Compare(reference.Samples, outcome.Samples, check.Baseline!.Tolerance, check.HigherIsBetter);
        var failures = new List<string>();
        if (check.Threshold is { } threshold && !(check.HigherIsBetter ? outcome.Value >= threshold : outcome.Value <= threshold))
        {
            failures.Add($"{outcome.Metric} {Format(outcome.Value, outcome)} is {(check.HigherIsBetter ? "under" : "over")} the threshold {Format(threshold, outcome)}");
        }

        if (comparison is { Verdict: RegressionVerdict.Regressed }) failures.Add($"regressed against the baseline: {comparison.Reason}");

        var summary = $"{outcome.Name} {outcome.Metric} {Format(outcome.Value, outcome)} over {runs} run{(runs == 1 ? "" : "s")}";
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = failures.Count == 0 ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = outcome.Value,
            Values = Values(check, outcome, reference, baseline, comparison),
            Message = failures.Count == 0
                ? $"{summary}{(comparison is null ? "" : $"; {comparison.VerdictText} vs the baseline")}."
                : $"{summary}: {string.Join("; ", failures)}.",
            Details = Details(outcome, reference, baseline, comparison),
            Duration = TimeProvider.System.GetElapsedTime(started),
        };
    }

    /// <summary>One run of the benchmark command in <paramref name="image"/>: the learner's and the reference's get the same limits and CPUs.</summary>
    private SandboxRunRequest Request(BenchmarkCheck check, Criterion criterion, GradingContext context, ImageDetails image, string runName)
    {
        var outputFolder = check.Output is null ? null : Path.GetDirectoryName(check.Output)!.Replace('\\', '/');
        var destination = Path.Combine(context.WorkDirectory, "benchmark-" + SafeName(criterion.Id), runName);
        if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
        return new SandboxRunRequest
        {
            Image = image.Id,
            Command = check.Command,
            Labels = context.LabelsFor("benchmark"),
            Limits = context.Rubric.Limits,
            Timeout = check.Timeout,
            WritablePaths = outputFolder is null || outputFolder == "/" ? [] : [outputFolder],
            CopyOutPath = check.Output,
            CopyOutDestination = check.Output is null ? null : destination,
            MaxCopyOutBytes = MaxOutputFileBytes,
            GpuDeviceIds = check.Gpu ? [.. context.Gpus!.Devices.Select(d => d.Uuid)] : [],
            CpusetCpus = _cpuset,
            User = image.RunAs(SandboxRunRequest.Nobody),
        };
    }

    private static string? RunFailure(BenchmarkCheck check, GradingContext context, SandboxRunResult result, int run)
    {
        if (result.TimedOut) return $"Run {run}: the benchmark did not finish within {CheckText.Duration(check.Timeout)}; the container was killed.";
        if (result.OomKilled) return $"Run {run}: the benchmark ran out of memory (limit {context.Rubric.Limits.Memory}) and was killed.";
        if (result.ExitCode != 0) return $"Run {run}: the benchmark command exited with code {result.ExitCode}.";
        if (check.Output is not null && result.CopiedOut is null)
            return $"Run {run}: the benchmark did not write its results to {check.Output} ({result.CopyOutError ?? "nothing was copied out"}).";
        if (check.Output is not null && result.CopyOutError is not null)
            return $"Run {run}: the results file {check.Output} could not be copied out: {result.CopyOutError}.";
        return null;
    }

    private static async Task<string> ReadOutputFileAsync(string copiedOut, CancellationToken cancellationToken)
    {
        if (Directory.Exists(copiedOut)) throw new BenchmarkOutputException("the benchmark's output path is a folder, not a JSON file");
        if (!File.Exists(copiedOut)) throw new BenchmarkOutputException("the benchmark's output file was not found after the run");
        // The copy-out is bounded already; this keeps the read bounded whatever copied the file.
        if (new FileInfo(copiedOut).Length > MaxOutputFileBytes) throw new BenchmarkOutputException(string.Create(CultureInfo.InvariantCulture, $"the benchmark's output file is larger than {MaxOutputFileBytes:N0} bytes"));
        return await File.ReadAllTextAsync(copiedOut, cancellationToken).ConfigureAwait(false);
    }

    private static CheckResult Failed(Criterion criterion, string message, string output, bool truncated, long started)
    {
        var (tail, cut) = CheckText.Tail(output, OutputExcerptChars);
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = CheckStatus.Failed,
            Message = message,
            Values = new Dictionary<string, string>(StringComparer.Ordinal) { ["value"] = "n/a", ["baseline"] = "n/a", ["change"] = "n/a", ["verdict"] = "not measured" },
            Logs = output.Length == 0 ? [] : [new LogExcerpt("Benchmark output", tail, cut || truncated)],
            Duration = TimeProvider.System.GetElapsedTime(started),
        };
    }

    private static Dictionary<string, string> Values(BenchmarkCheck check, BenchmarkOutcome outcome, BaselineFile? reference, ResolvedBaseline? baseline, RegressionComparison? comparison)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["value"] = Format(outcome.Value, outcome),
            ["benchmark"] = outcome.Name,
            ["metric"] = outcome.Metric,
            ["runs"] = outcome.PerRun.Count.ToString(CultureInfo.InvariantCulture),
            ["baseline"] = reference is null ? "none" : Format(reference.Value, outcome),
            ["change"] = comparison is null || !double.IsFinite(comparison.Change) ? "n/a" : comparison.Change.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture),
            ["verdict"] = comparison?.VerdictText ?? (check.Baseline is null ? "no baseline" : baseline?.Description ?? "no baseline"),
        };
        if (check.Threshold is { } threshold) values["threshold"] = Format(threshold, outcome);
        return values;
    }

    private static List<string> Details(BenchmarkOutcome outcome, BaselineFile? reference, ResolvedBaseline? baseline, RegressionComparison? comparison)
    {
        var details = new List<string>
        {
            $"| run | {outcome.Metric} | baseline |",
            "|---|---|---|",
        };
        var baselineRuns = reference?.Repetitions.Select(r => r.TryGetValue(outcome.Metric, out var v) ? v : double.NaN).ToList() ?? [];
        var rows = Math.Max(outcome.PerRun.Count, baselineRuns.Count);
        for (var i = 0; i < rows; i++)
        {
            var current = i < outcome.PerRun.Count ? Format(outcome.PerRun[i], outcome) : "";
            var before = i < baselineRuns.Count ? Format(baselineRuns[i], outcome) : "";
            details.Add($"| #{i + 1} | {current} | {before} |");
        }

        details.Add($"| all | {Format(outcome.Value, outcome)} | {(reference is null ? "" : Format(reference.Value, outcome))} |");
        if (baseline is not null) details.Add($"baseline: {baseline.Description}");
        if (comparison is not null)
        {
            details.Add($"verdict: {comparison.VerdictText}: {comparison.Reason}; medians {Format(comparison.CurrentMedian, outcome)} vs {Format(comparison.BaselineMedian, outcome)} ({comparison.CurrentCount} samples vs {comparison.BaselineCount})");
        }

        return details;
    }

    /// <summary>A baseline of raw times (a reference run's benchmark output) compared on the ops metric becomes rates.</summary>
    private static BaselineFile? ComparableBaseline(BaselineFile? reference, BenchmarkOutcome outcome)
    {
        if (reference is not { Metric: BaselineFile.TimeSamplesMetric } || outcome.Metric != "ops" || reference.Unit != BenchmarkMeasurement.Seconds) return reference;
        var rates = reference.Samples.Where(s => s > 0).Select(s => 1 / s).ToList();
        return reference with { Metric = "ops", Samples = rates, Value = SampleStatistics.Median(rates) };
    }

    private static string Format(double value, BenchmarkOutcome outcome) => BenchmarkMetric.Format(value, outcome.Unit, outcome.Metric);

    internal static BaselineFile ToBaselineFile(BenchmarkOutcome outcome, BenchmarkCheck check, GradingContext context) => new()
    {
        Check = BenchmarkCheck.KindName,
        Metric = outcome.Metric,
        Unit = outcome.Unit,
        HigherIsBetter = check.HigherIsBetter,
        Samples = outcome.Samples,
        Value = outcome.Value,
        Benchmark = outcome.Name,
        Repetitions = [.. outcome.PerRun.Select(v => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>(StringComparer.Ordinal) { [outcome.Metric] = v })],
        Source = context.CommitSha ?? context.SubmissionDirectory,
        Created = DateTimeOffset.UtcNow,
    };

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Benchmark check {CriterionId}: infrastructure failure")]
    private static partial void LogInfrastructureFailure(ILogger logger, string criterionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark check {CriterionId}: {Benchmark} {Metric} = {Value} {Unit}")]
    private static partial void LogMeasured(ILogger logger, string criterionId, string benchmark, string metric, double value, string unit);
}

using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Benchmarks.Formats;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Statistics;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Benchmarks;

/// <summary>
/// The benchmark measured against a reference in the same job: a baseline measured at another time on another load
/// judges the load, not the code. Learner and reference run interleaved (L R, R L, L R ...: each side goes first
/// equally often, so a drift in load during the job falls on both), in the same sandbox limits and on the same CPUs,
/// and the verdict is on the paired slowdown's confidence interval (<see cref="PairedRatio"/>).
/// </summary>
public sealed partial class BenchmarkExecutor
{
    private enum Side { Learner, Reference }

    /// <summary>One run's metric, or why the run gave none.</summary>
    private sealed record RunOutcome(BenchmarkMeasurement? Measurement, string? Failure, string Output, bool OutputTruncated, string? MissingCommand = null);

    private async Task<CheckResult> AgainstReferenceAsync(Criterion criterion, BenchmarkCheck check, BenchmarkReferenceSpec spec, GradingContext context, long started, CancellationToken cancellationToken)
    {
        if (!context.ReferenceImages.TryGetValue(criterion.Id, out var reference))
            return CheckResult.GraderError(criterion.Id, "The benchmark's reference was not prepared by this runner, so there is nothing to compare with; re-run the grading.");
        if (reference.Image is not { } referenceImage)
            return CheckResult.GraderError(criterion.Id, $"The benchmark's reference cannot run: {reference.Problem}.");

        var learnerRuns = new List<BenchmarkMeasurement>(spec.Rounds);
        var referenceRuns = new List<BenchmarkMeasurement>(spec.Rounds);
        var lastOutput = "";
        for (var round = 1; round <= spec.Rounds; round++)
        {
            // ABBA: the side that runs first alternates, so neither always meets a warmer cache or a later load.
            Side[] order = round % 2 == 1 ? [Side.Learner, Side.Reference] : [Side.Reference, Side.Learner];
            foreach (var side in order)
            {
                context.Progress?.Report($"benchmark: round {round}/{spec.Rounds}, {(side == Side.Learner ? "your code" : "reference")}");
                var image = side == Side.Learner ? context.Image! : referenceImage;
                var name = $"round-{round.ToString(CultureInfo.InvariantCulture)}-{(side == Side.Learner ? "learner" : "reference")}";
                RunOutcome run;
                try
                {
                    run = await RunOnceAsync(check, criterion, context, image, name, round, cancellationToken).ConfigureAwait(false);
                }
                catch (GraderInfrastructureException ex)
                {
                    LogInfrastructureFailure(logger, criterion.Id, ex);
                    return CheckResult.GraderError(criterion.Id, $"The grader could not run the benchmark: {ex.Message}");
                }

                if (side == Side.Reference && run.Measurement is null)
                {
                    // The reference is the instructor's (or the base commit's) code: its failure is never the learner's.
                    return CheckResult.GraderError(criterion.Id, $"The benchmark's {reference.Description} failed: {run.Failure}");
                }

                if (run.MissingCommand is not null)
                    return Failed(criterion, $"The benchmark command could not start in your image: {run.Failure}. Install '{run.MissingCommand}' in the image.", "", false, started);
                if (run.Measurement is null) return Failed(criterion, run.Failure!, run.Output, run.OutputTruncated, started);
                if (side == Side.Learner) lastOutput = run.Output;
                (side == Side.Learner ? learnerRuns : referenceRuns).Add(run.Measurement);
            }
        }

        BenchmarkOutcome learner, measuredReference;
        try
        {
            learner = BenchmarkMetric.Combine(learnerRuns, check.Metric);
        }
        catch (BenchmarkOutputException ex)
        {
            return Failed(criterion, ex.Message, lastOutput, false, started);
        }

        try
        {
            measuredReference = BenchmarkMetric.Combine(referenceRuns, check.Metric);
        }
        catch (BenchmarkOutputException ex)
        {
            return CheckResult.GraderError(criterion.Id, $"The benchmark's {reference.Description} gave unusable results: {ex.Message}");
        }

        if (measuredReference.Unit != learner.Unit)
            return CheckResult.GraderError(criterion.Id, $"The reference's unit '{measuredReference.Unit}' differs from the benchmark's '{learner.Unit}'.");
        if (learner.PerRun.Concat(measuredReference.PerRun).Any(v => !double.IsFinite(v) || v <= 0))
            return Failed(criterion, "A round measured a metric that is zero, negative or not a number, so no ratio with the reference can be formed.", lastOutput, false, started);

        LogMeasured(logger, criterion.Id, learner.Name, learner.Metric, learner.Value, learner.Unit);
        await baselines.RecordAsync(ToBaselineFile(learner, check, context), criterion, null, context, cancellationToken).ConfigureAwait(false);

        var comparison = PairedRatio.Compare(learner.PerRun, measuredReference.PerRun, spec.Tolerance, spec.Confidence, check.HigherIsBetter);
        LogCompared(logger, criterion.Id, comparison.Slowdown, comparison.Low, comparison.High, comparison.Rounds, comparison.VerdictText);

        var failures = new List<string>();
        if (check.Threshold is { } threshold && !(check.HigherIsBetter ? learner.Value >= threshold : learner.Value <= threshold))
        {
            failures.Add($"{learner.Metric} {Format(learner.Value, learner)} is {(check.HigherIsBetter ? "under" : "over")} the threshold {Format(threshold, learner)}");
        }
        if (comparison.Verdict == PairedVerdict.Regressed) failures.Add($"regressed against the {reference.Description}: {comparison.Reason}");

        var summary = $"{learner.Name} {learner.Metric} {Format(learner.Value, learner)} vs the reference's {Format(measuredReference.Value, learner)}";
        var status = failures.Count > 0 ? CheckStatus.Failed
            : comparison.Verdict == PairedVerdict.TooNoisy ? CheckStatus.GraderError
            : CheckStatus.Passed;
        var message = status switch
        {
            CheckStatus.Failed => $"{summary}: {string.Join("; ", failures)}.",
            // Neither a pass nor a fail: the grader could not measure precisely enough. Re-running later (on a quieter runner) decides.
            CheckStatus.GraderError => $"Too noisy to judge: {summary}; {comparison.Reason}. This is the grader's measurement, not your result: the grading will be re-run.",
            _ => $"{summary}; {comparison.Reason}.",
        };
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = status,
            Measure = learner.Value,
            Values = ReferenceValues(check, learner, measuredReference, comparison, reference),
            Message = message,
            Details = ReferenceDetails(learner, measuredReference, comparison, reference),
            Duration = TimeProvider.System.GetElapsedTime(started),
        };
    }

    /// <summary>Runs the command once in <paramref name="image"/> and reads its metric; a failure is described, not thrown.</summary>
    private async Task<RunOutcome> RunOnceAsync(BenchmarkCheck check, Criterion criterion, GradingContext context, ImageDetails image, string name, int round, CancellationToken cancellationToken)
    {
        SandboxRunResult result;
        try
        {
            result = await sandbox.RunAsync(Request(check, criterion, context, image, name), cancellationToken).ConfigureAwait(false);
        }
        catch (ImageCommandUnavailableException ex)
        {
            return new RunOutcome(null, ex.RuntimeMessage, "", false, ex.Command);
        }

        var failure = RunFailure(check, context, result, round);
        if (failure is not null) return new RunOutcome(null, failure, result.Output, result.OutputTruncated);
        try
        {
            var json = check.Output is null
                ? BenchmarkOutputParser.ExtractJsonFromOutput(result.Output)
                : await ReadOutputFileAsync(result.CopiedOut!, cancellationToken).ConfigureAwait(false);
            return new RunOutcome(BenchmarkMetric.Select(BenchmarkOutputParser.Parse(check.Format, json), check.Benchmark), null, result.Output, result.OutputTruncated);
        }
        catch (BenchmarkOutputException ex)
        {
            return new RunOutcome(null, $"Run {round}: the {BenchmarkOutputParser.FormatName(check.Format)} output could not be used: {ex.Message}", result.Output, result.OutputTruncated);
        }
    }

    private static Dictionary<string, string> ReferenceValues(BenchmarkCheck check, BenchmarkOutcome learner, BenchmarkOutcome reference, PairedComparison comparison, ReferenceImage source)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["value"] = Format(learner.Value, learner),
            ["benchmark"] = learner.Name,
            ["metric"] = learner.Metric,
            ["runs"] = comparison.Rounds.ToString(CultureInfo.InvariantCulture),
            ["rounds"] = comparison.Rounds.ToString(CultureInfo.InvariantCulture),
            ["baseline"] = Format(reference.Value, learner),
            ["reference"] = source.Description,
            ["change"] = (comparison.Slowdown - 1).ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture),
            ["ratio"] = Factor(comparison.Slowdown),
            ["interval"] = $"{Factor(comparison.Low)} to {Factor(comparison.High)}",
            ["confidence"] = comparison.Confidence.ToString("0.##%", CultureInfo.InvariantCulture),
            ["verdict"] = comparison.VerdictText,
        };
        if (check.Threshold is { } threshold) values["threshold"] = Format(threshold, learner);
        return values;
    }

    private static List<string> ReferenceDetails(BenchmarkOutcome learner, BenchmarkOutcome reference, PairedComparison comparison, ReferenceImage source)
    {
        var details = new List<string>
        {
            $"| round | order | yours ({learner.Metric}) | reference | slowdown |",
            "|---|---|---|---|---|",
        };
        for (var i = 0; i < comparison.Rounds; i++)
        {
            var order = i % 2 == 0 ? "yours first" : "reference first";
            details.Add($"| #{i + 1} | {order} | {Format(learner.PerRun[i], learner)} | {Format(reference.PerRun[i], learner)} | {Factor(comparison.RoundSlowdowns[i])} |");
        }
        details.Add($"reference: {source.Description}");
        details.Add($"verdict: {comparison.VerdictText}: {comparison.Reason}");
        return details;
    }

    private static string Factor(double factor) => "x" + factor.ToString("0.000", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark check {CriterionId}: slowdown x{Slowdown} vs the reference (CI x{Low} to x{High}, {Rounds} rounds): {Verdict}")]
    private static partial void LogCompared(ILogger logger, string criterionId, double slowdown, double low, double high, int rounds, string verdict);
}

using Grader.Rubrics.Results;
using Grader.Rubrics.Model;
using Grader.Runner.Checks;

namespace Grader.Runner.Baselines;

/// <summary>A baseline found for a check, or why there is none.</summary>
/// <param name="Baseline">The baseline, or null when there is none yet (no previous graded commit).</param>
/// <param name="Description">Where it came from, for feedback ("reference results baselines/x.json", "previous commit abc1234").</param>
public sealed record ResolvedBaseline(BaselineFile? Baseline, string Description);

/// <summary>
/// Finds the baseline a rubric's <see cref="BaselineSpec"/> names (a reference results file next to the
/// rubric, or the previous graded commit's results), and records each run's results: in the job's work
/// folder always (to make a baseline from a reference solution run), and in the store when the spec
/// compares with the previous commit.
/// </summary>
public sealed class BaselineProvider(IBaselineStore store)
{
    /// <summary>
    /// The baseline of a check that may name one (null spec: none), or the grader error to return when it is
    /// unusable (a missing or malformed reference file is the rubric's fault, never the learner's).
    /// </summary>
    public async Task<(ResolvedBaseline? Baseline, CheckResult? Error)> ResolveForCheckAsync(BaselineSpec? spec, Criterion criterion, GradingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        if (spec is null) return (null, null);
        try
        {
            return (await ResolveAsync(spec, criterion, context, cancellationToken).ConfigureAwait(false), null);
        }
        catch (InvalidDataException ex)
        {
            return (null, CheckResult.GraderError(criterion.Id, $"Baseline unusable: {ex.Message}"));
        }
    }

    /// <summary>Resolves the baseline; throws <see cref="InvalidDataException"/> when a reference file is missing or malformed (the rubric's fault: a grader error).</summary>
    public async Task<ResolvedBaseline> ResolveAsync(BaselineSpec spec, Criterion criterion, GradingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(context);
        if (spec.Path is not null)
        {
            var path = Path.GetFullPath(spec.Path, context.RubricDirectory);
            if (!File.Exists(path)) throw new InvalidDataException($"the rubric's baseline file {spec.Path} does not exist on the runner ({path})");
            var benchmark = (criterion.Check as BenchmarkCheck)?.Benchmark;
            var file = await BaselineFile.ReadAsync(path, cancellationToken, benchmark).ConfigureAwait(false);
            return new ResolvedBaseline(file, $"reference results {spec.Path}");
        }

        if (context.Repository is null) return new ResolvedBaseline(null, "no previous graded commit (the submission is not from a repository)");
        var stored = await store.LoadAsync(KeyFor(criterion, context), cancellationToken).ConfigureAwait(false);
        return stored is null
            ? new ResolvedBaseline(null, "no previous graded commit with results yet")
            : new ResolvedBaseline(stored, $"previous graded commit {stored.Source ?? "(unknown)"}");
    }

    /// <summary>Writes the run's results to <c>{work}/baselines/{criterion}.json</c> and, for previous-commit baselines, to the store.</summary>
    /// <returns>The path written in the work folder.</returns>
    public async Task<string> RecordAsync(BaselineFile results, Criterion criterion, BaselineSpec? spec, GradingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(context);
        var workCopy = Path.Combine(context.WorkDirectory, "baselines", criterion.Id + ".json");
        await results.WriteAsync(workCopy, cancellationToken).ConfigureAwait(false);
        if (spec is { Path: null } && context.Repository is not null)
        {
            await store.SaveAsync(KeyFor(criterion, context), results, cancellationToken).ConfigureAwait(false);
        }

        return workCopy;
    }

    private static BaselineKey KeyFor(Criterion criterion, GradingContext context) =>
        new(context.Repository!, context.Rubric.Module.Id, criterion.Id);
}

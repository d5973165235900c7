using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Runner.Checks;

/// <summary>
/// The base of every executor: it handles one spec type, so the executor receives its settings typed (no casts),
/// and a criterion of another kind is the pipeline's bug, reported as a grader error rather than a crash.
/// </summary>
public abstract class CheckExecutor<TCheck> : ICheckExecutor where TCheck : CheckSpec
{
    /// <param name="kind">The descriptor of <typeparamref name="TCheck"/> (e.g. <see cref="CheckKind.Tests"/>).</param>
    protected CheckExecutor(CheckKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        Kind = kind.Name;
    }

    public string Kind { get; }

    public Task<CheckResult> ExecuteAsync(Criterion criterion, GradingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(context);
        if (criterion.Check is not TCheck check)
            return Task.FromResult(CheckResult.GraderError(criterion.Id, $"The {Kind} executor got a {criterion.Check.Kind} check."));
        return ExecuteAsync(criterion, check, context, cancellationToken);
    }

    /// <summary>Runs the check; <paramref name="check"/> is <paramref name="criterion"/>'s settings, typed.</summary>
    protected abstract Task<CheckResult> ExecuteAsync(Criterion criterion, TCheck check, GradingContext context, CancellationToken cancellationToken);
}

using Grader.Rubrics.Model;
using Grader.Rubrics.Results;

namespace Grader.Runner.Checks;

/// <summary>
/// Performs one kind of check (<see cref="CheckSpec.Kind"/>) for a criterion against a prepared grading context.
/// </summary>
/// <remarks>
/// An executor returns <see cref="CheckStatus.GraderError"/> for infrastructure failures (engine unreachable,
/// grader timeout, no GPU) and never throws for a learner's failure. Cancellation is honoured promptly.
/// </remarks>
public interface ICheckExecutor
{
    /// <summary>The check kind this executor handles, e.g. <c>image_size</c>.</summary>
    string Kind { get; }

    Task<CheckResult> ExecuteAsync(Criterion criterion, GradingContext context, CancellationToken cancellationToken);
}

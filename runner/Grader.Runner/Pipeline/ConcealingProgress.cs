using Grader.Rubrics.Model;
using Grader.Rubrics.Scoring;

namespace Grader.Runner.Pipeline;

/// <summary>
/// Progress for a learner-facing log (the CLI's terminal, an Action's workflow log): the steps of criteria the learner
/// may not see yet are reported as "check" without their criterion id and message, so a live log tells no more than
/// the review. Which criteria those are depends on the rubric and the context only, never on results.
/// </summary>
public sealed class ConcealingProgress(IProgress<GradingProgress> inner, Rubric rubric, SubmissionContext context) : IProgress<GradingProgress>
{
    /// <summary>What a concealed criterion's step is called in the log.</summary>
    public const string ConcealedStep = "check";

    private readonly HashSet<string> _concealed = rubric.Criteria
        .Where(c => !SubmissionContext.IsShown(c, rubric, context))
        .Select(c => GradingSteps.Check(c.Id))
        .ToHashSet(StringComparer.Ordinal);

    public void Report(GradingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        inner.Report(_concealed.Contains(value.Step) ? value with { Step = ConcealedStep, Message = null } : value);
    }
}

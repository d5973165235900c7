using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;

namespace Grader.Runner.Tests.Pipeline;

/// <summary>A check kind whose executor crashes: what a bug in an executor looks like to the pipeline.</summary>
internal sealed record ThrowingCheck : CheckSpec
{
    public const string KindName = "test_throwing";
    public static readonly CheckKind Throwing = new(KindName, MeasureUnit.Number, CheckPhase.Concurrent, NeedsImage: false, []);
    public override CheckKind Descriptor => Throwing;
}

internal sealed class ThrowingExecutor : ICheckExecutor
{
    public string Kind => ThrowingCheck.KindName;

    public Task<CheckResult> ExecuteAsync(Criterion criterion, GradingContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("executor bug");
}

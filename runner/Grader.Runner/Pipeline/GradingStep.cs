namespace Grader.Runner.Pipeline;

/// <summary>Steps of a grading job, in order.</summary>
public static class GradingSteps
{
    public const string Checkout = "checkout";
    public const string Build = "build";
    public const string Inspect = "inspect";
    public const string Gpu = "gpu";
    public const string ServiceStart = "service-start";
    public const string ServiceStop = "service-stop";
    public const string Cleanup = "cleanup";

    /// <summary>The step name of one criterion's check.</summary>
    public static string Check(string criterionId) => "check:" + criterionId;
}

public enum StepStatus
{
    Started,
    /// <summary>A progress message from the step in flight.</summary>
    Running,
    Succeeded,
    /// <summary>The step ran and the learner's submission failed it (e.g. the image did not build).</summary>
    Failed,
    Skipped,
    /// <summary>The grader failed in this step.</summary>
    GraderError,
    Cancelled,
}

/// <summary>How long a finished step took and how it ended.</summary>
public sealed record StepTiming(string Step, StepStatus Status, DateTimeOffset StartedAt, TimeSpan Duration, string? Message = null);

/// <summary>A progress event: a step started or finished (with its timing).</summary>
public sealed record GradingProgress(string Step, StepStatus Status, TimeSpan Elapsed, string? Message = null);

/// <summary>A failure of the grader itself during the job (recorded in result.json; the review is incomplete).</summary>
public sealed record GraderErrorRecord(string Step, string Message, string? CriterionId = null);

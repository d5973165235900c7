namespace Grader.Runner.Pipeline;

/// <summary>
/// How a step that prepares the job ends when it throws, in one place: a grader failure ends it as a grader error,
/// recorded on the job, and becomes the blocker of the checks that need the step (never the learner's failure);
/// cancellation ends it as cancelled and propagates. The body ends the step itself on its other paths.
/// </summary>
internal static class StepGuard
{
    public static async Task<Blocker?> RunAsync(
        PipelineJob job, string stepName, string failurePrefix, Func<StepRecorder.Step, Task<Blocker?>> body, CancellationToken cancellationToken, bool fromGpu = false)
    {
        var step = job.Steps.Start(stepName);
        try
        {
            return await body(step).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsGraderFailure(ex, cancellationToken))
        {
            var message = failurePrefix + InfrastructureFailures.Describe(ex);
            step.End(StepStatus.GraderError, message);
            job.AddGraderError(new GraderErrorRecord(stepName, message));
            return Blocker.Error(message, fromGpu);
        }
        catch (OperationCanceledException)
        {
            step.End(StepStatus.Cancelled);
            throw;
        }
    }

    private static bool IsGraderFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is not OperationCanceledException && InfrastructureFailures.IsInfrastructure(ex);
}

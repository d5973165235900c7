using Grader.Rubrics.Model;
using Grader.Runner.Checks;
using Grader.Runner.Service;

namespace Grader.Runner.Pipeline;

/// <summary>The service step: starts the learner's service for the service checks, unless the image or a GPU it needs is missing.</summary>
internal sealed class ServiceStep(IServiceLauncher launcher)
{
    /// <summary>Removes host firewall rules that jobs of this runner left behind.</summary>
    public Task<int> SweepAsync(string runnerId, CancellationToken cancellationToken) => launcher.SweepAsync(runnerId, cancellationToken);

    public async Task<Blocker?> StartAsync(PipelineJob job, GradingContext context, Blocker? imageBlocker, Blocker? gpuBlocker, CancellationToken cancellationToken)
    {
        if (imageBlocker is not null)
        {
            job.Steps.Skip(GradingSteps.ServiceStart, imageBlocker.Message);
            return null; // the image blocker already covers every service check
        }
        var spec = job.Request.Rubric.Service ?? new ServiceSpec();
        if (spec.Gpu && gpuBlocker is not null)
        {
            job.Steps.Skip(GradingSteps.ServiceStart, gpuBlocker.Message);
            return gpuBlocker;
        }
        return await StepGuard.RunAsync(job, GradingSteps.ServiceStart, "the service could not be started because of the grader: ", async step =>
        {
            var gpuIds = spec.Gpu && context.Gpus is not null ? context.Gpus.Devices.Select(d => d.Uuid).ToList() : [];
            var request = new ServiceLaunchRequest(job.ImageTag!, spec, job.Request.Rubric.Limits, context.LabelsFor("service"), gpuIds);
            var outcome = await launcher.StartAsync(request, cancellationToken).ConfigureAwait(false);
            context.ServiceStart = outcome;
            job.Service = outcome.Service;
            step.End(outcome.Ready ? StepStatus.Succeeded : StepStatus.Failed, outcome.Ready ? $"ready after {DurationText.Format(outcome.TimeToReady)}" : outcome.Error);
            // A service that never became ready is the learner's: the service checks report it from context.ServiceStart.
            return null;
        }, cancellationToken).ConfigureAwait(false);
    }
}

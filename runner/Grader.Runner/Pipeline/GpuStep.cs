using Grader.Runner.Checks;
using Grader.Runner.Gpu;

namespace Grader.Runner.Pipeline;

/// <summary>The GPU step: leases this runner's GPUs to the job, or says why there are none (a grader error, never the learner's).</summary>
internal sealed class GpuStep(IGpuInventory inventory, IGpuAllocator allocator)
{
    /// <summary>The NVIDIA driver, for result.json.</summary>
    public string? DriverVersion => inventory.System?.DriverVersion;

    public async Task<Blocker?> LeaseAsync(PipelineJob job, GradingContext context, CancellationToken cancellationToken)
    {
        if (!inventory.Available)
        {
            var reason = inventory.UnavailableReason ?? "no GPU on this runner";
            var message = reason.StartsWith("no GPU", StringComparison.OrdinalIgnoreCase) ? reason : "no GPU on this runner: " + reason;
            job.Steps.Skip(GradingSteps.Gpu, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.Gpu, message));
            return Blocker.Error(message, fromGpu: true);
        }
        return await StepGuard.RunAsync(job, GradingSteps.Gpu, "no GPU could be leased: ", async step =>
        {
            context.Gpus = await allocator.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            job.GpuLease = context.Gpus;
            step.End(StepStatus.Succeeded, string.Join(", ", context.Gpus.Devices.Select(d => d.Name)));
            return null;
        }, cancellationToken, fromGpu: true).ConfigureAwait(false);
    }
}

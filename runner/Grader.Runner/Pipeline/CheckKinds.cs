using Grader.Rubrics.Model;

namespace Grader.Runner.Pipeline;

/// <summary>What each check kind needs from the pipeline.</summary>
public static class CheckKinds
{
    /// <summary>Whether the check needs the learner's built image (its descriptor says; files, dockerfile and quiz read only files).</summary>
    public static bool NeedsImage(CheckSpec check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Descriptor.NeedsImage;
    }

    /// <summary>Checks of the concurrent phase that need no GPU and no service: they measure nothing, so they run side by side.</summary>
    /// <remarks>
    /// Hidden tests that probe the service (<c>hidden.service</c>) measure nothing either, so they run in this
    /// phase too, which also puts them before every measuring service check (probes, load, recovery).
    /// </remarks>
    public static bool CanRunConcurrently(CheckSpec check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Descriptor.Phase == CheckPhase.Concurrent && !check.NeedsGpu && (!check.NeedsService || check is TestsCheck);
    }

    /// <summary>Order of the checks that run one at a time: GPU checks after the steps they summarise, recovery (which kills the service) last.</summary>
    public static int Phase(CheckSpec check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Descriptor.Phase switch
        {
            CheckPhase.AfterMeasuredSteps => 1,
            CheckPhase.Last => 2,
            _ => 0,
        };
    }

    /// <summary>Steps whose GPU telemetry a <c>gpu</c> criterion can name in <c>during</c> (service checks count as "service").</summary>
    public static bool IsGpuMeasuredStep(CheckSpec check) => check is TestsCheck or BenchmarkCheck or LoadCheck || (check.NeedsService && check is not RecoveryCheck);

    /// <summary>The <c>during</c> names a check's telemetry is kept under.</summary>
    public static IEnumerable<string> GpuStepNames(CheckSpec check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (check is TestsCheck or BenchmarkCheck or LoadCheck) yield return check.Kind;
        if (check.NeedsService) yield return "service";
    }

    /// <summary>The build check reports on the build itself, failed or not.</summary>
    public static bool IsBuild(CheckSpec check) => check is BuildCheck;
}

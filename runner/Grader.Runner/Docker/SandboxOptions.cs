using Grader.Runner.Images;

namespace Grader.Runner.Docker;

/// <summary>Sandbox settings (options pattern: section "Grader:Sandbox").</summary>
public sealed class SandboxOptions
{
    /// <summary>
    /// A tiny image with <c>sleep</c> for the helper container that holds copy-in and copy-out volumes
    /// (see <see cref="DockerContainerSandbox"/>). It runs none of the learner's code.
    /// </summary>
    public string HelperImage { get; set; } = BaseImages.Busybox;

    /// <summary>Open files per process in learner containers.</summary>
    public long NoFileLimit { get; set; } = 4096;

    /// <summary>How long to wait for the output stream to drain after the container stopped.</summary>
    public TimeSpan OutputDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest folder copied into a container (hidden tests).</summary>
    public long MaxCopyInBytes { get; set; } = 256L << 20;
}

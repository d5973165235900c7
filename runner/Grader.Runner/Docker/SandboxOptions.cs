
namespace Grader.Runner.Docker;

/// <summary>Sandbox settings (options pattern: section "Grader:Sandbox").</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Grader:Sandbox";

    /// <summary>
    /// A tiny image with <c>sleep</c> for the helper container that holds copy-in and copy-out volumes
    /// (see <see cref="DockerContainerSandbox"/>). It runs none of the learner's code. A tag is resolved to
    /// its image id once and the helper always runs from that id; an id (<c>sha256:...</c>) is used as given.
    /// </summary>
    public string HelperImage { get; set; } = BaseImages.Busybox;

    /// <summary>
    /// The grader-owned image hidden tests run in when the rubric names none (<c>hidden.image</c>): it needs the
    /// test tools (the default has python3 and pytest). Pinned by id like <see cref="HelperImage"/>. Learner
    /// code never runs in it.
    /// </summary>
    public string HiddenTestImage { get; set; } = BaseImages.Python;

    /// <summary>Open files per process in every container of a job (test runs, the service).</summary>
    public long NoFileLimit { get; set; } = 4096;

    /// <summary>How long to wait for the output stream to drain after the container stopped.</summary>
    public TimeSpan OutputDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest folder copied into a container (hidden tests).</summary>
    public long MaxCopyInBytes { get; set; } = 256L << 20;
}

namespace Grader.Runner.Pipeline;

/// <summary>How this runner grades (options pattern: section "Grader:Runner").</summary>
public sealed class RunnerOptions
{
    public const string SectionName = "Grader:Runner";

    /// <summary>Identifies this runner's Docker objects: the start-up sweep removes only objects carrying it.</summary>
    public string RunnerId { get; set; } = "runner-" + Environment.MachineName.ToLowerInvariant();

    /// <summary>Per-job scratch folders (checkouts, copied-out reports) live under here.</summary>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "grader", "work");

    /// <summary>Bare mirrors of submission repositories, one per clone URL, so a re-grade fetches only what is new.</summary>
    public string MirrorCache { get; set; } = Path.Combine(Path.GetTempPath(), "grader", "mirrors");

    /// <summary>Bounds of a learner's repository (entries, depth, bytes, links, fetch) and of the mirror cache.</summary>
    public Checkout.CheckoutLimits Checkout { get; set; } = new();

    /// <summary>Build contexts larger than this are refused (the learner's failure).</summary>
    public long MaxContextBytes { get; set; } = 512L << 20;

    /// <summary>Memory of a build's RUN steps (learner commands; no swap): a build that needs more fails as the learner's.</summary>
    public long BuildMemoryBytes { get; set; } = 4L << 30;

    /// <summary>CPUs of a build's RUN steps.</summary>
    public double BuildCpus { get; set; } = 2.0;

    /// <summary>Processes a build's RUN steps may run at once (pids.max of the build's cgroup): a fork bomb stops there.</summary>
    public long BuildPids { get; set; } = Docker.BuildDefaults.Pids;

    /// <summary>
    /// Bytes a build may add to its base images (all its layers and the running step's writable layer); watched while
    /// it runs, a build over it is stopped and its image removed. Default 2.5 GiB.
    /// </summary>
    public long BuildDiskBytes { get; set; } = Docker.BuildDefaults.DiskBytes;

    /// <summary>Open files per process in RUN steps (nofile); core dumps are always off.</summary>
    public long BuildNoFile { get; set; } = Docker.BuildDefaults.NoFile;

    /// <summary>What RUN steps may reach: <c>None</c> (default) or <c>Egress</c> (public addresses only, through a guarded network per build).</summary>
    public Docker.BuildNetwork BuildNetwork { get; set; } = Docker.BuildNetwork.None;

    /// <summary>
    /// Image name patterns a Dockerfile may build or copy from (<c>*</c>: any characters but <c>/</c>; <c>**</c>: any).
    /// Unset: <c>grader/*</c> and <c>*</c> (Docker Hub's official images). Grader's own images and image ids are never allowed.
    /// </summary>
    public string[]? AllowedBaseImages { get; set; }

    /// <summary>
    /// Run each build in a cgroup the runner prepares with the process and memory limits (needs root on the engine's
    /// host and the cgroupfs driver). Turning it off removes the build's process limit: only where learner code is trusted.
    /// </summary>
    public bool BuildCgroupLimits { get; set; } = true;

    /// <summary>Build log kept per job.</summary>
    public int MaxBuildLogBytes { get; set; } = 256 << 10;

    /// <summary>
    /// Reuse the image built earlier from an identical build context (same files, same Dockerfile) instead of
    /// building again: a re-grade of an unchanged commit skips the build.
    /// </summary>
    public bool ReuseImages { get; set; } = true;

    /// <summary>
    /// How many checks of one job may run at once (tests, image size, Dockerfile, files; each test run in its own
    /// sandboxed container). Benchmarks, GPU and service checks always run alone. 1 = strictly one after another.
    /// </summary>
    public int MaxConcurrentChecks { get; set; } = 2;

    /// <summary>Keep the job's work folder after grading (for debugging); default removed.</summary>
    public bool KeepWorkDirectories { get; set; }
}

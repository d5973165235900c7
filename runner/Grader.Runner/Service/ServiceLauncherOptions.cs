namespace Grader.Runner.Service;

/// <summary>How learner services are started (options pattern: section "Grader:Service").</summary>
public sealed class ServiceLauncherOptions
{
    public const string SectionName = "Grader:Service";

    /// <summary>
    /// Drop connections the service opens towards the runner host itself (an <c>internal</c> Docker network
    /// blocks forwarding to other networks and the internet, but not the host's own addresses). Needs
    /// iptables and root on the engine host; when it cannot be installed the start is a grader error.
    /// </summary>
    public bool BlockServiceToHost { get; set; } = true;

    /// <summary>Root filesystem read-only (writable tmpfs at /tmp). Turn off only for images that cannot run so.</summary>
    public bool ReadOnlyRootFilesystem { get; set; } = true;

    /// <summary>User the service runs as when the image's USER is empty or root.</summary>
    public string FallbackUser { get; set; } = "65534:65534";

    /// <summary>Service log kept for feedback (bytes, tail).</summary>
    public int MaxLogBytes { get; set; } = 64 << 10;

    /// <summary>Retries for restart policy on-failure (0 = unlimited); bounds a crash loop.</summary>
    public int OnFailureMaxRetries { get; set; } = 10;

    /// <summary>Time one readiness poll may take (HTTP request or TCP connect).</summary>
    public TimeSpan ReadinessAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

namespace Grader.Rubrics.Model;

/// <summary>How the learner's image is run as a service for service checks.</summary>
public sealed record ServiceSpec
{
    /// <summary>Container port the service listens on.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Override of the image's command; null = the image's own CMD/ENTRYPOINT.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Path probed for readiness; null = use the image's HEALTHCHECK status, else the TCP port.</summary>
    public string? ReadinessPath { get; init; } = "/health";

    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Docker restart policy for the service container (recovery checks rely on it): no, on-failure, always, unless-stopped.</summary>
    public string RestartPolicy { get; init; } = "on-failure";

    /// <summary>Whether the service container gets the job's GPUs.</summary>
    public bool Gpu { get; init; }
}

/// <summary>Resource limits for any container that runs learner code.</summary>
public sealed record SandboxLimits
{
    public ByteSize Memory { get; init; } = new(1L << 30) { Binary = true };
    public double Cpus { get; init; } = 1.0;
    public long Pids { get; init; } = 256;
    public ByteSize TmpSize { get; init; } = new(256L << 20) { Binary = true };
    public ByteSize MaxOutput { get; init; } = new(1L << 20) { Binary = true };
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}

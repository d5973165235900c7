namespace Grader.Runner.Docker;

/// <summary>Removes the Docker objects grading jobs leave behind; only ever objects labelled with the given runner id.</summary>
public interface IDockerJanitor
{
    /// <summary>Removes one job's containers, networks and image tags (<paramref name="imageTags"/>: tags the job put on images it did not label, e.g. a reused one).</summary>
    Task CleanupJobAsync(string runnerId, string jobId, IReadOnlyCollection<string> imageTags, CancellationToken cancellationToken);

    /// <summary>
    /// Start-up sweep: removes every container, network and image of this runner left by jobs that did not finish
    /// (a crash, a killed host). Reused images (<see cref="ImageReuse"/>) are kept unless <paramref name="includeReusableImages"/>.
    /// </summary>
    Task<SweepReport> SweepAsync(string runnerId, bool includeReusableImages, CancellationToken cancellationToken);
}

public sealed record SweepReport(int Containers, int Networks, int Images)
{
    /// <summary>Host firewall rules of the runner's service networks removed by the sweep.</summary>
    public int HostRules { get; init; }

    /// <summary>Build cgroups and build-network firewall rules of the runner removed by the sweep.</summary>
    public int BuildLeftovers { get; init; }
}

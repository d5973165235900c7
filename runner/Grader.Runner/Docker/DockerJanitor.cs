using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Docker;

/// <summary>What a sweep removed.</summary>
public sealed record SweepResult(int Containers, int Networks, int Volumes, int Images);

/// <summary>
/// Removes every Docker object carrying a runner's id (optionally one job's): containers first (forced),
/// then networks, volumes and images. Objects of other runners are never touched.
/// </summary>
public sealed partial class DockerJanitor(IDockerClient docker, ILogger<DockerJanitor> logger)
{
    /// <summary>Start-up sweep: leftovers of earlier runs of this runner.</summary>
    public Task<SweepResult> SweepAsync(string runnerId, CancellationToken cancellationToken) =>
        RemoveAsync(runnerId, jobId: null, cancellationToken);

    /// <summary>End of a job: everything the job created.</summary>
    public Task<SweepResult> RemoveJobAsync(string runnerId, string jobId, CancellationToken cancellationToken) =>
        RemoveAsync(runnerId, jobId, cancellationToken);

    private async Task<SweepResult> RemoveAsync(string runnerId, string? jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runnerId);
        var filters = LabelFilter(runnerId, jobId);
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, cancellationToken).ConfigureAwait(false);
        foreach (var container in containers)
        {
            await IgnoreMissingAsync(() => docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken), container.ID).ConfigureAwait(false);
        }
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilter(runnerId, jobId) }, cancellationToken).ConfigureAwait(false);
        foreach (var network in networks)
        {
            await IgnoreMissingAsync(() => docker.Networks.DeleteNetworkAsync(network.ID, cancellationToken), network.ID).ConfigureAwait(false);
        }
        var volumes = await docker.Volumes.ListAsync(new VolumesListParameters { Filters = LabelFilter(runnerId, jobId) }, cancellationToken).ConfigureAwait(false);
        foreach (var volume in volumes.Volumes ?? [])
        {
            await IgnoreMissingAsync(() => docker.Volumes.RemoveAsync(volume.Name, force: true, cancellationToken), volume.Name).ConfigureAwait(false);
        }
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { All = true, Filters = LabelFilter(runnerId, jobId) }, cancellationToken).ConfigureAwait(false);
        foreach (var image in images)
        {
            await IgnoreMissingAsync(() => docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }, cancellationToken), image.ID).ConfigureAwait(false);
        }
        var result = new SweepResult(containers.Count, networks.Count, volumes.Volumes?.Count ?? 0, images.Count);
        LogSwept(logger, runnerId, jobId ?? "*", result.Containers, result.Networks, result.Volumes, result.Images);
        return result;
    }

    private static Dictionary<string, IDictionary<string, bool>> LabelFilter(string runnerId, string? jobId)
    {
        var labels = new Dictionary<string, bool> { [$"{DockerLabels.RunnerId}={runnerId}"] = true };
        if (jobId is not null) labels[$"{DockerLabels.JobId}={jobId}"] = true;
        return new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels };
    }

    private async Task IgnoreMissingAsync(Func<Task> remove, string id)
    {
        try
        {
            await remove().ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Removed concurrently (e.g. the image went with its last tag): already what we want.
            LogAlreadyGone(logger, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept runner {RunnerId} job {JobId}: {Containers} containers, {Networks} networks, {Volumes} volumes, {Images} images")]
    private static partial void LogSwept(ILogger logger, string runnerId, string jobId, int containers, int networks, int volumes, int images);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{DockerObject} was already gone")]
    private static partial void LogAlreadyGone(ILogger logger, string dockerObject);
}

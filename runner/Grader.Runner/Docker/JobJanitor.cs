using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Docker;

/// <summary>Docker.DotNet implementation of <see cref="IDockerJanitor"/>, selecting objects by <see cref="DockerLabels"/>.</summary>
/// <remarks>The start-up sweep also removes what builds of the runner left outside Docker (cgroups, firewall rules) through <see cref="BuildIsolation"/>.</remarks>
public sealed partial class JobJanitor(IDockerClient docker, ILogger<JobJanitor> logger, BuildIsolation? builds = null) : IDockerJanitor
{
    public async Task CleanupJobAsync(string runnerId, string jobId, IReadOnlyCollection<string> imageTags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imageTags);
        var filter = Labels(runnerId, jobId);
        await RemoveContainersAsync(filter, cancellationToken).ConfigureAwait(false);
        await RemoveNetworksAsync(filter, cancellationToken).ConfigureAwait(false);
        await RemoveVolumesAsync(filter, cancellationToken).ConfigureAwait(false);
        foreach (var tag in imageTags)
        {
            // Removing a tag only untags an image that has other tags (the reusable one), else deletes it.
            await IgnoreMissingAsync(() => docker.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = false }, cancellationToken)).ConfigureAwait(false);
        }
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { All = false, Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var image in images.Where(i => !ImageReuse.IsReusable(i.RepoTags)))
        {
            await IgnoreMissingAsync(() => docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }, cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task<SweepReport> SweepAsync(string runnerId, bool includeReusableImages, CancellationToken cancellationToken)
    {
        var filter = Labels(runnerId, jobId: null);
        var containers = await RemoveContainersAsync(filter, cancellationToken).ConfigureAwait(false);
        var networks = await RemoveNetworksAsync(filter, cancellationToken).ConfigureAwait(false);
        await RemoveVolumesAsync(filter, cancellationToken).ConfigureAwait(false);
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { All = false, Filters = filter }, cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var image in images.Where(i => includeReusableImages || !ImageReuse.IsReusable(i.RepoTags)))
        {
            await IgnoreMissingAsync(() => docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }, cancellationToken)).ConfigureAwait(false);
            removed++;
        }
        // After the containers: a crashed build's cgroup empties once its step container is gone.
        var buildLeftovers = await (builds ?? new BuildIsolation(docker)).SweepAsync(runnerId, cancellationToken).ConfigureAwait(false);
        LogSwept(logger, runnerId, containers, networks, removed, buildLeftovers);
        return new SweepReport(containers, networks, removed) { BuildLeftovers = buildLeftovers };
    }

    private async Task<int> RemoveContainersAsync(IDictionary<string, IDictionary<string, bool>> filter, CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var container in containers)
        {
            await IgnoreMissingAsync(() => docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken)).ConfigureAwait(false);
        }
        return containers.Count;
    }

    private async Task<int> RemoveNetworksAsync(IDictionary<string, IDictionary<string, bool>> filter, CancellationToken cancellationToken)
    {
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var network in networks)
        {
            await IgnoreMissingAsync(() => docker.Networks.DeleteNetworkAsync(network.ID, cancellationToken)).ConfigureAwait(false);
        }
        return networks.Count;
    }

    private async Task RemoveVolumesAsync(IDictionary<string, IDictionary<string, bool>> filter, CancellationToken cancellationToken)
    {
        var volumes = await docker.Volumes.ListAsync(new VolumesListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false);
        foreach (var volume in volumes.Volumes ?? [])
        {
            await IgnoreMissingAsync(() => docker.Volumes.RemoveAsync(volume.Name, force: true, cancellationToken)).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, IDictionary<string, bool>> Labels(string runnerId, string? jobId)
    {
        var labels = new Dictionary<string, bool>(StringComparer.Ordinal) { [$"{DockerLabels.RunnerId}={runnerId}"] = true };
        if (jobId is not null) labels[$"{DockerLabels.JobId}={jobId}"] = true;
        return new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal) { ["label"] = labels };
    }

    /// <summary>Something else (the sandbox, the engine's auto-remove) may have removed the object first: that is fine.</summary>
    private static async Task IgnoreMissingAsync(Func<Task> remove)
    {
        try
        {
            await remove().ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict && ex.ResponseBody.Contains("No such", StringComparison.OrdinalIgnoreCase)
                                             || ex is DockerImageNotFoundException or DockerContainerNotFoundException)
        {
            return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep for runner {RunnerId}: removed {Containers} containers, {Networks} networks, {Images} images, {BuildLeftovers} build cgroups and firewall rules")]
    private static partial void LogSwept(ILogger logger, string runnerId, int containers, int networks, int images, int buildLeftovers);
}

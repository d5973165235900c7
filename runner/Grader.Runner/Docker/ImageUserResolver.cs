using System.Formats.Tar;
using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Runner.Dockerfiles;

namespace Grader.Runner.Docker;

/// <summary>
/// Resolves an image's configured user to the uid the runtime will give it. Numbers need no lookup (<see cref="ImageUser.FromNumber"/>);
/// a name is looked up in the image's own /etc/passwd, read through a container that is created and never started
/// (nothing of the learner's runs), bounded in size, and removed afterwards.
/// </summary>
public sealed class ImageUserResolver(IDockerClient docker)
{
    public const int MaxPasswdBytes = 1 << 20;
    private const string PasswdPath = "/etc/passwd";
    private const string Source = "the image's /etc/passwd";

    public async Task<ImageUser> ResolveAsync(string image, string? user, IDictionary<string, string>? imageLabels, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        var spec = (user ?? "").Trim();
        if (ImageUser.FromNumber(spec) is { } numeric) return numeric;

        CreateContainerResponse created;
        try
        {
            created = await CreateReaderAsync(image, imageLabels, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when ((int)e.StatusCode is >= 400 and < 500)
        {
            // The engine refused a container of this image (its configuration): the image's problem, not the grader's.
            return new ImageUser(spec, null, $"the image's /etc/passwd could not be read ({(int)e.StatusCode})", Source);
        }
        try
        {
            var passwd = await ReadPasswdAsync(created.ID, cancellationToken).ConfigureAwait(false);
            return passwd.Text is null ? new ImageUser(spec, null, passwd.Problem, Source) : ImageUser.FromPasswd(spec, passwd.Text, Source);
        }
        finally
        {
            try
            {
                await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerContainerNotFoundException)
            {
                // Already gone: what we wanted.
            }
        }
    }

    private Task<CreateContainerResponse> CreateReaderAsync(string image, IDictionary<string, string>? imageLabels, CancellationToken cancellationToken) =>
        docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            // Never started: the command only has to exist for the engine to accept the container.
            Entrypoint = ["/grader-never-started"],
            Cmd = [],
            NetworkDisabled = true,
            Labels = LabelsFor(imageLabels),
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, cancellationToken);

    private async Task<(string? Text, string? Problem)> ReadPasswdAsync(string containerId, CancellationToken cancellationToken)
    {
        GetArchiveFromContainerResponse archive;
        try
        {
            archive = await docker.Containers.GetArchiveFromContainerAsync(containerId, new GetArchiveFromContainerParameters { Path = PasswdPath }, statOnly: false, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, "the image has no /etc/passwd");
        }
        await using var stream = archive.Stream;
        await using var reader = new TarReader(stream, leaveOpen: true);
        TarEntry? entry;
        try
        {
            entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            return (null, "the image's /etc/passwd could not be read");
        }
        if (entry is null) return (null, "the image has no /etc/passwd");
        // The runtime follows a link inside the image; the grader does not, and says so rather than guess.
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
        {
            return (null, "the image's /etc/passwd is not a regular file");
        }
        if (entry.Length > MaxPasswdBytes) return (null, $"the image's /etc/passwd is larger than {MaxPasswdBytes >> 10} KiB");
        if (entry.DataStream is null) return ("", null);
        var buffer = new byte[entry.Length];
        await entry.DataStream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return (Encoding.UTF8.GetString(buffer), null);
    }

    /// <summary>The helper container carries the job's labels (read from the image the job built), so a sweep finds it after a crash.</summary>
    private static Dictionary<string, string> LabelsFor(IDictionary<string, string>? imageLabels)
    {
        if (imageLabels is not null
            && imageLabels.TryGetValue(DockerLabels.RunnerId, out var runner)
            && imageLabels.TryGetValue(DockerLabels.JobId, out var job))
        {
            return DockerLabels.For(runner, job, "inspect");
        }
        return new Dictionary<string, string>(StringComparer.Ordinal) { [DockerLabels.Managed] = "true", [DockerLabels.Role] = "inspect" };
    }
}

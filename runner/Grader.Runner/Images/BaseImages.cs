using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Grader.Runner.Images;

/// <summary>
/// Local base images for the bundled examples and the tests: no registry is reachable on these machines,
/// so they are made here instead of pulled. Production rubrics use normal <c>FROM</c> images.
/// </summary>
public static class BaseImages
{
    /// <summary>A ~2 MB image: busybox (static) as /bin/sh and the usual applets. Fast tests use it.</summary>
    public const string Busybox = "grader/busybox:1";

    private const string BusyboxBinary = "/bin/busybox";

    /// <summary>Builds <see cref="Busybox"/> from Debian's busybox-static unless it exists.</summary>
    public static async Task EnsureBusyboxAsync(IDockerClient docker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        if (await ExistsAsync(docker, Busybox, cancellationToken).ConfigureAwait(false)) return;
        if (!File.Exists(BusyboxBinary))
        {
            throw new InvalidOperationException($"{BusyboxBinary} is missing: install Debian's busybox-static to build {Busybox}.");
        }

        const string dockerfile = """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            RUN mkdir -p /tmp /etc && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd && echo 'root:x:0:' > /etc/group && echo 'nogroup:x:65534:' >> /etc/group && chmod 1777 /tmp
            CMD ["/bin/sh"]
            """;
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            var df = new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(dockerfile)) };
            await tar.WriteEntryAsync(df, cancellationToken).ConfigureAwait(false);
            await tar.WriteEntryAsync(BusyboxBinary, "busybox", cancellationToken).ConfigureAwait(false);
        }
        context.Position = 0;
        var progress = new BuildProgress();
        await docker.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Tags = [Busybox], Remove = true, ForceRemove = true },
            context, authConfigs: null, headers: null, progress, cancellationToken).ConfigureAwait(false);
        if (progress.Error is not null) throw new InvalidOperationException($"Building {Busybox} failed: {progress.Error}");
    }

    public static async Task<bool> ExistsAsync(IDockerClient docker, string image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        try
        {
            await docker.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    private sealed class BuildProgress : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value) => Error ??= value.ErrorMessage ?? value.Error?.Message;
    }
}

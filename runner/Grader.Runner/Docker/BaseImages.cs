using System.Diagnostics;
using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Grader.Runner.Docker;

/// <summary>
/// Local base images for the bundled examples and the tests: no registry is reachable on these machines,
/// so they are made here instead of pulled. Production rubrics use normal <c>FROM</c> images.
/// </summary>
public static class BaseImages
{
    /// <summary>A ~2 MB image: busybox (static) as /bin/sh and the usual applets. Fast tests use it.</summary>
    public const string Busybox = "grader/busybox:1";

    private const string BusyboxBinary = "/bin/busybox";

    /// <summary>Debian bookworm (minbase) with python3 3.11, numpy and pytest: the bundled examples' base image.</summary>
    public const string Python = "grader/python:3.11-bookworm";

    /// <summary>Debian's mirror that debootstrap downloads from.</summary>
    public const string DebianMirror = "http://deb.debian.org/debian";

    private const string PythonPackages = "python3,python3-numpy,python3-pytest";

    /// <summary>
    /// Builds <see cref="Python"/> unless it exists (or when <paramref name="force"/>): <c>debootstrap --variant=minbase</c>
    /// into a temporary root, then <c>tar -C ROOT -c .</c> streamed into the engine's image import with <c>CMD ["/usr/bin/python3"]</c>.
    /// Returns false when the image was already there. Needs root and debootstrap (Debian package).
    /// </summary>
    public static async Task<bool> EnsurePythonAsync(IDockerClient docker, bool force, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        if (!force && await ExistsAsync(docker, Python, cancellationToken).ConfigureAwait(false)) return false;
        var debootstrap = new[] { "/usr/sbin/debootstrap", "/usr/bin/debootstrap" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"debootstrap is missing: install Debian's debootstrap to build {Python}.");
        var root = Path.Combine(Path.GetTempPath(), "grader-rootfs-" + Guid.NewGuid().ToString("n")[..12]);
        try
        {
            progress?.Report($"debootstrap: bookworm minbase + {PythonPackages} into {root}");
            await RunAsync(debootstrap, ["--variant=minbase", $"--include={PythonPackages}", "bookworm", root, DebianMirror], progress, cancellationToken).ConfigureAwait(false);
            progress?.Report($"docker import: {Python}");
            await ImportAsync(docker, root, Python, ["CMD [\"/usr/bin/python3\"]"], cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Imports a root filesystem folder as an image (what <c>tar -C DIR -c . | docker import -c CHANGE - NAME</c> does).</summary>
    public static async Task ImportAsync(IDockerClient docker, string rootDirectory, string image, IReadOnlyList<string> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        ArgumentNullException.ThrowIfNull(changes);
        var start = new ProcessStartInfo("tar") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-C", rootDirectory, "-c", "." }) start.ArgumentList.Add(arg);
        using var tar = Process.Start(start) ?? throw new InvalidOperationException("tar could not be started.");
        var errors = tar.StandardError.ReadToEndAsync(cancellationToken);
        var colon = image.LastIndexOf(':');
        var progress = new BuildProgress();
        try
        {
            await docker.Images.CreateImageAsync(
                new ImagesCreateParameters { FromSrc = "-", Repo = image[..colon], Tag = image[(colon + 1)..], Changes = [.. changes] },
                tar.StandardOutput.BaseStream, authConfig: null, headers: null, progress, cancellationToken).ConfigureAwait(false);
            await tar.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!tar.HasExited) tar.Kill(entireProcessTree: true);
        }
        if (tar.ExitCode != 0) throw new InvalidOperationException($"tar failed ({tar.ExitCode}): {await errors.ConfigureAwait(false)}");
        if (progress.Error is not null) throw new InvalidOperationException($"Importing {image} failed: {progress.Error}");
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} could not be started.");
        var tail = new Queue<string>();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 20) tail.Dequeue();
            }
            progress?.Report(line);
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            string last;
            lock (tail) last = string.Join('\n', tail);
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed with exit code {process.ExitCode}:\n{last}");
        }
    }

    /// <summary>Removes one of the base images (for a forced rebuild).</summary>
    public static async Task RemoveAsync(IDockerClient docker, string image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        try
        {
            await docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            // Already gone: nothing to rebuild over.
        }
    }

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

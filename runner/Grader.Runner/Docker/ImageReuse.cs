using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Runner.Checkout;

namespace Grader.Runner.Docker;

/// <summary>
/// Reuse of an image built earlier from an identical build context on identical base images: the digest of the
/// context (every file's path, mode and content, the Dockerfile path) and of the image ids its FROM lines name
/// locally (so a base tag re-pointed to a new image builds again) names a tag <c>grader-reuse/RUNNER:DIGEST</c>.
/// A re-grade of an unchanged commit finds that tag and skips the build. Only the newest <see cref="MaxKept"/>
/// such images are kept per runner.
/// </summary>
public sealed partial class ImageReuse(IDockerClient docker)
{
    public const string Repository = "grader-reuse";
    public const int MaxKept = 10;

    /// <summary>Bumped when what goes into the digest changes, so old tags stop matching.</summary>
    private const string DigestVersion = "ctx-v3";

    public static bool IsReusable(IEnumerable<string>? repoTags) =>
        repoTags?.Any(t => t.StartsWith(Repository + "/", StringComparison.Ordinal)) == true;

    /// <summary>The tag for a context digest on a runner (Docker names are lowercase and limited in characters).</summary>
    public static string TagFor(string runnerId, string digest) => $"{Repository}/{SafeName(runnerId)}:{digest}";

    /// <summary>
    /// A digest of the build context, or null when it is larger than <paramref name="maxBytes"/> or past the walk's
    /// entry and depth limits (then nothing is reused, and the build's own plan refuses or bounds it). The walk is
    /// <see cref="FolderWalk"/>'s: links are hashed as their text and never followed, special files by kind only
    /// (reading a fifo would block), contents are streamed through the hash.
    /// </summary>
    public static async Task<string?> DigestAsync(string contextDirectory, string dockerfile, long maxBytes, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(DigestVersion + "\0" + dockerfile + "\0"));
        long total = 0;
        var buffer = new byte[81920];
        try
        {
            foreach (var entry in FolderWalk.Enumerate(contextDirectory, TreeBudget.Backstop(), cancellationToken: cancellationToken))
            {
                var info = new FileInfo(entry.FullPath);
                var link = entry.Kind == UnixFileKind.SymbolicLink ? info.LinkTarget : null;
                var mode = OperatingSystem.IsWindows() || link is not null ? 0 : (int)info.UnixFileMode;
                hash.AppendData(Encoding.UTF8.GetBytes($"{entry.RelativePath}\0{(int)entry.Kind}\0{mode}\0{link}\0"));
                if (entry.Kind != UnixFileKind.Regular) continue;
                total += info.Length;
                if (total > maxBytes) return null;
                var stream = new FileStream(entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
                await using (stream.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) hash.AppendData(buffer, 0, read);
                }
                hash.AppendData("\0"u8);
            }
        }
        catch (SubmissionRefusedException)
        {
            return null;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    /// <summary>
    /// The context digest combined with the local ids of the Dockerfile's base images; null (build, do not reuse) when
    /// the Dockerfile is missing, a base depends on a build argument, or a base is not present locally (the build pulls it).
    /// </summary>
    /// <remarks>A Dockerfile the builder would refuse (<see cref="Dockerfiles.BuildReferencePolicy"/>) is never reused, so an
    /// image kept before a narrower policy cannot stand in for a build that is now refused.</remarks>
    public async Task<string?> WithBaseImagesAsync(string contextDigest, string dockerfilePath, CancellationToken cancellationToken, IReadOnlyList<string>? allowedBaseImages = null)
    {
        if (!File.Exists(dockerfilePath)) return null;
        IReadOnlyList<Dockerfiles.DockerfileInstruction> instructions;
        try
        {
            instructions = await Dockerfiles.DockerfileParser.ParseFileAsync(dockerfilePath, cancellationToken).ConfigureAwait(false);
        }
        catch (Dockerfiles.DockerfileFormatException)
        {
            return null; // the build refuses it and says why
        }
        if (new Dockerfiles.BuildReferencePolicy(allowedBaseImages).Check(instructions).Count > 0) return null;
        var text = new StringBuilder(contextDigest);
        foreach (var reference in Dockerfiles.DockerfileBaseImages.Resolve(instructions))
        {
            if (reference.Image.Contains('$', StringComparison.Ordinal)) return null;
            var id = await FindAsync(reference.Image, cancellationToken).ConfigureAwait(false);
            if (id is null) return null;
            text.Append('\0').Append(reference.Image).Append('=').Append(id);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    /// <summary>The image id behind a reuse tag, or null when there is none.</summary>
    public async Task<string?> FindAsync(string tag, CancellationToken cancellationToken)
    {
        try
        {
            var image = await docker.Images.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false);
            return image.ID;
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether an image may be kept for reuse: not when it is over the rubric's <c>image_size</c> maximum (an image that
    /// fails its size criterion is rebuilt, never kept; the builder already refuses images over the runner's disk bound).
    /// </summary>
    public async Task<bool> FitsAsync(string image, Grader.Rubrics.Model.Rubric rubric, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        var max = rubric.Criteria.Select(c => c.Check).OfType<Grader.Rubrics.Model.ImageSizeCheck>().Select(c => c.Max.Bytes).DefaultIfEmpty(long.MaxValue).Min();
        if (max == long.MaxValue) return true;
        var inspected = await docker.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
        return inspected.Size <= max;
    }

    /// <summary>Adds <paramref name="newTag"/> to an image.</summary>
    public Task TagAsync(string image, string newTag, CancellationToken cancellationToken)
    {
        var colon = newTag.LastIndexOf(':');
        return docker.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = newTag[..colon], Tag = newTag[(colon + 1)..], Force = true }, cancellationToken);
    }

    /// <summary>Keeps the newest <see cref="MaxKept"/> reusable images of a runner, untagging older ones.</summary>
    public async Task TrimAsync(string runnerId, CancellationToken cancellationToken)
    {
        var repository = $"{Repository}/{SafeName(runnerId)}";
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
            {
                ["reference"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [repository] = true },
            },
        }, cancellationToken).ConfigureAwait(false);
        foreach (var old in images.OrderByDescending(i => i.Created).Skip(MaxKept))
        {
            foreach (var tag in old.RepoTags.Where(t => t.StartsWith(repository + ":", StringComparison.Ordinal)))
            {
                try
                {
                    await docker.Images.DeleteImageAsync(tag, new ImageDeleteParameters(), cancellationToken).ConfigureAwait(false);
                }
                catch (DockerImageNotFoundException)
                {
                    // Trimmed concurrently by another job of this runner.
                }
            }
        }
    }

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex Unsafe();

    internal static string SafeName(string value)
    {
        var name = Unsafe().Replace(value.ToLowerInvariant(), "-").Trim('-', '.', '_');
        return name.Length == 0 ? "runner" : name[..Math.Min(name.Length, 64)];
    }
}

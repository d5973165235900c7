namespace Grader.Runner.Docker;

/// <param name="Size">Bytes the layer adds.</param>
/// <param name="CreatedBy">The Dockerfile instruction that created the layer (from the image history).</param>
public sealed record ImageLayer(long Size, string CreatedBy);

/// <param name="Layers">Layers, oldest first.</param>
public sealed record ImageDetails(string Id, string Tag, long Size, IReadOnlyList<ImageLayer> Layers, string? User, bool HasHealthcheck)
{
    /// <summary>The configured user resolved to the uid the image runs as; null when the inspector did not resolve it.</summary>
    public Dockerfiles.ImageUser? ResolvedUser { get; init; }

    /// <summary>The ports the image's configuration exposes, as the engine spells them (<c>8000/tcp</c>).</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    /// <summary>
    /// The user learner code from this image runs as: the image's own USER when it is known not to be root (code
    /// readable only by that user still runs), otherwise <paramref name="fallback"/> (nobody).
    /// </summary>
    public string RunAs(string fallback) => ResolvedUser is { Uid: > 0 } && !string.IsNullOrWhiteSpace(User) ? User! : fallback;
}

/// <summary>Reads an image's size and layer history.</summary>
public interface IImageInspector
{
    Task<ImageDetails> InspectAsync(string image, CancellationToken cancellationToken);
}

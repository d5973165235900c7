namespace Grader.Runner.Docker;

/// <param name="Size">Bytes the layer adds.</param>
/// <param name="CreatedBy">The Dockerfile instruction that created the layer (from the image history).</param>
public sealed record ImageLayer(long Size, string CreatedBy);

/// <param name="Layers">Layers, oldest first.</param>
public sealed record ImageDetails(string Id, string Tag, long Size, IReadOnlyList<ImageLayer> Layers, string? User, bool HasHealthcheck)
{
    /// <summary>The configured user resolved to the uid the image runs as; null when the inspector did not resolve it.</summary>
    public Dockerfiles.ImageUser? ResolvedUser { get; init; }
}

/// <summary>Reads an image's size and layer history.</summary>
public interface IImageInspector
{
    Task<ImageDetails> InspectAsync(string image, CancellationToken cancellationToken);
}

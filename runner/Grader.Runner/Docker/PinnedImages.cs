using System.Collections.Concurrent;
using Docker.DotNet;

namespace Grader.Runner.Docker;

/// <summary>
/// Resolves grader-owned images named by tag (the sandbox's helper, the hidden-test image) to image ids once and
/// runs them by id afterwards, so a tag moved later (a rebuilt or re-tagged image) cannot change what runs in a
/// job without the runner noticing. An id is used as given.
/// </summary>
internal sealed class PinnedImages(IDockerClient docker)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _ids = new(StringComparer.Ordinal);

    public static bool IsId(string reference) => reference.StartsWith("sha256:", StringComparison.Ordinal);

    public async Task<string> ResolveAsync(string reference, CancellationToken cancellationToken)
    {
        if (IsId(reference)) return reference;
        // The lookup is shared by concurrent callers, so it does not run on one caller's token.
        var lookup = _ids.GetOrAdd(reference, r => new Lazy<Task<string>>(() => InspectAsync(r)));
        try
        {
            return await lookup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lookup.Value.IsFaulted)
        {
            // A failed lookup is not kept: the next job tries again (e.g. after `grader images bootstrap`).
            _ids.TryRemove(KeyValuePair.Create(reference, lookup));
            throw;
        }
    }

    /// <summary>Drops a pinned id that no longer exists (the image was removed), so the next run resolves the tag again.</summary>
    public void Forget(string reference) => _ids.TryRemove(reference, out _);

    private async Task<string> InspectAsync(string reference)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            var image = await docker.Images.InspectImageAsync(reference, timeout.Token).ConfigureAwait(false);
            return image.ID;
        }
        catch (DockerImageNotFoundException e)
        {
            throw new GraderInfrastructureException($"The image {reference} is not on this runner (for the bundled images run `grader images bootstrap`).", e);
        }
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e) || e is OperationCanceledException)
        {
            throw new GraderInfrastructureException($"The Docker engine failed to look up the image {reference}: {e.Message}", e);
        }
    }
}

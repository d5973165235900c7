using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Grader.Runner.Docker;

/// <summary>
/// The layers a running build has committed, from the image ids its log names (<c> ---&gt; 3f2a…</c> after each step)
/// and the engine's own <c>aux</c> ids. Log text is learner-writable, so a named id is believed only when it extends
/// what is already known: a commit counts when its parent is a chain head of this build; a chain starts at a trusted
/// root (the Dockerfile's base images, resolved by name; an earlier stage; an <c>aux</c> id) or at a parentless image
/// made after the build started (the first commit on <c>scratch</c>). A forged id can therefore only make the build's
/// own count larger, never smaller. Own bytes = for each chain, head size minus root size.
/// </summary>
internal sealed class BuildLayerLedger(IDockerClient docker, DateTimeOffset buildStart, Func<CancellationToken, Task<IReadOnlyCollection<string>>> resolveBaseIds)
{
    private readonly ConcurrentQueue<(string Id, bool Trusted)> _offered = new();
    private readonly List<Chain> _chains = [];
    private readonly HashSet<string> _trustedRoots = new(StringComparer.Ordinal);
    private readonly HashSet<string> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImageInspectResponse?> _inspected = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _basesResolved;

    private sealed class Chain(string rootId, long rootSize, string headId, long headSize)
    {
        public string RootId { get; } = rootId;
        public long RootSize { get; } = rootSize;
        public string HeadId { get; set; } = headId;
        public long HeadSize { get; set; } = headSize;
    }

    /// <summary>When the build started (images made before it are never its own).</summary>
    public DateTimeOffset BuildStart => buildStart;

    /// <summary>An id the log names (any prefix the engine resolves); <paramref name="trusted"/> for the engine's <c>aux</c> field.</summary>
    public void Offer(string id, bool trusted) => _offered.Enqueue((id, trusted));

    /// <summary>Bytes this build has committed on top of its roots.</summary>
    public long OwnBytes
    {
        get
        {
            lock (_gate) return _chains.Sum(c => Math.Max(0, c.HeadSize - c.RootSize));
        }
    }

    /// <summary>Images this build committed (full ids): every one of them is this build's, none a base image.</summary>
    public IReadOnlyCollection<string> Committed
    {
        get
        {
            lock (_gate) return [.. _committed];
        }
    }

    /// <summary>The ids of every image the build's steps run on (roots and commits), to recognise its step containers.</summary>
    public bool Knows(string imageId)
    {
        lock (_gate) return _committed.Contains(imageId) || _chains.Any(c => c.RootId == imageId);
    }

    /// <summary>Reads the offered ids in order, inspecting each once.</summary>
    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        while (_offered.TryDequeue(out var offer))
        {
            var image = await InspectAsync(offer.Id, cancellationToken).ConfigureAwait(false);
            if (image is null) continue;
            if (offer.Trusted)
            {
                lock (_gate) _trustedRoots.Add(image.ID);
            }
            if (!Accept(image) && !_basesResolved)
            {
                // A base the engine pulled during the build: resolve the Dockerfile's base names now, then retry.
                _basesResolved = true;
                foreach (var id in await resolveBaseIds(cancellationToken).ConfigureAwait(false))
                {
                    lock (_gate) _trustedRoots.Add(id);
                }
                Accept(image);
            }
        }
    }

    /// <summary>Trusts the ids of the base images before the build starts.</summary>
    public void TrustRoots(IEnumerable<string> ids)
    {
        lock (_gate)
        {
            foreach (var id in ids) _trustedRoots.Add(id);
            _basesResolved = true;
        }
    }

    private bool Accept(ImageInspectResponse image)
    {
        lock (_gate)
        {
            var parent = image.Parent ?? "";
            var extended = parent.Length > 0 ? _chains.FirstOrDefault(c => c.HeadId == parent) : null;
            if (extended is not null)
            {
                extended.HeadId = image.ID;
                extended.HeadSize = image.Size;
                _committed.Add(image.ID);
                return true;
            }
            if (_chains.Any(c => c.HeadId == image.ID || c.RootId == image.ID)) return true;
            if (_trustedRoots.Contains(image.ID) || _committed.Contains(image.ID))
            {
                _chains.Add(new Chain(image.ID, image.Size, image.ID, image.Size));
                return true;
            }
            if (parent.Length == 0 && new DateTimeOffset(image.Created.ToUniversalTime(), TimeSpan.Zero) >= buildStart.AddSeconds(-2))
            {
                // The first commit of a stage FROM scratch: all of it is the build's own.
                _chains.Add(new Chain("scratch", 0, image.ID, image.Size));
                _committed.Add(image.ID);
                return true;
            }
            return false;
        }
    }

    private async Task<ImageInspectResponse?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        if (_inspected.TryGetValue(id, out var known)) return known;
        ImageInspectResponse? image;
        try
        {
            image = await docker.Images.InspectImageAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
            image = null; // not an image (forged or ambiguous text): ignored
        }
        _inspected[id] = image;
        return image;
    }
}

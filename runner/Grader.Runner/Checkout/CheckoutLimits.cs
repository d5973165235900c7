namespace Grader.Runner.Checkout;

/// <summary>
/// Bounds of a learner's repository and of the mirror cache (section "Grader:Runner:Checkout"). The commit's tree
/// is measured in memory against the tree limits before anything is written; a submission over a limit is
/// refused as the learner's failure (<see cref="SubmissionRefusedException"/>).
/// </summary>
public sealed class CheckoutLimits
{
    public const string SectionName = Pipeline.RunnerOptions.SectionName + ":" + nameof(Pipeline.RunnerOptions.Checkout);

    /// <summary>Files, folders and links of the submission together.</summary>
    public int MaxEntries { get; set; } = 50_000;

    /// <summary>Folder nesting: <c>a/b/c.txt</c> is 3 levels deep.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Bytes of all files written; a blob committed N times counts N times.</summary>
    public long MaxTotalBytes { get; set; } = 500_000_000;

    /// <summary>One file (GitHub itself refuses files over 100 MiB).</summary>
    public long MaxFileBytes { get; set; } = 100_000_000;

    /// <summary>UTF-8 bytes of a path relative to the submission (Linux allows 4096 for the whole path, 255 per name).</summary>
    public int MaxPathBytes { get; set; } = 1024;

    /// <summary>Symbolic links followed while resolving one link (Linux's own limit is 40); more means a loop.</summary>
    public int MaxLinkHops { get; set; } = 40;

    /// <summary>Bytes received by one fetch; a larger repository is refused while it downloads.</summary>
    public long MaxFetchBytes { get; set; } = 500_000_000;

    /// <summary>One repository's mirror; a mirror that grows past it is deleted after the checkout (the next one fetches afresh).</summary>
    public long MaxMirrorBytes { get; set; } = 1_000_000_000;

    /// <summary>All mirrors together; the least recently used ones are deleted after each checkout until they fit.</summary>
    public long MaxMirrorCacheBytes { get; set; } = 10_000_000_000;
}

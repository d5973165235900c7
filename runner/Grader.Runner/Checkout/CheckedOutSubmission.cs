namespace Grader.Runner.Checkout;

/// <summary>A submission ready to grade on the runner.</summary>
/// <param name="Directory">The submission's files (no .git folder for git submissions).</param>
/// <param name="CommitSha">The full SHA of the commit checked out; null for a plain folder.</param>
/// <param name="FetchedObjects">Objects received from the remote by this checkout (0 when the mirror had everything).</param>
/// <param name="Fetched">Whether the remote was contacted at all.</param>
public sealed record CheckedOutSubmission(string Directory, string? CommitSha, int FetchedObjects, bool Fetched)
{
    /// <summary>
    /// Full, without a trailing separator: every spelling of a folder (<c>passing/</c>, <c>./passing</c>) grades the same,
    /// and paths inside it are compared against one form.
    /// </summary>
    public string Directory { get; init; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Directory));

    /// <summary>Entries left out of the checkout and why (links leaving the submission or looping, unsafe names).</summary>
    public IReadOnlyList<string> Dropped { get; init; } = [];
}

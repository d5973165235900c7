namespace Grader.Runner.Checkout;

/// <summary>Where a submission comes from.</summary>
public abstract record SubmissionSource
{
    /// <summary>A description safe for logs and result.json (never a token).</summary>
    public abstract string Describe();
}

/// <summary>A folder graded as it is (no git).</summary>
public sealed record LocalFolderSubmission(string Path) : SubmissionSource
{
    public override string Describe() => System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(Path));
}

/// <summary>A repository on this machine; <paramref name="Revision"/> is a branch, tag or commit SHA (default HEAD).</summary>
public sealed record LocalRepositorySubmission(string Path, string? Revision = null) : SubmissionSource
{
    public override string Describe() => System.IO.Path.GetFullPath(Path) + (Revision is null ? "" : "@" + Revision);
}

/// <summary>
/// A repository reached by a clone URL (https://, file://). <paramref name="Ref"/> is the branch or tag to fetch,
/// <paramref name="CommitSha"/> the commit to grade (wins over <paramref name="Ref"/>'s tip when both are given).
/// </summary>
/// <param name="Token">GitHub-style access token (sent as Basic x-access-token:TOKEN); never logged or stored.</param>
public sealed record RemoteRepositorySubmission(Uri CloneUrl, string? Ref = null, string? CommitSha = null, string? Token = null) : SubmissionSource
{
    public override string Describe() =>
        SafeUrl(CloneUrl) + (CommitSha is not null ? "@" + CommitSha : Ref is not null ? "@" + Ref : "");

    /// <summary>The URL without any user info (user names and passwords in URLs are credentials too).</summary>
    public static string SafeUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(url.UserInfo)) return url.ToString();
        return new UriBuilder(url) { UserName = "", Password = "" }.Uri.ToString();
    }

    // Records print every property; keep the token out of ToString.
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("CloneUrl = ").Append(SafeUrl(CloneUrl)).Append(", Ref = ").Append(Ref).Append(", CommitSha = ").Append(CommitSha);
        return true;
    }
}

namespace Grader.Evidence.Recording;

/// <summary>
/// What a recording hook knows about a grading beyond the run itself: whose work it was and where it lives on GitHub.
/// The bot and the action know the pull request; <c>grader grade --record</c> knows what its options say.
/// </summary>
public sealed record SubmissionIdentity(string LearnerLogin, string Repository)
{
    public long? LearnerGitHubId { get; init; }
    public int? PullRequestNumber { get; init; }
    public string? PullRequestUrl { get; init; }

    /// <summary>The commit graded when the run has none (a workspace graded as a folder by the action).</summary>
    public string? HeadSha { get; init; }

    public string? ReviewUrl { get; init; }
    public string? CheckRunUrl { get; init; }
}

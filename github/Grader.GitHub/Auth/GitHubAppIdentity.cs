using Microsoft.Extensions.Options;
using Octokit;

namespace Grader.GitHub.Auth;

/// <summary>
/// Who Grader is on GitHub, from configuration: the App's id and its bot user. A check run or review counts as
/// Grader's only if this App made it; a name, an external id or a marker in a body can be copied by anyone (a
/// learner's review, another App installed on the learner's repository), so they only tell Grader's own apart.
/// </summary>
public sealed class GitHubAppIdentity(IOptions<GitHubAppOptions> options)
{
    /// <summary>The App's id, as GitHub reports it in <c>check_run.app.id</c>.</summary>
    public long AppId => options.Value.AppId > 0
        ? options.Value.AppId
        : throw new InvalidOperationException("The GitHub App's id is not configured (github.app_id, Grader__GitHub__AppId); without it Grader cannot tell its own check runs from others'.");

    /// <summary>The login of the App's bot user, author of its reviews: <c>{slug}[bot]</c>.</summary>
    public string BotLogin => options.Value.AppSlug is { Length: > 0 } slug
        ? slug + "[bot]"
        : throw new InvalidOperationException("The GitHub App's slug is not configured (bot.app_slug or github.app_slug); without it Grader cannot tell its own reviews from others'.");

    /// <summary>True when this App created the check run.</summary>
    public bool Created(CheckRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.App is { } app && app.Id == AppId;
    }

    /// <summary>True when the App's bot user wrote the review (a user named like it is not a bot account).</summary>
    public bool Authored(PullRequestReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return review.User is { Type: AccountType.Bot } user && string.Equals(user.Login, BotLogin, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when the App's bot user wrote the comment.</summary>
    public bool Authored(IssueComment comment)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return comment.User is { Type: AccountType.Bot } user && string.Equals(user.Login, BotLogin, StringComparison.OrdinalIgnoreCase);
    }
}

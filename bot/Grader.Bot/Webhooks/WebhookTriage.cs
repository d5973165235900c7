namespace Grader.Bot.Webhooks;

/// <summary>
/// The decision taken while the sender waits: which deliveries the bot will act on. Only cheap checks
/// on the payload (event, action, sender); those that need configuration or the GitHub API run later
/// in the dispatcher.
/// </summary>
public static class WebhookTriage
{
    private static readonly HashSet<string> PullRequestActions = new(StringComparer.Ordinal)
    {
        "opened", "synchronize", "reopened", "ready_for_review", "closed",
    };

    /// <summary>Null when the delivery is accepted; otherwise why it is ignored.</summary>
    public static string? IgnoreReason(string eventName, WebhookEnvelope envelope, string appSlug)
    {
        if (IsFromThisApp(envelope.Sender, appSlug))
        {
            return "sent by this app";
        }

        return eventName switch
        {
            "ping" => "ping",
            "pull_request" when envelope.PullRequest is null || envelope.Repository is null => "pull_request without pull_request or repository",
            "pull_request" when envelope.Action is null || !PullRequestActions.Contains(envelope.Action) => $"pull_request action '{envelope.Action}' not handled",
            "pull_request" => null,
            "issue_comment" when envelope.Action != "created" => $"issue_comment action '{envelope.Action}' not handled",
            "issue_comment" when envelope.Issue is not { IsPullRequest: true } => "comment on an issue, not a pull request",
            "issue_comment" when GradeComment.Parse(envelope.Comment?.Body) is null => "comment is not a /grade command",
            "issue_comment" => null,
            "check_run" when envelope.Action != "rerequested" => $"check_run action '{envelope.Action}' not handled",
            "check_run" when envelope.CheckRun?.PullRequests is not { Count: > 0 } => "check run without a pull request",
            "check_run" => null,
            "installation" or "installation_repositories" when envelope.Installation is null => "installation event without installation",
            "installation" or "installation_repositories" => null,
            _ => $"event '{eventName}' not handled",
        };
    }

    /// <summary>GitHub Apps act as <c>{slug}[bot]</c>, a user of type Bot.</summary>
    public static bool IsFromThisApp(UserRef? sender, string appSlug) =>
        sender is { Type: "Bot" }
        && string.Equals(sender.Login, appSlug + "[bot]", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A <c>/grade</c> or <c>/regrade</c> comment command.</summary>
public enum GradeCommandKind
{
    Grade,
    Regrade,
}

public static class GradeComment
{
    /// <summary>The command on the comment's first line, or null.</summary>
    public static GradeCommandKind? Parse(string? body)
    {
        if (body is null)
        {
            return null;
        }

        var firstLine = body.AsSpan().TrimStart();
        var end = firstLine.IndexOfAny('\r', '\n');
        var line = (end < 0 ? firstLine : firstLine[..end]).TrimEnd();
        var word = line.IndexOf(' ') is var space and >= 0 ? line[..space] : line;
        return word switch
        {
            "/grade" => GradeCommandKind.Grade,
            "/regrade" => GradeCommandKind.Regrade,
            _ => null,
        };
    }
}

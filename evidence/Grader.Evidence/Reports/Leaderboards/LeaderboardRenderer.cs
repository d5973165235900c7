using System.Globalization;
using System.Net;
using System.Text;
using Grader.Evidence.Reports.Exports;

namespace Grader.Evidence.Reports.Leaderboards;

/// <summary>
/// A leaderboard as Markdown (for a course page or an issue) and as one self-contained HTML page (the report's CSS,
/// no script, and a content security policy that runs none). Names, titles and values are text: escaped for each.
/// </summary>
public static class LeaderboardRenderer
{
    public static IReadOnlyList<string> Formats => ["md", "html"];

    public static string Render(ModuleLeaderboard board, string format) => format switch
    {
        "md" or "markdown" => Markdown(board),
        "html" => Html(board),
        _ => throw new ArgumentException($"'{format}' is not a leaderboard format; use md or html", nameof(format)),
    };

    public static string Markdown(ModuleLeaderboard board)
    {
        ArgumentNullException.ThrowIfNull(board);
        var md = new StringBuilder();
        md.Append("# Leaderboard: ").Append(Md(board.ModuleTitle)).Append(" (").Append(Md(board.ModuleId)).Append(")\n\n");
        md.Append(Md(Describe(board))).Append("\n\n");
        if (board.Entries.Count == 0)
        {
            md.Append("No verified result yet.\n");
        }
        else
        {
            md.Append("| # | Learner | ").Append(Md(board.CriterionTitle)).Append(" | Commit | Graded (UTC) |\n|---:|---|---:|---|---|\n");
            foreach (var e in board.Entries)
            {
                var commit = e.Link is { } link ? $"[`{e.ShortSha}`]({MdUrl(link)})" : $"`{e.ShortSha}`";
                if (e.PullRequestNumber is { } pr) commit += $" (PR \\#{pr})";
                md.Append("| ").Append(e.Rank.ToString(CultureInfo.InvariantCulture)).Append(" | ").Append(e.Anonymous ? "*anonymous*" : Md(e.Name))
                    .Append(" | ").Append(Md(e.ValueText)).Append(" | ").Append(commit).Append(" | ").Append(When(e.GradedAt)).Append(" |\n");
            }
        }
        md.Append('\n').Append(Md(Footer(board))).Append('\n');
        return md.ToString();
    }

    public static string Html(ModuleLeaderboard board)
    {
        ArgumentNullException.ThrowIfNull(board);
        var html = new StringBuilder();
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
            .Append("<link rel=\"icon\" href=\"data:,\"><title>Leaderboard: ").Append(E(board.ModuleTitle)).Append("</title><style>")
            .Append(HtmlExporter.Resource("report.css")).Append("</style></head><body>\n");
        html.Append("<header><h1>Leaderboard: ").Append(E(board.ModuleTitle)).Append(" <span class=\"muted\">").Append(E(board.ModuleId)).Append("</span></h1>")
            .Append("<p class=\"muted\">").Append(E(Describe(board))).Append("</p></header>\n");
        if (board.Entries.Count == 0)
        {
            html.Append("<p id=\"empty\">No verified result yet.</p>\n");
        }
        else
        {
            html.Append("<table id=\"leaderboard\"><thead><tr><th class=\"num\">#</th><th>Learner</th><th class=\"num\">").Append(E(board.CriterionTitle))
                .Append("</th><th>Commit</th><th>Graded (UTC)</th></tr></thead><tbody>\n");
            foreach (var e in board.Entries)
            {
                html.Append("<tr><td class=\"num\">").Append(e.Rank.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"learner\">")
                    .Append(e.Anonymous ? "<i class=\"muted\">anonymous</i>" : E(e.Name)).Append("</td><td class=\"num\" data-value=\"")
                    .Append(e.Value.Value.ToString("R", CultureInfo.InvariantCulture)).Append("\">").Append(E(e.ValueText)).Append("</td><td>");
                if (e.Link is { } link) html.Append("<a href=\"").Append(E(link)).Append("\"><code>").Append(E(e.ShortSha)).Append("</code></a>");
                else html.Append("<code>").Append(E(e.ShortSha)).Append("</code>");
                if (e.PullRequestNumber is { } pr) html.Append(" <span class=\"muted\">PR #").Append(pr.ToString(CultureInfo.InvariantCulture)).Append("</span>");
                html.Append("</td><td>").Append(When(e.GradedAt)).Append("</td></tr>\n");
            }
            html.Append("</tbody></table>\n");
        }
        html.Append("<p class=\"muted small\" id=\"footer\">").Append(E(Footer(board))).Append("</p>\n</body></html>\n");
        return html.ToString();
    }

    private static string Describe(ModuleLeaderboard board) =>
        $"Best verified result per learner of criterion '{board.Settings.Criterion}' ({board.CriterionTitle}), " +
        $"{(board.HigherIsBetter ? "higher" : "lower")} is better{(board.Unit.Length > 0 ? $", compared in {board.Unit}" : "")}. " +
        "Only complete gradings whose signature checks against the store's key count.";

    private static string Footer(ModuleLeaderboard board)
    {
        var x = board.Excluded;
        var parts = new List<string>();
        if (x.Unverified > 0) parts.Add($"{x.Unverified} not verified");
        if (x.Incomplete > 0) parts.Add($"{x.Incomplete} incomplete (grader errors)");
        if (x.NotMeasured > 0) parts.Add($"{x.NotMeasured} without a measured value");
        if (x.OtherUnit > 0) parts.Add($"{x.OtherUnit} in another unit");
        var left = parts.Count == 0 ? "No record was left out." : $"Left out: {string.Join(", ", parts)}.";
        return $"{left} Verified with key {board.KeyId}. Generated {When(board.GeneratedAt)} UTC.";
    }

    /// <summary>A link target that cannot end the link early or carry markup: the URI's escaped form, parentheses escaped too.</summary>
    private static string MdUrl(string link) =>
        (Uri.TryCreate(link, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : Uri.EscapeDataString(link))
            .Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)
            .Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal);

    private static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Markdown text: HTML's specials as entities (renderers pass raw HTML through), Markdown's punctuation backslashed, one line.</summary>
    internal static string Md(string text)
    {
        var md = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': md.Append("&amp;"); break;
                case '<': md.Append("&lt;"); break;
                case '>': md.Append("&gt;"); break;
                case '\r' or '\n' or '\t': md.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '|' or '!' or '~' or '{' or '}': md.Append('\\').Append(c); break;
                default:
                    if (!char.IsControl(c)) md.Append(c);
                    break;
            }
        }
        return md.ToString();
    }
}

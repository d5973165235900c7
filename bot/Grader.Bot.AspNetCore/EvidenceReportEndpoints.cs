using System.Globalization;
using System.Net;
using Grader.Bot.Hosting;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Reports.Leaderboards;

namespace Grader.Bot.AspNetCore;

/// <summary>
/// <c>/reports</c>: a small page for program leads, <c>/reports/export</c> serving every export format and
/// <c>/reports/leaderboard?module=</c> (a module's opt-in leaderboard, HTML or <c>format=md</c>), all behind the dashboard
/// token (bearer, or the basic-auth password). Not mapped without a token.
/// </summary>
public static class EvidenceReportEndpoints
{
    public static WebApplication MapEvidenceReports(this WebApplication app, string token)
    {
        ArgumentNullException.ThrowIfNull(app);
        var authorization = new TokenDashboardAuthorizationFilter(token);
        var reports = app.MapGroup("/reports").AddEndpointFilter(async (context, next) =>
            authorization.Authorize(context.HttpContext) ? await next(context).ConfigureAwait(false) : Results.Unauthorized());
        reports.MapGet("", (BotEvidenceStore store) => store.Enabled ? Results.Content(Page(), "text/html; charset=utf-8") : Results.NotFound());
        reports.MapGet("/export", ExportAsync);
        reports.MapGet("/leaderboard", LeaderboardAsync);
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, BotEvidenceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!store.Enabled) return Results.NotFound();
        var query = http.Request.Query;
        var exporter = ReportExports.Find(query["format"].ToString() is { Length: > 0 } f ? f : "html");
        if (exporter is null) return Results.BadRequest($"format must be one of {string.Join(", ", ReportExports.Formats)}");
        DateTimeOffset? since = null, until = null;
        if (!TryTime(query["since"], out since) || !TryTime(query["until"], out until)) return Results.BadRequest("since and until are dates or times, e.g. 2026-11-01");
        var filter = new ReportFilter
        {
            Cohort = Empty(query["cohort"]),
            ModuleId = Empty(query["module"]),
            Learner = Empty(query["learner"]),
            Since = since,
            Until = until,
        };
        using var key = exporter is OpenBadgesExporter ? store.LoadKey() : null;
        if (exporter is OpenBadgesExporter && key is null) return Results.Problem("No evidence signing key yet: nothing has been recorded.", statusCode: 409);
        var database = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        http.Response.ContentType = exporter.ContentType;
        var name = string.Create(CultureInfo.InvariantCulture, $"grader-{exporter.Format}-{time.GetUtcNow():yyyyMMdd-HHmm}{exporter.Extension}");
        if (exporter.Format != "html") http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        await ReportExports.ExportAsync(database, exporter, filter, new ExportSettings(), key, http.Response.Body, time, cancellationToken).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>404 with the reason when the module publishes no leaderboard (or has no verified evidence).</summary>
    private static async Task<IResult> LeaderboardAsync(HttpContext http, BotEvidenceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!store.Enabled) return Results.NotFound();
        var query = http.Request.Query;
        if (Empty(query["module"]) is not { } module) return Results.BadRequest("module is required, e.g. /reports/leaderboard?module=MOD-523");
        var format = Empty(query["format"]) ?? "html";
        if (!LeaderboardRenderer.Formats.Contains(format)) return Results.BadRequest($"format must be one of {string.Join(", ", LeaderboardRenderer.Formats)}");
        // Verified means: signed by this bot's key. No key yet: nothing was recorded.
        using var key = store.LoadKey();
        if (key is null) return Results.Text($"Module '{module}' has no evidence, so no leaderboard.", "text/plain; charset=utf-8", statusCode: 404);
        var database = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        var result = await LeaderboardBuilder.LoadAsync(database, module, key, time, cancellationToken).ConfigureAwait(false);
        if (result.Board is not { } board) return Results.Text(result.Reason, "text/plain; charset=utf-8", statusCode: 404);
        return format == "md"
            ? Results.Text(LeaderboardRenderer.Markdown(board), "text/markdown; charset=utf-8")
            : Results.Content(LeaderboardRenderer.Html(board), "text/html; charset=utf-8");
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool TryTime(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        value = parsed;
        return true;
    }

    private static string Page()
    {
        var formats = string.Join("", ReportExports.Formats.Select(f => $"<option>{WebUtility.HtmlEncode(f)}</option>"));
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Grader reports</title>" +
               "<style>body{font:15px system-ui,sans-serif;margin:32px;max-width:760px}label{display:block;margin:8px 0}input,select{font:inherit;margin-left:8px}</style></head><body>" +
               "<h1>Competency evidence</h1><p>Exports of the evidence this bot recorded, joined to the roster. The HTML report opens in the browser; the others download.</p>" +
               "<form action=\"reports/export\" method=\"get\">" +
               $"<label>Format<select name=\"format\">{formats}</select></label>" +
               "<label>Cohort<input name=\"cohort\"></label><label>Module<input name=\"module\"></label>" +
               "<label>Learner (id, login or email)<input name=\"learner\"></label>" +
               "<label>Since<input name=\"since\" type=\"date\"></label><label>Until<input name=\"until\" type=\"date\"></label>" +
               "<button type=\"submit\">Export</button></form>" +
               "<h2>Leaderboards</h2><form action=\"reports/leaderboard\" method=\"get\"><label>Module<input name=\"module\" required></label>" +
               "<label>Format<select name=\"format\"><option>html</option><option>md</option></select></label><button type=\"submit\">Show</button></form>" +
               "<p><small>The <code>json</code> export is verifiable offline: <code>grader report verify --key &lt;public key&gt; &lt;file&gt;</code>.</small></p></body></html>";
    }
}

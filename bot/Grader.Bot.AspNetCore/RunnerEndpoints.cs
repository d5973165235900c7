using System.Net;
using System.Text;
using Grader.Bot.Configuration;
using Grader.Bot.Fleet;
using Grader.Bot.Storage;
using Microsoft.Extensions.Options;

namespace Grader.Bot.AspNetCore;

/// <summary>
/// <c>/runners</c>: the fleet registry for operators, behind the dashboard token: each runner's state, queues, GPUs,
/// heartbeat and running jobs, as an HTML table or JSON (<c>?format=json</c>); the same view as <c>grader-server runners</c>.
/// </summary>
public static class RunnerEndpoints
{
    public static WebApplication MapRunners(this WebApplication app, string token)
    {
        ArgumentNullException.ThrowIfNull(app);
        var authorization = new TokenDashboardAuthorizationFilter(token);
        app.MapGet("/runners", async (HttpContext http, GraderStore store, IOptions<BotOptions> bot, TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (!authorization.Authorize(http)) return Results.Unauthorized();
            var now = time.GetUtcNow();
            var runners = (await store.GetRunnersAsync(cancellationToken).ConfigureAwait(false))
                .Select(r => RunnerView.From(r, now, bot.Value.RunnerHeartbeatInterval)).ToList();
            return http.Request.Query["format"] == "json" ? Results.Json(runners) : Results.Content(Page(runners), "text/html; charset=utf-8");
        });
        return app;
    }

    private static string Page(IReadOnlyList<RunnerView> runners)
    {
        var html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Grader runners</title>")
            .Append("<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head><body>")
            .Append("<h1>Runners</h1>");
        if (runners.Count == 0)
        {
            return html.Append("<p>No runner has registered. Start one with <code>grader-server work --config FILE --queues cpu</code>.</p></body></html>").ToString();
        }

        html.Append("<table><thead><tr><th>Runner</th><th>Host</th><th>State</th><th>Queues</th><th>Concurrency</th><th>GPUs</th><th>Heartbeat</th><th>Running</th></tr></thead><tbody>");
        foreach (var r in runners)
        {
            html.Append("<tr><td>").Append(Encode(r.RunnerId)).Append("</td><td>").Append(Encode(r.Host)).Append("</td><td>").Append(Encode(r.State))
                .Append("</td><td>").Append(Encode(string.Join(", ", r.Queues))).Append("</td><td>").Append(r.Concurrency)
                .Append("</td><td>").Append(Encode(r.Gpus.Count == 0 ? "none" : string.Join("; ", r.Gpus)))
                .Append("</td><td>").Append(r.HeartbeatSecondsAgo).Append(" s ago</td><td>").Append(Encode(r.RunningJobs.Count == 0 ? "-" : string.Join(", ", r.RunningJobs)))
                .Append("</td></tr>");
        }
        return html.Append("</tbody></table></body></html>").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}

using System.Globalization;
using System.Net;
using Grader.Bot.Configuration;
using Grader.Bot.Integration;
using Grader.Evidence.Recording;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Microsoft.Extensions.Options;

namespace Grader.Bot.AspNetCore;

/// <summary>
/// The bot's evidence store for reports, opened (and migrated) when the host starts, so an unreachable PostgreSQL or a
/// schema newer than the binary stops the start with its message instead of failing the first report.
/// </summary>
public sealed class BotEvidenceStore(IOptions<BotOptions> options, ILogger<BotEvidenceStore> logger) : IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EvidenceDatabase? _database;

    public EvidenceOptions Settings { get; } = options.Value.Evidence.For(options.Value);

    public bool Enabled => options.Value.Evidence.Enabled;

    public async Task<EvidenceDatabase> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _database ??= await EvidenceDatabase.OpenAsync(Settings.Database(), logger, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The signing key for exports that issue credentials, when one exists (the recorder creates it beside a SQLite store).</summary>
    public EvidenceSigningKey? LoadKey()
    {
        var path = Settings.EffectiveKeyPath();
        return File.Exists(path) ? EvidenceSigningKey.Load(path) : null;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled) await GetAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

/// <summary>
/// <c>/reports</c>: a small page for program leads and <c>/reports/export</c> serving every export format, both behind
/// the dashboard token (bearer, or the basic-auth password). Not mapped without a token.
/// </summary>
public static class EvidenceReportEndpoints
{
    public static IServiceCollection AddBotEvidence(this IServiceCollection services)
    {
        services.AddSingleton<BotEvidenceStore>();
        services.AddHostedService(sp => sp.GetRequiredService<BotEvidenceStore>());
        services.AddGradingEvidence();
        return services;
    }

    public static WebApplication MapEvidenceReports(this WebApplication app, string token)
    {
        ArgumentNullException.ThrowIfNull(app);
        var authorization = new TokenDashboardAuthorizationFilter(token);
        var reports = app.MapGroup("/reports").AddEndpointFilter(async (context, next) =>
            authorization.Authorize(context.HttpContext) ? await next(context).ConfigureAwait(false) : Results.Unauthorized());
        reports.MapGet("", (BotEvidenceStore store) => store.Enabled ? Results.Content(Page(), "text/html; charset=utf-8") : Results.NotFound());
        reports.MapGet("/export", ExportAsync);
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
               "<p><small>The <code>json</code> export is verifiable offline: <code>grader report verify --key &lt;public key&gt; &lt;file&gt;</code>.</small></p></body></html>";
    }
}

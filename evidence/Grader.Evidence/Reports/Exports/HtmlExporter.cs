using System.Globalization;
using System.Text;
using System.Text.Json;
using Grader.Evidence.Model;
using Grader.Evidence.Store;

namespace Grader.Evidence.Reports.Exports;

/// <summary>
/// One self-contained HTML file (inline CSS, JS and SVG; nothing fetched): summary, competency matrix (learner x
/// competency, the highest level shown, each cell linking to the pull request or commit that showed it), module
/// completion per learner, score distributions per module and criterion, the criteria most often failed, and a
/// one-page learner profile. The learner tables are filtered, grouped and paginated in the browser, so 2,000 learners
/// stay usable; the charts are drawn on the server and print as they are.
/// </summary>
public sealed class HtmlExporter : IReportExporter
{
    private const int MostFailedPerModule = 5;

    public string Format => "html";
    public string Extension => ".html";
    public string ContentType => "text/html; charset=utf-8";
    public bool NeedsRecordJson => true;

    public async Task WriteAsync(ExportContext context, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.Data;
        var attempts = data.Latest.Select(r => (Row: r, Record: r.Record())).ToList();
        var competencyNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in attempts.SelectMany(a => a.Record.Competencies)) competencyNames.TryAdd(c.Id, c.Name);
        var competencies = competencyNames.OrderBy(c => c.Value, StringComparer.Ordinal).Select(c => c.Key).ToList();

        var html = new StringBuilder(1 << 20);
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<link rel=\"icon\" href=\"data:,\"><title>Competency evidence report</title><style>").Append(Resource("report.css")).Append("</style></head><body>\n");
        Header(html, data);
        Summary(html, data, attempts.Count);
        LearnerTables(html);
        Charts(html, data, attempts);
        MostFailed(html, data, attempts);
        html.Append("<section id=\"profile\" hidden></section>\n");
        html.Append("<script id=\"report-data\" type=\"application/json\">");
        html.Append(IslandJson(data, attempts, competencies, competencyNames));
        html.Append("</script>\n<script>").Append(Resource("report.js")).Append("</script>\n</body></html>\n");

        var bytes = Encoding.UTF8.GetBytes(html.ToString());
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static void Header(StringBuilder html, ReportData data)
    {
        var f = data.Filter;
        var scope = new List<string>();
        if (f.Cohort is not null) scope.Add("cohort " + f.Cohort);
        if (f.ModuleId is not null) scope.Add("module " + f.ModuleId);
        if (f.Learner is not null) scope.Add("learner " + f.Learner);
        if (f.Since is not null) scope.Add("since " + f.Since.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (f.Until is not null) scope.Add("until " + f.Until.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        html.Append("<header><h1>Competency evidence report</h1><p class=\"muted\">Generated ")
            .Append(E(data.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
            .Append(" · ").Append(E(scope.Count == 0 ? "all learners, all modules" : string.Join(", ", scope))).Append("</p>")
            .Append("<p class=\"small muted\" id=\"selection\">").Append(E(ReportText.Selection)).Append("</p></header>\n");
    }

    private static void Summary(StringBuilder html, ReportData data, int attempts)
    {
        var onRoster = data.Learners.Count(l => l.Status != RosterStatus.NotOnRoster);
        var cards = new (string Id, string Label, int Value)[]
        {
            ("learners", "learners", data.Learners.Count),
            ("on-roster", "on the roster", onRoster),
            ("no-submission", "no submission", data.Learners.Count(l => l.Status == RosterStatus.NoSubmission)),
            ("not-on-roster", "not on the roster", data.Learners.Count(l => l.Status == RosterStatus.NotOnRoster)),
            ("attempts", "attempts (latest per commit)", attempts),
            ("passed-modules", "modules passed (best per learner)", data.Best.Values.Count(r => r.Passed)),
            ("grader-errors", "grader errors (not counted)", data.Rows.Count(r => !r.Complete)),
        };
        html.Append("<section id=\"summary\" class=\"cards\">");
        foreach (var (id, label, value) in cards)
        {
            html.Append("<div class=\"card\" id=\"card-").Append(id).Append("\"><b data-value=\"").Append(value.ToString(CultureInfo.InvariantCulture)).Append("\">")
                .Append(value.ToString("N0", CultureInfo.InvariantCulture)).Append("</b>").Append(E(label)).Append("</div>");
        }
        html.Append("</section>\n");
    }

    private static void LearnerTables(StringBuilder html)
    {
        const string Controls =
            "<div class=\"controls\"><input id=\"f-text\" type=\"search\" placeholder=\"Filter by name, login, id, cohort\" aria-label=\"Filter learners\">" +
            "<select id=\"f-cohort\" aria-label=\"Cohort\"><option value=\"\">All cohorts</option></select>" +
            "<select id=\"f-status\" aria-label=\"Status\"><option value=\"\">Any status</option><option>submitted</option><option>no submission</option><option>not on roster</option></select>" +
            "<select id=\"f-group\" aria-label=\"Group by\"><option value=\"none\">No grouping</option><option value=\"cohort\">Group by cohort</option><option value=\"status\">Group by status</option></select>" +
            "<select id=\"f-size\" aria-label=\"Page size\"><option>25</option><option selected>50</option><option>100</option><option>500</option></select></div>";
        const string Pager = "<div class=\"pager\"><button type=\"button\" data-step=\"prev\">‹ Previous</button><span class=\"pager-info\"></span><button type=\"button\" data-step=\"next\">Next ›</button></div>";
        html.Append("<section id=\"learners\"><h2>Competency matrix</h2><p class=\"small muted\">Highest level each learner has shown per competency across their attempts; a cell links to the pull request (or commit) that showed it. Click a learner for their profile.</p>")
            .Append(Controls).Append(Pager).Append("<table id=\"matrix-table\"></table>")
            .Append("<h2>Module completion</h2><p class=\"small muted\">Points of each learner's best attempt per module; green: passed.</p>")
            .Append(Pager).Append("<table id=\"completion-table\"></table></section>\n");
    }

    private static void Charts(StringBuilder html, ReportData data, IReadOnlyList<(EvidenceRow Row, EvidenceRecord Record)> attempts)
    {
        html.Append("<section id=\"distribution\"><h2>Score distribution</h2><p class=\"small muted\">Per module: attempts by score (share of points); per criterion: attempts met, partly met and not met.</p>")
            .Append("<p class=\"legend small\"><span><i class=\"sw\" style=\"background:#1a7f37\"></i>met</span><span><i class=\"sw\" style=\"background:#d69e2e\"></i>partial</span><span><i class=\"sw\" style=\"background:#c53030\"></i>not met</span></p><div class=\"charts\">");
        foreach (var module in data.Modules)
        {
            var mine = attempts.Where(a => a.Row.ModuleId == module.Id).ToList();
            if (mine.Count == 0) continue;
            html.Append("<div class=\"chart\" data-module=\"").Append(E(module.Id)).Append("\"><h3>").Append(E(module.Id)).Append(" · ").Append(E(module.Title))
                .Append(" <span class=\"muted small\">(").Append(mine.Count.ToString(CultureInfo.InvariantCulture)).Append(" attempts)</span></h3>");
            Histogram(html, mine.Select(a => a.Record.MaxPoints > 0 ? a.Record.Points / a.Record.MaxPoints : 0).ToList());
            CriteriaBars(html, mine.Select(a => a.Record).ToList());
            html.Append("</div>");
        }
        html.Append("</div></section>\n");
    }

    private static void Histogram(StringBuilder html, IReadOnlyList<double> fractions)
    {
        var bins = new int[10];
        foreach (var f in fractions) bins[Math.Clamp((int)(f * 10), 0, 9)]++;
        var max = Math.Max(1, bins.Max());
        const int W = 400, H = 140, Left = 30, Bottom = 20;
        var barWidth = (W - Left) / 10.0;
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"histogram\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Attempts by score\">");
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{H - Bottom}\" x2=\"{W}\" y2=\"{H - Bottom}\" stroke=\"#999\"/>");
        for (var i = 0; i < 10; i++)
        {
            var h = (H - Bottom - 10) * bins[i] / (double)max;
            var x = Left + i * barWidth;
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" data-count=\"{bins[i]}\" x=\"{x + 2:0.#}\" y=\"{H - Bottom - h:0.#}\" width=\"{barWidth - 4:0.#}\" height=\"{h:0.#}\" fill=\"#2f6fb3\"><title>{i * 10}–{i * 10 + 10}%: {bins[i]}</title></rect>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2:0.#}\" y=\"{H - 6}\" font-size=\"9\" text-anchor=\"middle\">{i * 10}</text>");
        }
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"12\" font-size=\"9\">{max}</text></svg>");
    }

    private static void CriteriaBars(StringBuilder html, IReadOnlyList<EvidenceRecord> records)
    {
        var criteria = records.SelectMany(r => r.Criteria).Where(c => c.Outcome != "grader_error")
            .GroupBy(c => c.Id, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Title: g.Last().Title, Met: g.Count(c => c.Outcome == "met"), Partial: g.Count(c => c.Outcome == "partial"), NotMet: g.Count(c => c.Outcome == "not_met")))
            .ToList();
        if (criteria.Count == 0) return;
        const int W = 400, Row = 18, Label = 150;
        var h = criteria.Count * Row + 4;
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"criteria\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"Criteria outcomes\">");
        var y = 2;
        foreach (var c in criteria)
        {
            var total = Math.Max(1, c.Met + c.Partial + c.NotMet);
            var x = (double)Label;
            var title = c.Title.Length > 26 ? c.Title[..25] + "…" : c.Title;
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 12}\" font-size=\"10\">{E(title)}<title>{E(c.Title)}</title></text>");
            foreach (var (count, color, name) in new[] { (c.Met, "#1a7f37", "met"), (c.Partial, "#d69e2e", "partial"), (c.NotMet, "#c53030", "not met") })
            {
                var w = (W - Label) * count / (double)total;
                if (count > 0)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<rect class=\"seg\" data-criterion=\"{E(c.Id)}\" data-outcome=\"{name}\" data-count=\"{count}\" x=\"{x:0.#}\" y=\"{y}\" width=\"{w:0.#}\" height=\"{Row - 4}\" fill=\"{color}\"><title>{E(c.Title)}: {count} {name}</title></rect>");
                }
                x += w;
            }
            y += Row;
        }
        html.Append("</svg>");
    }

    private static void MostFailed(StringBuilder html, ReportData data, IReadOnlyList<(EvidenceRow Row, EvidenceRecord Record)> attempts)
    {
        html.Append("<section id=\"most-failed\"><h2>Criteria most often failed</h2><p class=\"small muted\">Per module, the criteria not met or only partly met in the largest share of attempts: what to teach better.</p>")
            .Append("<table><thead><tr><th>Module</th><th>Criterion</th><th class=\"num\">Failed or partial</th><th class=\"num\">Attempts</th><th class=\"num\">Share</th></tr></thead><tbody>");
        foreach (var module in data.Modules)
        {
            var rows = attempts.Where(a => a.Row.ModuleId == module.Id).SelectMany(a => a.Record.Criteria).Where(c => c.Outcome != "grader_error")
                .GroupBy(c => c.Id, StringComparer.Ordinal)
                .Select(g => (Id: g.Key, Title: g.Last().Title, Failed: g.Count(c => c.Outcome is "not_met" or "partial"), Total: g.Count()))
                .Where(x => x.Failed > 0)
                .OrderByDescending(x => (double)x.Failed / x.Total).ThenBy(x => x.Id, StringComparer.Ordinal)
                .Take(MostFailedPerModule);
            foreach (var r in rows)
            {
                html.Append("<tr data-module=\"").Append(E(module.Id)).Append("\" data-criterion=\"").Append(E(r.Id)).Append("\"><td>").Append(E(module.Id)).Append("</td><td>").Append(E(r.Title))
                    .Append(CultureInfo.InvariantCulture, $"</td><td class=\"num\">{r.Failed}</td><td class=\"num\">{r.Total}</td><td class=\"num\">{100.0 * r.Failed / r.Total:0}%</td></tr>");
            }
        }
        html.Append("</tbody></table></section>\n");
    }

    /// <summary>The data the page's script renders the learner tables from (default JSON escaping keeps &lt;/script&gt; out).</summary>
    private static string IslandJson(ReportData data, IReadOnlyList<(EvidenceRow Row, EvidenceRecord Record)> attempts, IReadOnlyList<string> competencies, IReadOnlyDictionary<string, string> names)
    {
        // Highest level per (learner, competency) across attempts; the earliest attempt that showed it is the evidence.
        var highest = new Dictionary<(string, string), (int Rank, EvidenceRow Row)>();
        foreach (var (row, record) in attempts.OrderBy(a => a.Row.GradedAt))
        {
            var learner = data.LearnerOf(row).Key;
            foreach (var c in record.Competencies)
            {
                if (!highest.TryGetValue((learner, c.Id), out var current) || c.Rank > current.Rank) highest[(learner, c.Id)] = (c.Rank, row);
            }
        }
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("modules");
            foreach (var m in data.Modules)
            {
                json.WriteStartObject();
                json.WriteString("id", m.Id);
                json.WriteString("title", m.Title);
                json.WriteNumber("max", m.MaxPoints);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("competencies");
            foreach (var id in competencies)
            {
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteString("name", names[id]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("learners");
            var index = 0;
            int? profile = null;
            foreach (var l in data.Learners)
            {
                if (data.Filter.Learner is not null && data.Learners.Count == 1) profile = index;
                json.WriteStartObject();
                json.WriteNumber("i", index++);
                json.WriteString("name", l.Name);
                if (l.LearnerId is not null) json.WriteString("id", l.LearnerId);
                if (l.Login is not null) json.WriteString("login", l.Login);
                if (l.Cohort is not null) json.WriteString("cohort", l.Cohort);
                json.WriteString("status", ReportLearner.StatusText(l.Status));
                json.WriteStartArray("levels");
                foreach (var id in competencies)
                {
                    if (highest.TryGetValue((l.Key, id), out var h))
                    {
                        json.WriteStartArray();
                        json.WriteNumberValue(h.Rank);
                        json.WriteStringValue(LinkOf(h.Row));
                        json.WriteStringValue(h.Row.ModuleId);
                        json.WriteStringValue(Short(h.Row.HeadSha));
                        json.WriteEndArray();
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }
                json.WriteEndArray();
                json.WriteStartArray("best");
                foreach (var m in data.Modules)
                {
                    if (data.BestOf(l, m.Id) is { } best)
                    {
                        json.WriteStartArray();
                        json.WriteNumberValue(best.Points);
                        json.WriteBooleanValue(best.Passed);
                        json.WriteStringValue(Short(best.HeadSha));
                        json.WriteStringValue(LinkOf(best));
                        json.WriteEndArray();
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (profile is { } p) json.WriteNumber("profile", p);
            else json.WriteNull("profile");
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The pull request, else the commit on GitHub when the repository is owner/name, else nothing.</summary>
    internal static string? LinkOf(EvidenceRow row)
    {
        if (row.PullRequestUrl is { } pr && Uri.TryCreate(pr, UriKind.Absolute, out var u) && u.Scheme is "https" or "http") return pr;
        return row.Repository.Count(c => c == '/') == 1 && row.HeadSha.Length > 0 ? $"https://github.com/{row.Repository}/commit/{row.HeadSha}" : null;
    }

    private static string Short(string sha) => sha[..Math.Min(12, sha.Length)];

    private static string E(string text) => System.Net.WebUtility.HtmlEncode(text);

    internal static string Resource(string name)
    {
        using var stream = typeof(HtmlExporter).Assembly.GetManifestResourceStream("Grader.Evidence.Reports.Html." + name)
            ?? throw new InvalidOperationException($"The report resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grader.Evidence.Store;

namespace Grader.Evidence.Reports.Exports;

/// <summary>The learning record store refused the statements.</summary>
public sealed class LrsException(string message) : Exception(message);

/// <summary>
/// xAPI 1.0.3 statements for every attempt (latest complete grading per commit): per module a <c>scored</c> and a
/// <c>passed</c> or <c>failed</c> statement, per criterion a <c>scored</c> statement, each with score raw/min/max/scaled.
/// Statement ids are name-based UUIDs of the record, so re-sending never duplicates. Written as one JSON array and,
/// when an LRS is configured, POSTed to its <c>statements</c> resource.
/// </summary>
public sealed class XapiExporter : IReportExporter
{
    public const string Scored = "http://adlnet.gov/expapi/verbs/scored";
    public const string Passed = "http://adlnet.gov/expapi/verbs/passed";
    public const string Failed = "http://adlnet.gov/expapi/verbs/failed";
    private const int BatchSize = 500;

    /// <summary>The namespace of statement ids (UUID v5).</summary>
    private static readonly Guid Namespace = new("5b0d3c7e-2f5a-4c7e-9a31-6a1f0c8e4d21");

    public string Format => "xapi";
    public string Extension => ".json";
    public string ContentType => "application/json";
    public bool NeedsRecordJson => true;

    public async Task WriteAsync(ExportContext context, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Streamed: 100,000 attempts are a million statements; the LRS gets them in batches as they are written.
        using var http = context.Settings.LrsEndpoint is null ? null : new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        var batch = new List<JsonObject>(BatchSize);
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        writer.WriteStartArray();
        foreach (var statement in Statements(context))
        {
            statement.WriteTo(writer);
            if (writer.BytesPending > 1 << 16) await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (http is null) continue;
            batch.Add(statement);
            if (batch.Count < BatchSize) continue;
            await PostAsync(http, context.Settings, batch, cancellationToken).ConfigureAwait(false);
            batch.Clear();
        }
        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (http is not null && batch.Count > 0) await PostAsync(http, context.Settings, batch, cancellationToken).ConfigureAwait(false);
    }

    public static IEnumerable<JsonObject> Statements(ExportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.Data;
        var b = context.Settings.Base;
        foreach (var row in data.Latest)
        {
            var record = row.Record();
            var learner = data.LearnerOf(row);
            var module = $"{b}/modules/{Uri.EscapeDataString(record.Module.Id)}";
            yield return Statement(context, row, learner, "module-scored", Scored, "scored", Activity(module, record.Module.Title, "http://adlnet.gov/expapi/activities/assessment"),
                Result(record.Points, record.MaxPoints, record.Passed), null);
            yield return Statement(context, row, learner, "module-verdict", record.Passed ? Passed : Failed, record.Passed ? "passed" : "failed",
                Activity(module, record.Module.Title, "http://adlnet.gov/expapi/activities/assessment"), Result(record.Points, record.MaxPoints, record.Passed), null);
            foreach (var c in record.Criteria.Where(c => c.Outcome != "grader_error"))
            {
                var criterion = $"{module}/criteria/{Uri.EscapeDataString(c.Id)}";
                yield return Statement(context, row, learner, "criterion:" + c.Id, Scored, "scored", Activity(criterion, c.Title, "http://adlnet.gov/expapi/activities/objective"),
                    Result(c.Points, c.MaxPoints, c.Outcome == "met"), module);
            }
        }
    }

    private static JsonObject Statement(ExportContext context, EvidenceRow row, ReportLearner learner, string part, string verb, string verbName, JsonObject activity, JsonObject result, string? parent)
    {
        var contextNode = new JsonObject
        {
            ["platform"] = "Grader",
            ["extensions"] = new JsonObject
            {
                [$"{context.Settings.Base}/xapi/repository"] = row.Repository,
                [$"{context.Settings.Base}/xapi/commit"] = row.HeadSha,
                [$"{context.Settings.Base}/xapi/record"] = row.RecordId,
            },
        };
        if (parent is not null) contextNode["contextActivities"] = new JsonObject { ["parent"] = new JsonArray(new JsonObject { ["id"] = parent, ["objectType"] = "Activity" }) };
        return new JsonObject
        {
            ["id"] = UuidV5(Namespace, row.RecordId + "|" + part).ToString(),
            ["actor"] = new JsonObject
            {
                ["objectType"] = "Agent",
                ["name"] = learner.Name,
                ["account"] = new JsonObject { ["homePage"] = "https://github.com", ["name"] = row.LearnerLogin },
            },
            ["verb"] = new JsonObject { ["id"] = verb, ["display"] = new JsonObject { ["en-US"] = verbName } },
            ["object"] = activity,
            ["result"] = result,
            ["context"] = contextNode,
            ["timestamp"] = row.GradedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
    }

    private static JsonObject Activity(string id, string name, string type) => new()
    {
        ["objectType"] = "Activity",
        ["id"] = id,
        ["definition"] = new JsonObject { ["name"] = new JsonObject { ["en-US"] = name }, ["type"] = type },
    };

    private static JsonObject Result(double raw, double max, bool success) => new()
    {
        ["score"] = new JsonObject
        {
            ["raw"] = raw,
            ["min"] = 0,
            ["max"] = max,
            ["scaled"] = max > 0 ? Math.Round(Math.Clamp(raw / max, 0, 1), 4) : 0,
        },
        ["success"] = success,
        ["completion"] = true,
    };

    private static async Task PostAsync(HttpClient http, ExportSettings settings, IReadOnlyList<JsonObject> batch, CancellationToken cancellationToken)
    {
        var target = new Uri(settings.LrsEndpoint!.AbsoluteUri.TrimEnd('/') + "/statements");
        using var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Content = new StringContent(new JsonArray([.. batch.Select(s => s.DeepClone())]).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Experience-API-Version", "1.0.3");
        if (settings.LrsCredentials is { } credentials) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new LrsException($"The learning record store at {target} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body[..Math.Min(300, body.Length)]}");
        }
    }

    /// <summary>RFC 4122 name-based UUID, version 5 (SHA-1).</summary>
    internal static Guid UuidV5(Guid ns, string name)
    {
        var bytes = ns.ToByteArray(bigEndian: true).Concat(Encoding.UTF8.GetBytes(name)).ToArray();
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 version 5 is defined with; it names, it does not protect.
        var hash = SHA1.HashData(bytes);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

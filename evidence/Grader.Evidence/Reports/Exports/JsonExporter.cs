using System.Text.Json;

namespace Grader.Evidence.Reports.Exports;

/// <summary>
/// The verifiable export: every record in scope exactly as signed, its signature and key id, the two selection flags,
/// the learners (roster status included) and the public keys. Fields are a stable contract (evidence/README.md, "json");
/// <c>grader report verify</c> checks it without the server.
/// </summary>
public sealed class JsonExporter : IReportExporter
{
    public const string FormatName = "grader-evidence";

    public string Format => "json";
    public string Extension => ".json";
    public string ContentType => "application/json";
    public bool NeedsRecordJson => true;

    public async Task WriteAsync(ExportContext context, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.Data;
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = true });
        json.WriteStartObject();
        json.WriteString("format", FormatName);
        json.WriteNumber("formatVersion", 1);
        json.WriteString("generatedAt", data.GeneratedAt.UtcDateTime);
        json.WriteStartObject("filter");
        WriteIf(json, "cohort", data.Filter.Cohort);
        WriteIf(json, "module", data.Filter.ModuleId);
        WriteIf(json, "learner", data.Filter.Learner);
        if (data.Filter.Since is { } since) json.WriteString("since", since.UtcDateTime);
        if (data.Filter.Until is { } until) json.WriteString("until", until.UtcDateTime);
        json.WriteEndObject();
        json.WriteString("selection", ReportText.Selection);

        json.WriteStartArray("keys");
        foreach (var (id, pem) in context.PublicKeys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("keyId", id);
            json.WriteString("algorithm", "ES256");
            json.WriteString("publicKeyPem", pem);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("learners");
        foreach (var l in data.Learners)
        {
            json.WriteStartObject();
            WriteIf(json, "learnerId", l.LearnerId);
            json.WriteString("name", l.Name);
            WriteIf(json, "email", l.Roster?.Email);
            WriteIf(json, "cohort", l.Cohort);
            WriteIf(json, "githubLogin", l.Login);
            if (l.GitHubId is { } gid) json.WriteNumber("githubId", gid);
            json.WriteString("rosterStatus", ReportLearner.StatusText(l.Status));
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("records");
        var written = 0;
        foreach (var row in data.Rows)
        {
            json.WriteStartObject();
            json.WritePropertyName("record");
            json.WriteRawValue(row.RecordJson ?? throw new InvalidOperationException("The JSON export needs the records' JSON."), skipInputValidation: true);
            json.WriteString("signature", row.Signature);
            json.WriteString("keyId", row.KeyId);
            json.WriteBoolean("latestForCommit", data.IsLatestForCommit(row));
            json.WriteBoolean("bestForModule", data.IsBestForModule(row));
            WriteIf(json, "learnerId", data.LearnerOf(row).LearnerId);
            json.WriteEndObject();
            if (++written % 2048 == 0) await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteIf(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }
}

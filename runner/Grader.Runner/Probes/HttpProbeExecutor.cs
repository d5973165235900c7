using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grader.Runner.Documents;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Service;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Probes;

/// <summary>
/// <c>http_probe</c>: one request to the running service; status, JSON fields, body regex and latency
/// ceiling. Measure: latency in ms. A service that refuses, resets or never answers fails the check; a
/// service that never became ready makes it not run.
/// </summary>
public sealed class HttpProbeExecutor(ServiceHttpClient http, IOptions<HttpProbeOptions> options) : CheckExecutor<HttpProbeCheck>(CheckKind.HttpProbe)
{
    private readonly HttpProbeOptions _options = options.Value;

    protected override async Task<CheckResult> ExecuteAsync(Criterion criterion, HttpProbeCheck probe, GradingContext context, CancellationToken cancellationToken)
    {
        if (!ServiceCheckPreconditions.TryGetReadyService(criterion, context, out var service, out var instead)) return instead;

        var watch = Stopwatch.StartNew();
        var request = new ServiceRequest(probe.Method, probe.Path)
        {
            Body = probe.Body,
            Headers = probe.Headers,
            Timeout = _options.RequestTimeout,
            MaxBodyBytes = _options.MaxBodyBytes,
        };
        var response = await http.SendAsync(service.BaseAddress, request, cancellationToken).ConfigureAwait(false);
        var target = $"{probe.Method.ToUpperInvariant()} {probe.Path}";
        var latencyMs = response.Latency.TotalMilliseconds;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["status"] = response.Status?.ToString(CultureInfo.InvariantCulture) ?? "none",
            ["latency"] = FormatMs(latencyMs),
            ["body"] = Excerpt(response.BodyText),
        };
        if (probe.MaxLatency is { } ceiling) values["max_latency"] = FormatMs(ceiling.TotalMilliseconds);

        if (response.Failure != ServiceFailure.None)
        {
            return new CheckResult
            {
                CriterionId = criterion.Id,
                Status = CheckStatus.Failed,
                Values = values,
                Message = $"{target} got no answer: {response.Error}.",
                Logs = await ServiceLogAsync(service, cancellationToken).ConfigureAwait(false),
                Duration = watch.Elapsed,
            };
        }

        var problems = Problems(probe, response, latencyMs);
        var overCeiling = probe.MaxLatency is { } limit && latencyMs > limit.TotalMilliseconds;
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = problems.Count == 0 ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = latencyMs,
            // The measure is the latency: a wrong status, body or JSON field earns nothing however fast it came.
            RequirementFailed = problems.Count > (overCeiling ? 1 : 0),
            Values = values,
            Message = problems.Count == 0
                ? $"{target} answered {response.Status} in {FormatMs(latencyMs)}."
                : $"{target} answered {response.Status} in {FormatMs(latencyMs)}, but {problems[0]}.",
            Details = problems,
            Duration = watch.Elapsed,
        };
    }

    private List<string> Problems(HttpProbeCheck probe, ServiceResponse response, double latencyMs)
    {
        var problems = new List<string>();
        if (response.Status != probe.ExpectStatus) problems.Add($"the status is {response.Status}, expected {probe.ExpectStatus}");
        if (probe.ExpectJson.Count > 0) problems.AddRange(JsonProblems(probe.ExpectJson, response));
        if (probe.ExpectBodyRegex is { } pattern)
        {
            var matched = new BodyPattern(pattern, _options.RegexTimeout).IsMatch(response.BodyText);
            if (matched is null) problems.Add($"matching the body against /{pattern}/ took too long");
            else if (matched == false) problems.Add($"the body does not match /{pattern}/");
        }
        if (probe.MaxLatency is { } max && latencyMs > max.TotalMilliseconds)
            problems.Add($"the latency {FormatMs(latencyMs)} is over the {FormatMs(max.TotalMilliseconds)} ceiling");
        if (response.Truncated) problems.Add($"the body is larger than {_options.MaxBodyBytes} bytes; only the start was read");
        return problems;
    }

    private static List<string> JsonProblems(IReadOnlyDictionary<string, string> expected, ServiceResponse response)
    {
        if (response.Truncated) return ["the body is too large to check its JSON fields"];
        JsonDocument document;
        try
        {
            document = JsonFieldMatcher.Parse(response.Body);
        }
        catch (LearnerFileException e)
        {
            return [$"the body is not JSON ({e.Message})"];
        }
        using (document)
        {
            var problems = new List<string>();
            foreach (var (path, value) in expected)
            {
                if (JsonFieldMatcher.Mismatch(document.RootElement, path, value) is { } problem) problems.Add(problem);
            }
            return problems;
        }
    }

    private static async Task<IReadOnlyList<LogExcerpt>> ServiceLogAsync(IRunningService service, CancellationToken cancellationToken)
    {
        var logs = await service.GetLogsAsync(cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(logs) ? [] : [new LogExcerpt("Service log", logs)];
    }

    private string Excerpt(string body)
    {
        var builder = new StringBuilder(Math.Min(body.Length, _options.BodyExcerptChars));
        foreach (var c in body.AsSpan(0, Math.Min(body.Length, _options.BodyExcerptChars)))
        {
            builder.Append(char.IsControl(c) && c is not '\n' and not '\t' ? '\uFFFD' : c);
        }
        if (body.Length > _options.BodyExcerptChars) builder.Append("...");
        return builder.ToString();
    }

    internal static string FormatMs(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");
}

using System.Diagnostics;
using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Service;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Metrics;

/// <summary>
/// <c>metrics</c>: scrapes the service's Prometheus endpoint and checks required families (name, type,
/// labels on at least one series) and counters that must increase after given requests. Measure: the
/// share of requirements met. A page that does not parse fails every requirement, with the line at fault.
/// </summary>
public sealed class MetricsCheckExecutor(ServiceHttpClient http, IOptions<MetricsCheckOptions> options) : CheckExecutor<MetricsCheck>(CheckKind.Metrics)
{
    private readonly MetricsCheckOptions _options = options.Value;

    private sealed record Outcome(string Name, bool Met, string Detail);

    protected override async Task<CheckResult> ExecuteAsync(Criterion criterion, MetricsCheck check, GradingContext context, CancellationToken cancellationToken)
    {
        if (!ServiceCheckPreconditions.TryGetReadyService(criterion, context, out var service, out var instead)) return instead;

        var watch = Stopwatch.StartNew();
        var total = check.Require.Count + check.Increases.Count;
        var (exposition, scrapeError) = await ScrapeAsync(service, check.Path, cancellationToken).ConfigureAwait(false);
        if (exposition is null)
        {
            return new CheckResult
            {
                CriterionId = criterion.Id,
                Status = CheckStatus.Failed,
                Measure = 0,
                Values = Values([.. check.Require.Select(r => r.Name), .. check.Increases.Select(i => i.Name)], []),
                Message = $"GET {check.Path}: {scrapeError}",
                Duration = watch.Elapsed,
            };
        }

        var increases = new List<Outcome>();
        foreach (var increasing in check.Increases)
        {
            increases.Add(await CheckIncreasesAsync(service, check.Path, exposition, increasing, cancellationToken).ConfigureAwait(false));
        }

        var required = check.Require.Select(r => CheckRequired(exposition, r)).ToList();
        if (required.Any(o => !o.Met))
        {
            // A labelled series exists only once something was observed (Prometheus clients do not initialise labelled
            // metrics), and the requests before the first scrape may not be recorded yet when it is served: a requirement
            // the first scrape missed is judged again on a scrape made after the grader's own requests.
            var (later, _) = await ScrapeAsync(service, check.Path, cancellationToken).ConfigureAwait(false);
            if (later is not null)
            {
                required = [.. check.Require.Select((r, i) => required[i].Met ? required[i] : CheckRequired(later, r))];
            }
        }

        var outcomes = new List<Outcome>(required);
        outcomes.AddRange(increases);

        var met = outcomes.Count(o => o.Met);
        var share = total == 0 ? 1.0 : (double)met / total;
        var missing = outcomes.Where(o => !o.Met).Select(o => o.Name).ToList();
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = missing.Count == 0 ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = share,
            Values = Values(missing, [.. outcomes.Where(o => o.Met).Select(o => o.Name)]),
            Message = missing.Count == 0
                ? $"All {total} metric requirements are met."
                : $"{met} of {total} metric requirements are met; missing: {string.Join(", ", missing)}.",
            Details = [.. outcomes.Select(o => $"{(o.Met ? "met" : "not met")}: {o.Detail}")],
            Duration = watch.Elapsed,
        };
    }

    private static Outcome CheckRequired(MetricsExposition exposition, RequiredMetric required)
    {
        var family = exposition.Find(required.Name);
        if (family is null) return new Outcome(required.Name, false, $"{required.Name} is not exposed");
        if (required.Type is { } type && !string.Equals(type, family.Type.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return new Outcome(required.Name, false, $"{required.Name} is a {Lower(family.Type)}, expected a {type}");
        }
        if (required.Labels.Count > 0)
        {
            var withAll = family.SeriesLabelNames().Any(names => required.Labels.All(names.Contains));
            if (!withAll)
            {
                var seen = family.SeriesLabelNames().SelectMany(n => n).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                return new Outcome(required.Name, false,
                    $"{required.Name} has no series with labels {string.Join(", ", required.Labels)} (labels seen: {(seen.Count == 0 ? "none" : string.Join(", ", seen))})");
            }
        }
        return new Outcome(required.Name, true, $"{required.Name} ({Lower(family.Type)}, {family.Samples.Count} samples)");
    }

    private async Task<Outcome> CheckIncreasesAsync(IRunningService service, string metricsPath, MetricsExposition before, IncreasingMetric increasing, CancellationToken cancellationToken)
    {
        var name = $"{increasing.Name} increases";
        var first = before.Find(increasing.Name);
        if (first is null) return new Outcome(name, false, $"{increasing.Name} is not exposed, so it cannot increase");
        var valueBefore = first.Total();

        var failures = 0;
        string? lastFailure = null;
        for (var i = 0; i < increasing.Requests; i++)
        {
            var response = await http.SendAsync(service.BaseAddress,
                new ServiceRequest(increasing.Method, increasing.Path)
                {
                    Body = increasing.Body,
                    Headers = increasing.Body is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Content-Type"] = "application/json" },
                    Timeout = _options.RequestTimeout,
                    MaxBodyBytes = 64 << 10,
                },
                cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                failures++;
                lastFailure = response.Status is { } status ? $"HTTP {status}" : response.Error;
            }
        }

        var (after, error) = await ScrapeAsync(service, metricsPath, cancellationToken).ConfigureAwait(false);
        if (after is null) return new Outcome(name, false, $"second scrape failed: {error}");
        var second = after.Find(increasing.Name);
        if (second is null) return new Outcome(name, false, $"{increasing.Name} disappeared after the requests");
        var valueAfter = second.Total();
        var sent = $"{increasing.Requests} x {increasing.Method.ToUpperInvariant()} {increasing.Path}"
            + (failures > 0 ? $", {failures} failed ({lastFailure})" : "");
        return valueAfter > valueBefore
            ? new Outcome(name, true, $"{increasing.Name} went from {Number(valueBefore)} to {Number(valueAfter)} after {sent}")
            : new Outcome(name, false, $"{increasing.Name} stayed at {Number(valueBefore)} -> {Number(valueAfter)} after {sent}");
    }

    private async Task<(MetricsExposition? Exposition, string? Error)> ScrapeAsync(IRunningService service, string path, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(service.BaseAddress,
            new ServiceRequest("GET", path) { Timeout = _options.ScrapeTimeout, MaxBodyBytes = _options.MaxScrapeBytes },
            cancellationToken).ConfigureAwait(false);
        if (response.Failure != ServiceFailure.None) return (null, $"no answer ({response.Error})");
        if (response.Status is not (>= 200 and < 300)) return (null, $"answered HTTP {response.Status}, expected 200 with Prometheus metrics");
        if (response.Truncated) return (null, $"the metrics page is larger than {_options.MaxScrapeBytes} bytes");
        try
        {
            return (PrometheusTextParser.Parse(response.BodyText), null);
        }
        catch (PrometheusFormatException e)
        {
            return (null, $"not valid Prometheus text format: {e.Message}");
        }
    }

    private static Dictionary<string, string> Values(IReadOnlyList<string> missing, IReadOnlyList<string> found) => new(StringComparer.Ordinal)
    {
        ["missing"] = missing.Count == 0 ? "none" : string.Join(", ", missing),
        ["found"] = found.Count == 0 ? "none" : string.Join(", ", found),
    };

    private static string Lower(MetricType type) => type.ToString().ToLowerInvariant();

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text.Json;
using Grader.LoadProbe;
using Grader.Runner.Load;

// grader-loadprobe serve <port>
// grader-loadprobe load <url> [--method M] [--body B] [--header "K: V"] [--mode closed|open] [--concurrency N] [--rate R] [--duration S] [--warmup S] [--repetitions N] [--json]
if (args.Length >= 2 && args[0] == "serve")
{
    await ProbeServer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length < 2 || args[0] != "load")
{
    await Console.Error.WriteLineAsync("usage: serve <port> | load <url> [--mode closed|open] [--concurrency N] [--rate R] [--duration S] [--warmup S] [--repetitions N] [--json]");
    return 2;
}

var options = ProbeArguments.Parse(args[2..]);
var profile = new LoadProfile
{
    Target = new Uri(args[1]),
    Method = new HttpMethod(options.Method.ToUpperInvariant()),
    Body = options.Body is null ? null : System.Text.Encoding.UTF8.GetBytes(options.Body),
    Headers = options.Headers ?? new Dictionary<string, string>(),
    Mode = options.Mode,
    Concurrency = options.Concurrency,
    Rate = options.Rate,
    Duration = options.Duration,
    Warmup = options.Warmup,
    Repetitions = options.Repetitions,
};
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var generator = new LoadGenerator(profile);
var result = await generator.RunAsync(null, cancel.Token);
if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        requests = result.Counts.Total,
        errors = result.Counts.Errors,
        throughput = result.Throughput,
        p50_ms = result.Latency.P50Ms,
        p95_ms = result.Latency.P95Ms,
        p99_ms = result.Latency.P99Ms,
        max_ms = result.Latency.MaxMs,
        achieved_rate = result.Repetitions.Select(r => r.Pacing?.AchievedRate).FirstOrDefault(),
        fell_behind = result.Repetitions.Any(r => r.Pacing?.FellBehind == true),
    }));
}
else
{
    foreach (var r in result.Repetitions)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run {r.Number}: {r.Counts.Total} requests, {r.Throughput:0} req/s, p50 {r.Latency.P50Ms:0.000} ms, p95 {r.Latency.P95Ms:0.000} ms, p99 {r.Latency.P99Ms:0.000} ms, max {r.Latency.MaxMs:0.000} ms, errors {r.ErrorRate:P2}{(r.Pacing is { } p ? $", rate {p.AchievedRate:0}/{p.TargetRate:0}{(p.FellBehind ? " FELL BEHIND" : "")}" : "")}"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"all: {result.Counts.Total} requests, {result.Throughput:0} req/s, p50 {result.Latency.P50Ms:0.000} ms, p95 {result.Latency.P95Ms:0.000} ms, p99 {result.Latency.P99Ms:0.000} ms, spread p95 {result.P95Spread:P1} throughput {result.ThroughputSpread:P1}"));
}

return 0;

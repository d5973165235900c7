using System.Net;
using System.Text.Json;
using Grader.Bot.Monitoring;
using Grader.Runner.Metrics;
using Grader.Testing.GitHub;
using Npgsql;

namespace Grader.Server.Tests.Serve;

/// <summary>
/// The operators' view of a real `grader-server serve` process: /metrics scraped over HTTP moves with a graded delivery
/// (deliveries, queue wait, jobs, grading steps, GitHub calls and rate limit, runner workers), and /readyz follows
/// Hangfire's PostgreSQL storage going away and coming back.
/// </summary>
[Category("Integration")]
public sealed class ServeMonitoringTests : ServeProcessTest
{
    private const string PassingTests = "echo running the tests\nexit 0\n";
    private const string AdminPostgres = "Host=127.0.0.1;Port=5432;Username=grader_test;Password=grader_test;Database=postgres;Timeout=10";

    private string? _database;

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        if (_database is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Admin => Environment.GetEnvironmentVariable("GRADER_TEST_POSTGRES") ?? AdminPostgres;

    [Test]
    public async Task Metrics_AfterAGradedDelivery_CountersAndHistogramsMove()
    {
        await ArrangeAsync(PassingTests);
        // No GPU series on a runner without GPUs, whatever machine runs the test.
        SetEnvironment("Grader__Gpu__Enabled", "false");
        // The first check run creation meets an exhausted rate limit that resets at once: the bot keeps GitHub's count.
        GitHub.Emulator.InjectFault(new Fault("POST", $"/repos/{Repository.FullName}/check-runs", FaultKind.PrimaryRateLimitExhausted, Count: 1, ResetAt: DateTimeOffset.UtcNow));
        var serve = await StartServeAsync();
        var before = await ScrapeAsync(serve);

        Assert.That(await PostDeliveryAsync(serve, Guid.NewGuid().ToString(), await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitForPublishedResultAsync();
        // The attempt is counted when it returns, just after its result reached the outbox.
        MetricsExposition after = null!;
        await WaitUntilAsync(async () => Value(after = await ScrapeAsync(serve), GraderMetrics.Jobs, ("outcome", "succeeded")) >= 1, TimeSpan.FromSeconds(30), "the job is counted");

        var steps = after.Find(GraderMetrics.StepDuration)!.Samples
            .Where(s => s.Name == GraderMetrics.StepDuration + "_count").Select(s => s.Labels["step"]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Value(before, GraderMetrics.WebhookDeliveries, ("event", "pull_request")), Is.Zero);
            Assert.That(Value(after, GraderMetrics.WebhookDeliveries, ("event", "pull_request"), ("outcome", "accepted")), Is.EqualTo(1));
            Assert.That(Value(after, GraderMetrics.Jobs, ("queue", "cpu"), ("outcome", "succeeded")), Is.EqualTo(1));
            Assert.That(Value(after, GraderMetrics.Jobs, ("outcome", "retried")), Is.Zero);
            Assert.That(Value(after, GraderMetrics.QueueWait + "_count", ("queue", "cpu")), Is.EqualTo(1));
            Assert.That(Value(after, GraderMetrics.QueueDepth, ("queue", "cpu")), Is.Zero);
            Assert.That(steps, Does.Contain("checkout").And.Contain("cleanup"), string.Join(", ", steps));
            Assert.That(Value(after, GraderMetrics.StepDuration + "_sum", ("step", "checkout")), Is.GreaterThan(0));
            Assert.That(Value(after, GraderMetrics.GitHubApiCalls, ("method", "POST"), ("status", "403")), Is.EqualTo(1));
            Assert.That(Value(after, GraderMetrics.GitHubApiCalls, ("method", "POST"), ("status", "201")), Is.GreaterThanOrEqualTo(1));
            Assert.That(after.Find(GraderMetrics.GitHubRateLimitRemaining)?.Samples.Select(s => (s.Labels["resource"], s.Value)),
                Is.EquivalentTo(new[] { ("core", 0.0) }));
            Assert.That(Value(after, GraderMetrics.RunnerWorkers, ("runner", RunnerId)), Is.EqualTo(1));
            Assert.That(Value(after, GraderMetrics.RunnerBusy, ("runner", RunnerId)), Is.Zero);
            Assert.That(Series(after, GraderMetrics.GpuUtilization).Concat(Series(after, GraderMetrics.GpuMemoryUsed)), Is.Empty);
        });
    }

    [Test]
    public async Task Logs_JsonConsoleWithScopes_LinesCarryDeliveryJobRepositoryAndSha()
    {
        await ArrangeAsync(PassingTests);
        SetEnvironment("Logging__Console__FormatterName", "json");
        SetEnvironment("Logging__Console__FormatterOptions__IncludeScopes", "true");
        var serve = await StartServeAsync();
        var deliveryId = Guid.NewGuid().ToString();

        Assert.That(await PostDeliveryAsync(serve, deliveryId, await OpenedPayloadAsync()), Is.EqualTo(HttpStatusCode.OK), Diagnostics());
        await WaitForPublishedResultAsync();
        var jobKey = $"{Repository.FullName}#{PullNumber}@{HeadSha}";
        await WaitUntilAsync(() => ScopedLines(serve.Output).Any(l => l.Message.Contains($"Job {jobKey} completed", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the job's completion is logged");

        var lines = ScopedLines(serve.Output);
        var accepted = lines.Single(l => l.Message.Contains($"Delivery {deliveryId} (pull_request opened) accepted", StringComparison.Ordinal));
        var dispatched = lines.Where(l => l.Message.Contains("enqueued on cpu", StringComparison.Ordinal)).ToList();
        var completed = lines.Single(l => l.Message.Contains($"Job {jobKey} completed", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(accepted.Scope.GetValueOrDefault("DeliveryId"), Is.EqualTo(deliveryId));
            Assert.That(dispatched.Select(l => l.Scope.GetValueOrDefault("DeliveryId")), Is.EqualTo(new[] { deliveryId }), "the scheduling, inside the dispatch of the delivery");
            Assert.That(completed.Scope.GetValueOrDefault("JobKey"), Is.EqualTo(jobKey));
            Assert.That(completed.Scope.GetValueOrDefault("Repository"), Is.EqualTo(Repository.FullName));
            Assert.That(completed.Scope.GetValueOrDefault("HeadSha"), Is.EqualTo(HeadSha));
        });
    }

    [Test]
    public async Task Readyz_FleetDatabaseGoesAwayAndComesBack_503Then200()
    {
        await ArrangeAsync(PassingTests);
        _database = "grader_ready_" + Guid.NewGuid().ToString("n")[..12];
        await ExecuteAsync(Admin, $"CREATE DATABASE {_database}");
        // The fleet's one setting: the bot's store, Hangfire's queues and the evidence store in this database.
        SetEnvironment("Grader__Bot__Postgres", new NpgsqlConnectionStringBuilder(Admin) { Database = _database }.ConnectionString);
        SetEnvironment("Grader__Bot__Evidence__SigningKeyPath", Path.Combine(Path.GetTempPath(), $"{_database}.pem"));
        var serve = await StartServeAsync();
        var ready = await ReadyzAsync(serve);

        // The database refuses connections and drops the ones it has: the store and Hangfire's storage are away.
        await ExecuteAsync(Admin, $"ALTER DATABASE {_database} ALLOW_CONNECTIONS false");
        await ExecuteAsync(Admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_database}'");
        (HttpStatusCode Status, string Body) away = default;
        await WaitUntilAsync(async () => (away = await ReadyzAsync(serve)).Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "/readyz answers 503");
        await ExecuteAsync(Admin, $"ALTER DATABASE {_database} ALLOW_CONNECTIONS true");
        (HttpStatusCode Status, string Body) back = default;
        await WaitUntilAsync(async () => (back = await ReadyzAsync(serve)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "/readyz answers 200 again");

        Assert.Multiple(() =>
        {
            Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.OK), ready.Body);
            Assert.That(ready.Body, Does.Contain("docker: Healthy").And.Contain("hangfire: Healthy").And.Contain("store: Healthy"));
            Assert.That(away.Body, Does.Contain("hangfire: Unhealthy (Hangfire's storage does not answer").And.Contain("store: Unhealthy"));
            Assert.That(back.Body, Does.StartWith("Healthy"));
            Assert.That(serve.HasExited, Is.False, "the process lives through its storage's absence (liveness is not readiness)");
        });
    }

    private async Task<MetricsExposition> ScrapeAsync(GraderServeProcess serve)
    {
        using var response = await Http.GetAsync(new Uri(serve.BaseUrl, "metrics"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(GraderServeProcess serve)
    {
        using var response = await Http.GetAsync(new Uri(serve.BaseUrl, "readyz"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The JSON console's lines: the message and the fields of every scope around it.</summary>
    private static List<(string Message, Dictionary<string, string?> Scope)> ScopedLines(string output)
    {
        var lines = new List<(string, Dictionary<string, string?>)>();
        foreach (var line in output.Split('\n'))
        {
            if (!line.StartsWith('{')) continue;
            using var json = JsonDocument.Parse(line);
            var scope = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (json.RootElement.TryGetProperty("Scopes", out var scopes))
            {
                foreach (var property in scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).SelectMany(s => s.EnumerateObject()))
                {
                    scope[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.ToString();
                }
            }
            lines.Add((json.RootElement.GetProperty("Message").GetString() ?? "", scope));
        }
        return lines;
    }

    private static IEnumerable<MetricSample> Series(MetricsExposition exposition, string family) =>
        exposition.Find(family)?.Samples ?? [];

    /// <summary>The sum of the samples named <paramref name="name"/> (a family, or a histogram's _count/_sum) whose labels match; 0 when none.</summary>
    private static double Value(MetricsExposition exposition, string name, params (string Label, string Value)[] labels)
    {
        var family = name.EndsWith("_count", StringComparison.Ordinal) || name.EndsWith("_sum", StringComparison.Ordinal) ? name[..name.LastIndexOf('_')] : name;
        return Series(exposition, family)
            .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .Sum(s => s.Value);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Grader.Bot.AspNetCore;
using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Octokit.Webhooks;
using Octokit.Webhooks.AspNetCore;

namespace Grader.Benchmarks;

/// <summary>
/// Webhook intake over real HTTP on loopback: signature check, parse, durable SQLite insert, 200. One
/// operation = a wave of <see cref="Concurrency"/> simultaneous deliveries (unique delivery ids, a real
/// pull_request payload), so ack latency at that concurrency is the wave time and throughput is
/// Concurrency / wave time. Baseline: a bare Octokit.Webhooks.AspNetCore endpoint whose processor does nothing
/// beyond the library's own verification and deserialization. Only intake runs in the bot host (no
/// dispatcher, no runner), so the figures are the acknowledgement path alone.
/// </summary>
[Config(typeof(IntakeConfig))]
public class WebhookIntakeBenchmarks
{
    private const string Secret = "benchmark-secret";
    private WebApplication? _bare;
    private WebApplication? _bot;
    private HttpClient _bareClient = null!;
    private HttpClient _botClient = null!;
    private byte[] _body = [];
    private string _signature = "";
    private string _stateDirectory = "";

    [Params(1, 16)]
    public int Concurrency { get; set; }

    /// <summary>bot.sqlite_full_sync: an fsync per acknowledged delivery (survives power loss) or not (survives a kill).</summary>
    [Params(false, true)]
    public bool FullSync { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _body = await File.ReadAllBytesAsync(Path.Combine(RubricBenchmarks.RepositoryRoot(), "tests", "Grader.Bot.Tests", "Fixtures", "pull_request", "opened.payload.json"));
        _signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), _body));
        _stateDirectory = Directory.CreateTempSubdirectory("grader-intake-bench-").FullName;

        var bare = Builder();
        bare.Services.AddSingleton<WebhookEventProcessor, DoNothingProcessor>();
        _bare = bare.Build();
        _bare.MapGitHubWebhooks("/api/github/webhooks", Secret);
        _bareClient = await StartAsync(_bare);

        var bot = Builder();
        bot.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Grader:Bot:WebhookSecret"] = Secret,
            ["Grader:Bot:AppSlug"] = "grader-bench",
            ["Grader:Bot:DatabasePath"] = Path.Combine(_stateDirectory, "bot.db"),
            ["Grader:Bot:RunJobs"] = "false",
            ["Grader:Bot:RunIntake"] = "false",
            ["Grader:Bot:SqliteFullSync"] = FullSync ? "true" : "false",
        });
        bot.Services.AddGraderBot(bot.Configuration, new CourseConfiguration());
        bot.Services.AddGraderBotWeb();
        _bot = bot.Build();
        _bot.MapGraderBot();
        _botClient = await StartAsync(_bot);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _bareClient.Dispose();
        _botClient.Dispose();
        await _bare!.StopAsync();
        await _bot!.StopAsync();
        await _bare.DisposeAsync();
        await _bot.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "bare Octokit handler")]
    public Task BareOctokitHandler() => WaveAsync(_bareClient);

    [Benchmark(Description = "grader intake (verify, parse, persist, ack)")]
    public Task GraderIntake() => WaveAsync(_botClient);

    private Task WaveAsync(HttpClient client) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => PostAsync(client)));

    private async Task PostAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(_body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", _signature);
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Intake answered {(int)response.StatusCode}");
        }
    }

    private static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }

    private static async Task<HttpClient> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address) };
    }

    /// <summary>The library's processor with no handlers: what an endpoint costs before any work.</summary>
    private sealed class DoNothingProcessor : WebhookEventProcessor;

    private sealed class IntakeConfig : ManualConfig
    {
        public IntakeConfig()
        {
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99));
        }
    }

    /// <summary>A percentile of the wave times BenchmarkDotNet has no stock column for (p99).</summary>
    private sealed class PercentileColumn(int percentile) : IColumn
    {
        public string Id => $"P{percentile}";
        public string ColumnName => $"P{percentile}";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Statistics;
        public int PriorityInCategory => 10;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Time;
        public string Legend => $"{percentile}th percentile of the wave times";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            return statistics is null ? "-" : (statistics.Percentiles.Percentile(percentile) / 1000.0).ToString("N1", System.Globalization.CultureInfo.InvariantCulture) + " μs";
        }

        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}

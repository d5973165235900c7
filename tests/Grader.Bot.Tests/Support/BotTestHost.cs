using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Grader.Bot.AspNetCore;
using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Grader.Bot.Storage;
using Grader.GitHub.Http;
using Grader.Testing.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grader.Bot.Tests.Support;

/// <summary>
/// The bot as <c>grader serve</c> composes it (intake, Hangfire, the runner pipeline in Docker, Grader.GitHub)
/// on a real Kestrel host on loopback, talking to the GitHub emulator through prism. Its SQLite file is in a
/// folder that outlives the host, so a test can stop it and start another on the same state (a restart).
/// </summary>
internal sealed class BotTestHost : IAsyncDisposable
{
    public const string Secret = "It's a Secret to Everybody";

    private readonly WebApplication _app;

    private BotTestHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public GraderStore Store => Services.GetRequiredService<GraderStore>();

    public static async Task<BotTestHost> StartAsync(
        IReadOnlyDictionary<string, string?> settings,
        CourseConfiguration courses,
        GitHubTestEnvironment gitHub)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        GraderBotHost.AddServices(builder.Services, builder.Configuration, courses);
        builder.Services.AddGraderBotWeb();
        // Prism's detailed violation reports reach the test failure (PrismValidatedTest).
        builder.Services.Configure<GitHubHttpHandlers>(o => o.Handlers.Add(gitHub.CreateViolationRecorder));
        var app = builder.Build();
        app.MapGraderBot();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new BotTestHost(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    /// <summary>Posts a delivery signed with the bot's secret.</summary>
    public Task<HttpResponseMessage> PostAsync(string eventName, JsonObject payload, string? deliveryId = null) =>
        PostRawAsync(eventName, Encoding.UTF8.GetBytes(payload.ToJsonString()), deliveryId ?? Guid.NewGuid().ToString(), Secret);

    public async Task<HttpResponseMessage> PostRawAsync(string? eventName, byte[] body, string? deliveryId, string? secret, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (eventName is not null)
        {
            request.Headers.Add("X-GitHub-Event", eventName);
        }

        if (deliveryId is not null)
        {
            request.Headers.Add("X-GitHub-Delivery", deliveryId);
        }

        if (secret is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", GitHubWebhook.Sign(body, secret));
        }

        return await Client.SendAsync(request).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Polls a condition until it holds or the deadline passes (no sleeps for synchronisation).</summary>
internal static class Eventually
{
    public static async Task<T> ThatAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (holds(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what} (last value: {value})");
            }

            await timer.WaitForNextTickAsync().ConfigureAwait(false);
        }
    }

    public static Task<bool> ThatAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        ThatAsync(() => Task.FromResult(condition()), held => held, what, timeout);
}

/// <summary>A temporary folder for one test's state, removed afterwards.</summary>
internal sealed class TempState : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("grader-bot-test-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

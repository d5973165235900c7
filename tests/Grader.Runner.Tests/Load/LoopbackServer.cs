using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Tests.Load;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with controllable behaviour: <c>/ok</c>, <c>/delay/{ms}</c>,
/// <c>/every/{n}/fails</c> (every n-th request answers 500), <c>/hang</c> (answers after 30 s), and a
/// one-off stall of every request for a while once the n-th request arrived (<see cref="StallOnce"/>).
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;
    private long _failures;
    private int _inFlight;
    private int _maxInFlight;
    private long _stallAtRequest = long.MaxValue;
    private TimeSpan _stallLength;
    private long _stallUntil;

    private LoopbackServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;
    public long Requests => Interlocked.Read(ref _requests);
    public long Failures => Interlocked.Read(ref _failures);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>When request number <paramref name="atRequest"/> arrives, it and every request arriving in the next <paramref name="length"/> wait until the stall ends.</summary>
    public void StallOnce(long atRequest, TimeSpan length)
    {
        _stallLength = length;
        Interlocked.Exchange(ref _stallAtRequest, atRequest);
    }

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = 10_000);
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Use(server.TrackAsync);
        app.MapGet("/ok", () => "ok");
        app.MapPost("/ok", () => "ok");
        app.MapGet("/delay/{ms:int}", async (int ms, CancellationToken ct) =>
        {
            await Task.Delay(ms, ct);
            return "ok";
        });
        app.MapGet("/every/{n:int}/fails", (int n, HttpContext http) =>
            http.Items["number"] is long number && number % n == 0 ? Microsoft.AspNetCore.Http.Results.StatusCode(500) : Microsoft.AspNetCore.Http.Results.Text("ok"));
        app.MapGet("/hang", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return "late";
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    private async Task TrackAsync(HttpContext http, RequestDelegate next)
    {
        var number = Interlocked.Increment(ref _requests);
        http.Items["number"] = number;
        var inFlight = Interlocked.Increment(ref _inFlight);
        int seen;
        while (inFlight > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, seen) != seen)
        {
            // Another request raised the maximum meanwhile: read it again.
        }

        try
        {
            if (number == Interlocked.Read(ref _stallAtRequest))
            {
                Interlocked.Exchange(ref _stallUntil, Stopwatch.GetTimestamp() + (long)(_stallLength.TotalSeconds * Stopwatch.Frequency));
            }

            // The simulated stall is the server's behaviour under test, not test synchronisation.
            var stallLeft = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Interlocked.Read(ref _stallUntil));
            if (stallLeft > TimeSpan.Zero) await Task.Delay(stallLeft, http.RequestAborted);
            await next(http);
            if (http.Response.StatusCode >= 400) Interlocked.Increment(ref _failures);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

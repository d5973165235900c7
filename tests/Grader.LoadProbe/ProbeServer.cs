using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Grader.LoadProbe;

/// <summary>A minimal, fast Kestrel endpoint on loopback: GET / answers "ok" (the load generator's target in the wrk comparison).</summary>
internal static class ProbeServer
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/", () => "ok");
        await app.RunAsync();
    }
}

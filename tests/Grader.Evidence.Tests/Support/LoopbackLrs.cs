using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Grader.Evidence.Tests.Support;

/// <summary>A learning record store stand-in on loopback HTTP: records each request and answers with a fixed status.</summary>
public sealed class LoopbackLrs : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public LoopbackLrs(HttpStatusCode status = HttpStatusCode.OK)
    {
        Status = status;
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/xapi/");
        _listener.Prefixes.Add(Endpoint.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }
    public HttpStatusCode Status { get; }
    public List<(string Method, string Path, string? Version, string? Authorization, string Body)> Requests { get; } = [];

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (Requests)
            {
                Requests.Add((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers["X-Experience-API-Version"], context.Request.Headers["Authorization"], body));
            }
            context.Response.StatusCode = (int)Status;
            var answer = Encoding.UTF8.GetBytes(Status == HttpStatusCode.OK ? "[]" : "{\"error\":\"bad credentials\"}");
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(10));
    }
}

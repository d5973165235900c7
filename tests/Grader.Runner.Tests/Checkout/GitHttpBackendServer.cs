using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Grader.Runner.Tests.Checkout;

/// <summary>
/// Git's smart HTTP protocol served by the real <c>git http-backend</c> (as CGI) behind a loopback HttpListener
/// that demands GitHub-style Basic auth (<c>x-access-token:TOKEN</c>).
/// </summary>
internal sealed class GitHttpBackendServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _projectRoot;
    private readonly string _expectedAuthorization;
    private readonly Task _loop;
    private int _requests;

    public GitHttpBackendServer(string projectRoot, string token)
    {
        _projectRoot = projectRoot;
        _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + token));
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>Requests that carried the right credentials.</summary>
    public int AuthorizedRequests => Volatile.Read(ref _requests);

    /// <summary>Every Authorization header seen (to prove what the client sent).</summary>
    public List<string> AuthorizationHeaders { get; } = [];

    public Uri UrlFor(string repositoryFolderName) => new($"http://127.0.0.1:{Port}/{repositoryFolderName}");

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var authorization = request.Headers["Authorization"];
        lock (AuthorizationHeaders)
        {
            if (authorization is not null) AuthorizationHeaders.Add(authorization);
        }
        if (authorization != _expectedAuthorization)
        {
            response.StatusCode = 401;
            response.AddHeader("WWW-Authenticate", "Basic realm=\"git\"");
            response.Close();
            return;
        }
        Interlocked.Increment(ref _requests);

        var start = new ProcessStartInfo("git", "http-backend")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GIT_PROJECT_ROOT"] = _projectRoot;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["PATH_INFO"] = request.Url!.AbsolutePath;
        start.Environment["QUERY_STRING"] = request.Url.Query.TrimStart('?');
        start.Environment["REQUEST_METHOD"] = request.HttpMethod;
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        start.Environment["REMOTE_USER"] = "x-access-token";
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        if (request.Headers["Content-Encoding"] is { } encoding) start.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        if (request.Headers["Git-Protocol"] is { } protocol) start.Environment["GIT_PROTOCOL"] = protocol;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await request.InputStream.CopyToAsync(process.StandardInput.BaseStream).ConfigureAwait(false);
        process.StandardInput.Close();

        using var output = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(output).ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        await stderr.ConfigureAwait(false);
        WriteCgiResponse(output.ToArray(), response);
    }

    private static void WriteCgiResponse(byte[] cgi, HttpListenerResponse response)
    {
        var headerEnd = IndexOf(cgi, "\r\n\r\n"u8.ToArray(), out var separatorLength);
        if (headerEnd < 0) headerEnd = IndexOf(cgi, "\n\n"u8.ToArray(), out separatorLength);
        var headers = Encoding.ASCII.GetString(cgi, 0, Math.Max(headerEnd, 0));
        foreach (var line in headers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase)) response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) response.ContentType = value;
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) response.AddHeader(name, value);
        }
        var bodyStart = headerEnd < 0 ? 0 : headerEnd + separatorLength;
        response.ContentLength64 = cgi.Length - bodyStart;
        response.OutputStream.Write(cgi, bodyStart, cgi.Length - bodyStart);
        response.Close();
    }

    private static int IndexOf(byte[] haystack, byte[] needle, out int length)
    {
        length = needle.Length;
        return haystack.AsSpan().IndexOf(needle);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }
}

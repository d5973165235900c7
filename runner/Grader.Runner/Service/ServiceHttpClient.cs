using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Grader.Runner.Service;

/// <summary>One request to the learner's service.</summary>
public sealed record ServiceRequest(string Method, string Path)
{
    public string? Body { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Whole exchange (connect, headers, body) must finish within this.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Body bytes read at most; the rest is not read (a body that never ends cannot exhaust memory).</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;
}

/// <summary>How the exchange failed on the learner's side (the service), or None.</summary>
public enum ServiceFailure
{
    None,
    /// <summary>Nothing listens, or the connection was refused or reset.</summary>
    ConnectionFailed,
    /// <summary>No complete response within the request timeout.</summary>
    TimedOut,
    /// <summary>The answer was not valid HTTP.</summary>
    ProtocolError,
}

/// <param name="Latency">Time from sending to the last body byte read (or to the failure).</param>
/// <param name="Truncated">The body was longer than the limit; only the first bytes were read.</param>
public sealed record ServiceResponse(int? Status, byte[] Body, bool Truncated, TimeSpan Latency, ServiceFailure Failure, string? Error)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public bool IsSuccess => Failure == ServiceFailure.None && Status is >= 200 and < 300;
}

/// <summary>
/// HTTP to the learner's service with everything bounded: time, body size, headers, no redirects,
/// no decompression (a small compressed body could expand without limit), no proxy from the environment.
/// Failures of the service (refused, reset, timeout, garbage) are outcomes, never exceptions.
/// </summary>
public sealed class ServiceHttpClient : IDisposable
{
    private readonly HttpClient _http;

    public ServiceHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxResponseHeadersLength = 64, // KiB
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            MaxResponseDrainSize = 0,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<ServiceResponse> SendAsync(Uri baseAddress, ServiceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(request);
        using var message = BuildMessage(baseAddress, request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.Timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var (body, truncated) = await ReadBoundedAsync(response.Content, request.MaxBodyBytes, timeout.Token).ConfigureAwait(false);
            return new ServiceResponse((int)response.StatusCode, body, truncated, watch.Elapsed, ServiceFailure.None, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(ServiceFailure.TimedOut, $"no complete response within {Rubrics.Model.DurationText.Format(request.Timeout)}", watch);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException or IOException || e.HttpRequestError is HttpRequestError.ConnectionError)
        {
            return Failed(ServiceFailure.ConnectionFailed, Describe(e), watch);
        }
        catch (HttpRequestException e)
        {
            return Failed(ServiceFailure.ProtocolError, Describe(e), watch);
        }
        catch (IOException e)
        {
            // The connection broke while the body was being read (reset by the service).
            return Failed(ServiceFailure.ConnectionFailed, e.Message, watch);
        }
    }

    private static HttpRequestMessage BuildMessage(Uri baseAddress, ServiceRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method.ToUpperInvariant()), new Uri(baseAddress, request.Path.TrimStart('/')));
        if (request.Body is not null) message.Content = new StringContent(request.Body, Encoding.UTF8);
        foreach (var (name, value) in request.Headers)
        {
            // Content headers live on the content; a Content-Type without a body still needs a content object.
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.Remove(name);
                if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                else
                    message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    private static async Task<(byte[] Body, bool Truncated)> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[Math.Min(maxBytes + 1, 64 << 10)];
        using var body = new MemoryStream();
        while (body.Length <= maxBytes)
        {
            var want = (int)Math.Min(buffer.Length, maxBytes + 1 - body.Length);
            var read = await stream.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read == 0) return (body.ToArray(), false);
            body.Write(buffer, 0, read);
        }
        // One byte past the limit proves there is more; keep exactly the limit.
        return (body.ToArray()[..maxBytes], true);
    }

    private static ServiceResponse Failed(ServiceFailure failure, string error, Stopwatch watch) =>
        new(null, [], false, watch.Elapsed, failure, error);

    private static string Describe(HttpRequestException e) =>
        e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    public void Dispose() => _http.Dispose();
}

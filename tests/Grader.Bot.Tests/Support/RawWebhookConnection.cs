using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Grader.Bot.Tests.Support;

/// <summary>
/// A webhook request written by hand over a TCP connection, as a hostile sender would: headers that declare one
/// thing, a body sent slowly, endlessly or not at all. Reads the status the server answers, whenever it answers.
/// </summary>
internal sealed class RawWebhookConnection : IDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;

    public static async Task<RawWebhookConnection> OpenAsync(Uri server)
    {
        var connection = new RawWebhookConnection();
        await connection._client.ConnectAsync(server.Host, server.Port).ConfigureAwait(false);
        connection._stream = connection._client.GetStream();
        return connection;
    }

    /// <summary>Sends the request line and headers of a delivery; <paramref name="contentLength"/> null sends it chunked.</summary>
    public Task SendHeadersAsync(string deliveryId, long? contentLength, string? signature)
    {
        var headers = new StringBuilder()
            .Append("POST /api/github/webhooks HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("X-GitHub-Event: pull_request\r\n")
            .Append(CultureInfo.InvariantCulture, $"X-GitHub-Delivery: {deliveryId}\r\n");
        if (signature is not null)
        {
            headers.Append(CultureInfo.InvariantCulture, $"X-Hub-Signature-256: {signature}\r\n");
        }

        headers.Append(contentLength is { } length ? $"Content-Length: {length.ToString(CultureInfo.InvariantCulture)}\r\n" : "Transfer-Encoding: chunked\r\n");
        headers.Append("\r\n");
        return SendAsync(Encoding.ASCII.GetBytes(headers.ToString()));
    }

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes).ConfigureAwait(false);

    /// <summary>
    /// Sends 256 zero bytes twice a second until stopped or the server closes the connection: slow, but faster than
    /// Kestrel's minimum request body data rate (240 bytes/s), so only the application's own limits end it.
    /// </summary>
    public async Task TrickleAsync(CancellationToken stop)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await pace.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                await SendAsync(new byte[256]).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Stopped by the test, or the server closed the connection.
        }
    }

    /// <summary>Sends one chunk of a chunked body.</summary>
    public Task SendChunkAsync(byte[] bytes) =>
        SendAsync([.. Encoding.ASCII.GetBytes(bytes.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. bytes, .. "\r\n"u8.ToArray()]);

    /// <summary>The status code of the server's answer; fails the test when none comes within <paramref name="timeout"/>.</summary>
    public async Task<int> ReadStatusAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var line = new StringBuilder();
        var buffer = new byte[1];
        try
        {
            while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            {
                if (await _stream.ReadAsync(buffer, deadline.Token).ConfigureAwait(false) == 0)
                {
                    Assert.Fail($"The server closed the connection without an answer (read so far: '{line}').");
                }

                line.Append((char)buffer[0]);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The server did not answer within {timeout}: it is still reading (or waiting for) the body.");
        }

        // "HTTP/1.1 413 Payload Too Large"
        return int.Parse(line.ToString().Split(' ')[1], CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _client.Dispose();
    }
}

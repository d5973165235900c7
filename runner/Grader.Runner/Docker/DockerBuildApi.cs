using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Docker.DotNet;

namespace Grader.Runner.Docker;

/// <summary>One message of the engine's build output: log text, an error, or the id of an image a stage produced.</summary>
/// <param name="AuxImageId">From the engine's <c>aux</c> field, which learner output cannot produce (it only reaches <c>stream</c>).</param>
internal sealed record BuildApiMessage(string? Text, string? Error, string? AuxImageId);

/// <summary>
/// The engine's <c>POST /build</c>, called directly: Docker.DotNet 3.125's build parameters have no cgroup parent
/// and no ulimits, and the query string is generated from its own type, so the process limit and core/nofile limits
/// could not reach the engine through it. Everything else keeps using Docker.DotNet. Always the classic builder
/// (<c>version=1</c>), whose behaviour the runner's Dockerfile checks mirror.
/// </summary>
internal sealed class DockerBuildApi(Uri endpoint)
{
    public const string ApiVersion = "v1.41";

    /// <summary>A single output message larger than this is dropped (with a note) instead of buffered.</summary>
    public const int MaxMessageBytes = 1 << 20;

    public async Task BuildAsync(IReadOnlyList<KeyValuePair<string, string>> query, Stream context, Action<BuildApiMessage> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(onMessage);
        using var handler = CreateHandler(out var baseAddress);
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var path = $"/{ApiVersion}/build?" + string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        using var content = new StreamContent(context, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await ReadBoundedAsync(body, 64 << 10, cancellationToken).ConfigureAwait(false);
                throw new DockerApiException(response.StatusCode, text);
            }
            await ReadMessagesAsync(body, onMessage, cancellationToken).ConfigureAwait(false);
        }
    }

    private HttpMessageHandler CreateHandler(out Uri baseAddress)
    {
        if (endpoint.Scheme == "unix")
        {
            var socketPath = endpoint.LocalPath;
            baseAddress = new Uri("http://docker");
            return new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
        }
        if (endpoint.Scheme is "tcp" or "http")
        {
            baseAddress = new UriBuilder("http", endpoint.Host, endpoint.Port).Uri;
            return new SocketsHttpHandler();
        }
        throw new GraderInfrastructureException($"Builds support the engine at a unix socket or plain tcp endpoint, not '{endpoint.Scheme}'.");
    }

    /// <summary>Newline-delimited JSON messages; each bounded.</summary>
    private static async Task ReadMessagesAsync(Stream body, Action<BuildApiMessage> onMessage, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 << 10];
        using var line = new MemoryStream();
        var dropping = false;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n') continue;
                if (!dropping) line.Write(buffer, start, i - start);
                Emit(line, dropping, onMessage);
                line.SetLength(0);
                dropping = false;
                start = i + 1;
            }
            if (dropping) continue;
            line.Write(buffer, start, read - start);
            if (line.Length > MaxMessageBytes)
            {
                dropping = true;
                line.SetLength(0);
            }
        }
        if (line.Length > 0 || dropping) Emit(line, dropping, onMessage);
    }

    private static void Emit(MemoryStream line, bool dropped, Action<BuildApiMessage> onMessage)
    {
        if (dropped)
        {
            onMessage(new BuildApiMessage($"\n[a build output message over {MaxMessageBytes >> 10} KiB was dropped]\n", null, null));
            return;
        }
        if (line.Length == 0) return;
        try
        {
            using var json = JsonDocument.Parse(line.GetBuffer().AsMemory(0, (int)line.Length));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return;
            string? error = null;
            if (root.TryGetProperty("errorDetail", out var detail) && detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("message", out var detailMessage))
            {
                error = detailMessage.GetString();
            }
            if (error is null && root.TryGetProperty("error", out var errorText) && errorText.ValueKind == JsonValueKind.String) error = errorText.GetString();
            string? aux = null;
            if (root.TryGetProperty("aux", out var auxElement) && auxElement.ValueKind == JsonValueKind.Object
                && auxElement.TryGetProperty("ID", out var id) && id.ValueKind == JsonValueKind.String)
            {
                aux = id.GetString();
            }
            var text = StringOf(root, "stream") ?? StringOf(root, "status");
            if (text is not null || error is not null || aux is not null) onMessage(new BuildApiMessage(text, error, aux));
        }
        catch (JsonException)
        {
            onMessage(new BuildApiMessage(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length) + "\n", null, null));
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<string> ReadBoundedAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = new byte[max];
        var total = 0;
        int read;
        while (total < max && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0) total += read;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>Query parameters of the build endpoint (names as the engine reads them).</summary>
    public static List<KeyValuePair<string, string>> Query(BuildQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var query = new List<KeyValuePair<string, string>>
        {
            new("t", q.Tag),
            new("dockerfile", q.Dockerfile),
            new("labels", JsonSerializer.Serialize(q.Labels)),
            new("version", "1"),
            new("rm", "1"),
            new("forcerm", "1"),
            new("nocache", q.NoCache ? "1" : "0"),
            new("networkmode", q.NetworkMode),
            new("ulimits", JsonSerializer.Serialize(q.Ulimits.Select(u => new Dictionary<string, object> { ["Name"] = u.Name, ["Soft"] = u.Soft, ["Hard"] = u.Hard }))),
        };
        if (q.CgroupParent is not null) query.Add(new("cgroupparent", q.CgroupParent));
        if (q.MemoryBytes is { } memory)
        {
            query.Add(new("memory", memory.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            query.Add(new("memswap", memory.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (q.CpuPeriod is { } period && q.CpuQuota is { } quota)
        {
            query.Add(new("cpuperiod", period.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            query.Add(new("cpuquota", quota.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return query;
    }
}

/// <summary>What the runner asks of the engine's builder.</summary>
internal sealed record BuildQuery(
    string Tag,
    string Dockerfile,
    IReadOnlyDictionary<string, string> Labels,
    bool NoCache,
    string NetworkMode,
    string? CgroupParent,
    IReadOnlyList<(string Name, long Soft, long Hard)> Ulimits,
    long? MemoryBytes,
    long? CpuPeriod,
    long? CpuQuota);

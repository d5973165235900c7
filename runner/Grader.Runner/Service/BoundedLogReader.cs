using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Grader.Runner.Service;

/// <summary>Reads the tail of a container's log (stdout and stderr interleaved), never more than a bound.</summary>
internal static class BoundedLogReader
{
    public static async Task<string> ReadTailAsync(IDockerClient docker, string containerId, int maxBytes, CancellationToken cancellationToken)
    {
        using var stream = await docker.Containers.GetContainerLogsAsync(
            containerId,
            tty: false,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "400" },
            cancellationToken).ConfigureAwait(false);
        // A ring of the last maxBytes: the engine keeps at most the json-file cap (1 MB) anyway.
        var kept = new Queue<byte[]>();
        long keptBytes = 0;
        var buffer = new byte[16 << 10];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF) break;
            kept.Enqueue(buffer[..read.Count]);
            keptBytes += read.Count;
            while (keptBytes - kept.Peek().Length >= maxBytes)
            {
                keptBytes -= kept.Dequeue().Length;
            }
        }
        var all = kept.SelectMany(b => b).ToArray();
        var truncated = all.Length > maxBytes;
        var text = Encoding.UTF8.GetString(truncated ? all[^maxBytes..] : all);
        return truncated ? "[... earlier output dropped ...]\n" + text : text;
    }
}

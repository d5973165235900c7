using System.Diagnostics;
using Docker.DotNet;

namespace Grader.Server.Tests.Fleet;

/// <summary>
/// A Docker engine of one test's own (<c>dockerd</c> in its own network namespace, with its own socket, data root, exec
/// root and containerd; no bridge, no iptables rules), so the test may stop and restart it without disturbing the engine
/// other tests use.
/// Needs root, as any dockerd. Stopping it is SIGTERM with a 1 s shutdown timeout: its containers are stopped as a
/// restarted engine stops them.
/// </summary>
internal sealed class PrivateDockerEngine : IAsyncDisposable
{
    private readonly string _root;
    private readonly Lock _log = new();
    private Process? _daemon;

    private PrivateDockerEngine(string root) => _root = root;

    /// <summary>The engine's socket, as <c>Grader:Docker:Endpoint</c> names it.</summary>
    public Uri Endpoint => new("unix://" + Path.Combine(_root, "docker.sock"));

    private string LogPath => Path.Combine(_root, "dockerd.log");

    public static async Task<PrivateDockerEngine> StartAsync()
    {
        // Short: the socket's path must fit a sockaddr_un (108 bytes), containerd's below exec/ included.
        var root = Path.Combine("/tmp", "gde-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var engine = new PrivateDockerEngine(root);
        await engine.StartDaemonAsync();
        return engine;
    }

    public DockerClient CreateClient() => new DockerClientConfiguration(Endpoint).CreateClient();

    /// <summary>Starts dockerd on this engine's folders (again, after <see cref="StopAsync"/>) and waits until it answers a ping.</summary>
    public async Task StartDaemonAsync()
    {
        // In a network namespace of its own: dockerd without a default bridge deletes any interface named docker0 it
        // sees, which in the host's namespace would be the shared engine's. Its socket is a file, reachable from here.
        var start = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     "--net", "--", "dockerd", "--host", Endpoint.ToString(), "--data-root", Path.Combine(_root, "data"), "--exec-root", Path.Combine(_root, "exec"),
                     "--pidfile", Path.Combine(_root, "dockerd.pid"), "--bridge", "none", "--iptables=false", "--ip6tables=false", "--shutdown-timeout", "1",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var daemon = new Process { StartInfo = start };
        daemon.OutputDataReceived += (_, e) => Log(e.Data);
        daemon.ErrorDataReceived += (_, e) => Log(e.Data);
        daemon.Start();
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        _daemon = daemon;

        using var client = CreateClient();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await client.System.PingAsync();
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or System.Net.Sockets.SocketException or DockerApiException or TimeoutException)
            {
                if (daemon.HasExited || DateTimeOffset.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"dockerd did not answer on {Endpoint}:\n{Output()}", ex);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>SIGTERM to dockerd, then waits until it (and its containerd) exited.</summary>
    public async Task StopAsync()
    {
        if (_daemon is not { } daemon)
        {
            return;
        }

        if (!daemon.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await daemon.WaitForExitAsync(deadline.Token);
        }

        daemon.Dispose();
        _daemon = null;
    }

    /// <summary>What dockerd wrote, for failure messages.</summary>
    public string Output()
    {
        lock (_log)
        {
            return File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            File.AppendAllText(LogPath, line + Environment.NewLine);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Grader.Server.Tests.Serve;

/// <summary>
/// The built <c>grader-server serve</c> as a child process (<c>dotnet grader-server.dll serve</c>) on a free loopback port,
/// its stdout and stderr kept for failure messages. <see cref="KillAsync"/> is SIGKILL of the whole process tree:
/// no shutdown hooks run, as when a machine loses power or the OOM killer strikes.
/// </summary>
public sealed class GraderServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly Lock _gate = new();
    private bool _disposed;

    private GraderServeProcess(Process process, StringBuilder output, Uri baseUrl)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static GraderServeProcess Start(string configPath, IReadOnlyDictionary<string, string> environment) =>
        Start(configPath, environment, ["serve"]);

    /// <summary>Starts <c>grader-server</c> with <paramref name="command"/> (<c>serve --no-runner</c>, <c>work --runner-id X</c>) on this config.</summary>
    public static GraderServeProcess Start(string configPath, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> command)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
        var grader = Path.Combine(AppContext.BaseDirectory, "grader-server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        foreach (var argument in new[] { grader }.Concat(command).Concat(["--config", configPath, "--urls", baseUrl.ToString().TrimEnd('/')]))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        var serve = new GraderServeProcess(process, output, baseUrl);
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>Polls <c>/healthz</c> until it answers 200; fails early with the output when the process exits.</summary>
    public async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"grader serve exited with {_process.ExitCode} before it was healthy:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "healthz"), deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: poll again.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"grader serve was not healthy within {timeout}:\n{Output}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"grader serve was not healthy within {timeout}:\n{Output}");
            }
        }
    }

    public int Id => _process.Id;

    /// <summary>SIGTERM to the process alone (as a container runtime or systemd stops it), then waits until it exits; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        Append("---- exited after SIGTERM ----");
        return _process.ExitCode;
    }

    /// <summary>SIGKILL of the process and its children, then waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        Append("---- killed (SIGKILL) ----");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

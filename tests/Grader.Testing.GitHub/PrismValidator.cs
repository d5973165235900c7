using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Grader.Testing.GitHub;

/// <summary>
/// Stoplight prism in proxy mode with GitHub's OpenAPI description, in front of an upstream (the emulator):
/// every request is validated against the operation GitHub documents; with --errors a request GitHub would
/// reject gets 422 (and an off-spec response 500) with the violations, which are also kept from prism's log.
/// </summary>
public sealed partial class PrismValidator : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private int _lines;

    private PrismValidator(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>How long prism took from launch until it answered.</summary>
    public TimeSpan StartupTime { get; private set; }

    public static async Task<PrismValidator> StartAsync(Uri upstream, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(GitHubTools.Prism)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = GitHubTools.NodeToolsDirectory,
        };
        foreach (var argument in new[] { "proxy", GitHubTools.OpenApiDescription, upstream.AbsoluteUri.TrimEnd('/'), "--errors", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["FORCE_COLOR"] = "0";
        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("prism did not start.");
        var prism = new PrismValidator(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => prism.Append(e.Data);
        process.ErrorDataReceived += (_, e) => prism.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // A test run that dies must not leave prism behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => prism.Kill();
        try
        {
            await prism.WaitUntilListeningAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await prism.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        prism.StartupTime = stopwatch.Elapsed;
        return prism;
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prism exited with {_process.ExitCode}:\n{string.Join('\n', _log)}");
            }

            // prism listens only once it has parsed the 13 MB description; its "listening" line says so.
            if (_log.Any(line => line.Contains("Prism is listening", StringComparison.OrdinalIgnoreCase)))
            {
                return;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"prism did not listen within {timeout}:\n{string.Join('\n', _log)}");
            }

            await WaitForOutputAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Position in prism's log; pass it to <see cref="ViolationsSince"/>.</summary>
    public int Mark() => Volatile.Read(ref _lines);

    /// <summary>Validation errors prism logged after <paramref name="mark"/>: requests or responses off GitHub's description.</summary>
    /// <remarks>
    /// Status codes GitHub really sends but does not list for every operation (502, 429, 403 from injected faults)
    /// are reported by prism as warnings; those are expected and not counted.
    /// </remarks>
    public IReadOnlyList<string> ViolationsSince(int mark) =>
        _log.Skip(mark)
            .Where(line => ViolationLine().IsMatch(line) && !line.Contains("Unable to match the returned status code", StringComparison.Ordinal))
            .ToList();

    public IReadOnlyList<string> LogSince(int mark) => _log.Skip(mark).ToList();

    private readonly SemaphoreSlim _output = new(0);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(AnsiEscape().Replace(line, string.Empty));
        Interlocked.Increment(ref _lines);
        _output.Release();
    }

    private async Task WaitForOutputAsync(TimeSpan atMost, CancellationToken cancellationToken) =>
        await _output.WaitAsync(atMost, cancellationToken).ConfigureAwait(false);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        _output.Dispose();
    }

    [GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    // prism logs each violation through its validator and ends such a request with an error naming the problem type.
    [GeneratedRegex(@"\[VALIDATOR\].*(error|warning)|errors#(VIOLATIONS|UNPROCESSABLE_ENTITY|NO_PATH_MATCHED_ERROR|NO_METHOD_MATCHED_ERROR)", RegexOptions.IgnoreCase)]
    private static partial Regex ViolationLine();
}

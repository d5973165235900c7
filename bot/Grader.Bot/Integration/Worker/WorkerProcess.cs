using System.Diagnostics;
using System.Globalization;
using Grader.Bot.Jobs;
using Grader.Runner;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// One running grading worker: the assignment goes to its stdin (held open while the bot waits), messages come back
/// on its stdout (bounded lines), its stderr goes to this process's log. Its memory and wall clock are bounded: the
/// managed heap by <c>DOTNET_GCHeapHardLimit</c>, the resident set and the deadline by killing its process tree.
/// </summary>
internal sealed partial class WorkerProcess : IDisposable
{
    /// <summary>Longest stderr line logged as one entry; longer ones are logged in pieces.</summary>
    private const int MaxLogLineBytes = 4096;

    /// <summary>Stderr lines logged per worker (a crash's stack trace can run to thousands); the rest are counted.</summary>
    private const int MaxLogLines = 2000;

    /// <summary>How long a worker that answered may take to exit (it removes its containers first).</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan MemoryPollInterval = TimeSpan.FromSeconds(1);

    // The worker needs none of the bot's secrets: it gets the one installation token it needs on stdin.
    // (The former names, Bot__ and GitHub__, are refused at start, but a bot started some other way may still have them.)
    private static readonly string[] SecretPrefixes = ["Grader__Bot__", "Grader__GitHub__", "Grader__Evidence__", "Bot__", "GitHub__"];
    private static readonly string[] SecretWords = ["SECRET", "TOKEN", "PASSWORD", "PRIVATE_KEY", "PRIVATEKEY", "CONNECTIONSTRING"];

    private readonly Process _process;
    private readonly string _jobKey;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private string? _killedBecause;

    private WorkerProcess(Process process, string jobKey, ILogger logger)
    {
        _process = process;
        _jobKey = jobKey;
        _logger = logger;
    }

    public int Id => _process.Id;

    public static WorkerProcess Start(WorkerLaunch launch, GradingWorkerOptions options, string jobKey, ILogger logger)
    {
        var start = new ProcessStartInfo(launch.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in launch.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(IsSecret).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + options.HeapLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        try
        {
            var process = Process.Start(start) ?? throw new GraderInfrastructureException($"The grading worker ({launch.FileName}) did not start.");
            return new WorkerProcess(process, jobKey, logger);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new GraderInfrastructureException($"The grading worker ({launch.FileName}) cannot be started: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Hands the worker its assignment and relays its progress until it answers, dies or is killed (resident memory,
    /// deadline, protocol violation, cancellation). Returns its answer (null: none) and how it ended; throws
    /// <see cref="OperationCanceledException"/> after killing it when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task<WorkerOutcome> RunAsync(WorkerAssignment assignment, IProgress<string> progress, GradingWorkerOptions options, CancellationToken cancellationToken)
    {
        var log = PumpLogAsync();
        using var limits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Killing ends its stdout, so every wait below ends too, whether or not the pipe reads honour cancellation.
        using var onLimit = limits.Token.Register(() =>
            Kill(cancellationToken.IsCancellationRequested ? "the job was stopped" : $"it ran past its deadline of {options.Deadline}"));
        limits.CancelAfter(options.Deadline);
        var watchdog = WatchMemoryAsync(options.ResidentLimitBytes, limits.Token);
        WorkerMessage? answer = null;
        try
        {
            await _process.StandardInput.BaseStream.WriteAsync(WorkerWire.Encode(assignment), limits.Token).ConfigureAwait(false);
            await _process.StandardInput.BaseStream.FlushAsync(limits.Token).ConfigureAwait(false);
            answer = await ReadAnswerAsync(progress, limits.Token).ConfigureAwait(false);
            if (answer is not null)
            {
                // The end of its stdin tells the worker it may go.
                _process.StandardInput.Close();
                using var grace = CancellationTokenSource.CreateLinkedTokenSource(limits.Token);
                grace.CancelAfter(ExitGrace);
                await WaitForExitAsync(grace.Token, "it did not exit after answering").ConfigureAwait(false);
            }
            else
            {
                await _process.WaitForExitAsync(limits.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (limits.IsCancellationRequested)
        {
            // Killed by the limit above.
        }
        catch (InvalidDataException ex)
        {
            Kill($"it wrote {ex.Message} on stdout");
        }
        catch (IOException)
        {
            // Its stdin or stdout closed early: it is dying, and its exit status says how.
            await WaitForExitAsync(limits.Token, "it closed its pipes without exiting").ConfigureAwait(false);
        }
        finally
        {
            Kill("the bot stopped waiting for it");
            await limits.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await log.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        string? killed;
        lock (_gate)
        {
            killed = _killedBecause;
        }

        return new WorkerOutcome(answer, _process.ExitCode, killed);
    }

    /// <summary>Waits for the worker to exit; kills it with <paramref name="reason"/> when <paramref name="cancellationToken"/> fires first.</summary>
    private async Task WaitForExitAsync(CancellationToken cancellationToken, string reason)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(reason);
        }
    }

    private async Task<WorkerMessage?> ReadAnswerAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        await using var lines = new BoundedLineReader(_process.StandardOutput.BaseStream, WorkerWire.MaxLineBytes, split: false);
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            WorkerMessage message;
            try
            {
                message = WorkerWire.Decode<WorkerMessage>(line);
            }
            catch (InvalidDataException)
            {
                // Something in the worker wrote to fd 1 behind .NET's Console (a native library): not a message, only a log line.
                LogStrayOutput(_logger, _jobKey, _process.Id, line.Length > 200 ? line[..200] : line);
                continue;
            }

            if (message.IsFinal)
            {
                return message;
            }

            if (message.Progress is { } step)
            {
                progress.Report(step);
            }
        }

        return null;
    }

    private async Task PumpLogAsync()
    {
        await using var lines = new BoundedLineReader(_process.StandardError.BaseStream, MaxLogLineBytes, split: true);
        var count = 0;
        try
        {
            while (await lines.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                if (++count <= MaxLogLines)
                {
                    LogWorkerOutput(_logger, _jobKey, _process.Id, line);
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke with the process: nothing more to log.
        }

        if (count > MaxLogLines)
        {
            LogOutputCut(_logger, _jobKey, _process.Id, count - MaxLogLines);
        }
    }

    private async Task WatchMemoryAsync(long limitBytes, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(MemoryPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                _process.Refresh();
                if (_process.HasExited)
                {
                    return;
                }

                if (_process.WorkingSet64 > limitBytes)
                {
                    Kill($"it used more than {limitBytes >> 20} MiB of memory");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
        catch (InvalidOperationException)
        {
            // The process is gone.
        }
    }

    /// <summary>SIGKILL of the worker and everything it started; the first reason given is the one reported.</summary>
    private void Kill(string reason)
    {
        lock (_gate)
        {
            if (_killedBecause is not null || _process.HasExited)
            {
                return;
            }

            _killedBecause = reason;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
            LogKilled(_logger, _jobKey, _process.Id, reason);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    private static bool IsSecret(string name) =>
        SecretPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))
        || SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
        Kill("the bot stopped waiting for it");
        _process.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey} worker {ProcessId}: {Line}")]
    private static partial void LogWorkerOutput(ILogger logger, string jobKey, int processId, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey} worker {ProcessId} wrote a line on stdout that is no message: {Line}")]
    private static partial void LogStrayOutput(ILogger logger, string jobKey, int processId, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey} worker {ProcessId}: {Lines} more lines of its output not logged")]
    private static partial void LogOutputCut(ILogger logger, string jobKey, int processId, int lines);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey}: grading worker {ProcessId} killed because {Reason}")]
    private static partial void LogKilled(ILogger logger, string jobKey, int processId, string reason);
}

/// <summary>How a worker run ended: its answer (null when it gave none), its exit code, and why the bot killed it, if it did.</summary>
internal sealed record WorkerOutcome(WorkerMessage? Answer, int ExitCode, string? KilledBecause)
{
    /// <summary>Why the worker is dead rather than answered, in words for the check run and the log.</summary>
    public string DeathCause => KilledBecause is { } reason ? "the grading worker was killed because " + reason
        : Answer is null && ExitCode == 0 ? "the grading worker exited without an answer"
        : "the grading worker " + DescribeExit(ExitCode);

    /// <summary>A process that died of a signal exits with 128 + its number (.NET's convention on Unix).</summary>
    public static string DescribeExit(int exitCode) => exitCode switch
    {
        > 128 and < 128 + 65 => $"died of signal {exitCode - 128}{SignalName(exitCode - 128)}",
        _ => $"exited with code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        6 => " (SIGABRT: an unhandled exception, a stack overflow or running out of memory)",
        9 => " (SIGKILL: the kernel's out-of-memory killer or an operator)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    };
}

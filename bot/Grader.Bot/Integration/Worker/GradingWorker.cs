using Grader.Bot.Jobs;
using Microsoft.Extensions.Logging.Console;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// The body of a grading worker process (<c>grader worker</c>): reads one <see cref="WorkerAssignment"/> from stdin,
/// grades it with the runner and writes <see cref="WorkerMessage"/> lines on stdout; logs go to stderr. Grades until
/// done, or until stdin ends (the bot that started it is gone), then cleans up what it started and exits.
/// </summary>
public static partial class GradingWorker
{
    /// <summary>The <c>grader</c> subcommand that runs this.</summary>
    public const string Subcommand = "worker";

    /// <summary>The final message was written.</summary>
    public const int Answered = 0;

    /// <summary>No usable assignment on stdin.</summary>
    public const int NoAssignment = 2;

    /// <summary>Stopped without an answer: the bot went away or the process was asked to stop.</summary>
    public const int Stopped = 3;

    public static async Task<int> RunAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        // stdout carries the protocol only: anything else writing to the console lands in the log on stderr.
        Console.SetOut(Console.Error);
        // Not disposed: its last read (stdin's end, WatchInputAsync) may still block when the worker exits.
        var lines = new BoundedLineReader(input, WorkerWire.MaxLineBytes, split: false);
        WorkerAssignment assignment;
        try
        {
            assignment = WorkerWire.Decode<WorkerAssignment>(await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("stdin ended before the assignment"));
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync($"grader worker: no assignment: {ex.Message}").ConfigureAwait(false);
            return NoAssignment;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(assignment.Settings).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging
                .AddConfiguration(configuration.GetSection("Logging"))
                .AddSimpleConsole(o => o.SingleLine = true))
            .Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddGraderRunner(configuration)
            .AddSingleton<PipelineSubmissionGrader>()
            .BuildServiceProvider();
        await using (services.ConfigureAwait(false))
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GradingWorker));
            if (!CoreDumps.TryDisable())
            {
                LogCoreDumpsOn(logger);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var writer = new MessageWriter(output, stop);
            // Console reads do not honour cancellation: the watch ends with stdin, or with the process.
            _ = WatchInputAsync(lines, stop, logger);
            var final = await GradeAsync(services.GetRequiredService<PipelineSubmissionGrader>(), assignment, writer, stop.Token, logger).ConfigureAwait(false);
            return final is not null && writer.TryWrite(final) ? Answered : Stopped;
        }
    }

    private static async Task<WorkerMessage?> GradeAsync(PipelineSubmissionGrader grader, WorkerAssignment assignment, MessageWriter writer, CancellationToken stop, ILogger logger)
    {
        try
        {
            var graded = await grader.GradeAsync(assignment, writer, stop).ConfigureAwait(false);
            return new WorkerMessage { Result = graded.Result, Evidence = graded.Evidence, Steps = graded.Steps, Visible = graded.Visible };
        }
        catch (IncompleteGradingException incomplete)
        {
            return new WorkerMessage { Result = incomplete.Partial, Error = incomplete.Message, Evidence = incomplete.Evidence, Steps = incomplete.Steps };
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            LogStopped(logger, assignment.JobKey);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not InsufficientExecutionStackException)
        {
            // A grader error the pipeline did not turn into a result: the bot retries it like any other.
            LogFailed(logger, assignment.JobKey, ex);
            return new WorkerMessage { Error = ex.Message };
        }
    }

    /// <summary>Reads stdin to its end: the bot holds it open while it waits, so its end means the bot is gone.</summary>
    private static async Task WatchInputAsync(BoundedLineReader lines, CancellationTokenSource stop, ILogger logger)
    {
        try
        {
            while (await lines.ReadLineAsync(stop.Token).ConfigureAwait(false) is not null)
            {
            }

            LogParentGone(logger);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidDataException or ObjectDisposedException)
        {
            // The same: nobody waits for an answer any more.
        }

        try
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The worker finished first.
        }
    }

    /// <summary>Writes whole lines, one at a time from any thread; a bot that stopped reading stops the grading.</summary>
    private sealed class MessageWriter(Stream output, CancellationTokenSource stop) : IProgress<string>
    {
        private readonly Lock _gate = new();

        public void Report(string value) =>
            TryWrite(new WorkerMessage { Progress = value.Length > WorkerWire.MaxProgressChars ? value[..WorkerWire.MaxProgressChars] : value });

        public bool TryWrite(WorkerMessage message)
        {
            var line = WorkerWire.Encode(message);
            lock (_gate)
            {
                try
                {
                    output.Write(line);
                    output.Flush();
                    return true;
                }
                catch (IOException)
                {
                    // Cancelled outside the lock below: cancellation callbacks may report progress themselves.
                }
            }

            stop.Cancel();
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey}: grading stopped before it finished")]
    private static partial void LogStopped(ILogger logger, string jobKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobKey}: grading failed with a grader error")]
    private static partial void LogFailed(ILogger logger, string jobKey, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Core dumps could not be turned off for this worker")]
    private static partial void LogCoreDumpsOn(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "stdin ended: the bot that started this worker is gone or has its answer")]
    private static partial void LogParentGone(ILogger logger);
}

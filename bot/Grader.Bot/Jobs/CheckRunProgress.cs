using Grader.Bot.Storage;
using Grader.Rubrics.Text;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Jobs;

/// <summary>
/// Shows the step in flight on the check run (in_progress), escaped as one bounded line of Markdown. Best effort and never blocking the grading:
/// updates are sent one at a time, the latest step wins, failures are logged (the final result goes
/// through the outbox and is never lost). Once the job is stopped (<paramref name="stopped"/>: superseded,
/// PR closed, shutdown) nothing more is sent and a send in flight is abandoned, so the steps of a cancelled
/// grading's clean-up cannot put its check run back in progress after the outbox completed it.
/// </summary>
internal sealed partial class CheckRunProgress(GraderStore store, GradingPublisher publisher, GradingJobRecord job, ILogger logger, CancellationToken stopped) : IProgress<string>, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private string? _pending;
    private bool _active;
    private bool _closed;
    private Task _sending = Task.CompletedTask;

    /// <summary>Longest step text shown; the step's own text (a build's "Step 2/5 : RUN ...") comes from the learner's files.</summary>
    public const int MaxStepChars = 200;

    public void Report(string value)
    {
        if (stopped.IsCancellationRequested)
        {
            return;
        }

        // One escaped line: learner text renders literally, with no links, mentions, HTML or extra lines.
        var step = MarkdownText.Escape(value, MaxStepChars);
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _pending = step;
            if (!_active)
            {
                _active = true;
                _sending = Task.Run(SendAsync);
            }
        }
    }

    private async Task SendAsync()
    {
        while (true)
        {
            string step;
            lock (_gate)
            {
                if (_pending is null)
                {
                    _active = false;
                    return;
                }

                step = _pending;
                _pending = null;
            }

            try
            {
                var current = await store.GetJobAsync(job.JobKey, stopped).ConfigureAwait(false);
                if (current is { State: JobState.Running, CheckRunId: long checkRunId })
                {
                    await publisher.ReportProgressAsync(job.PublishTarget, checkRunId, step, stopped).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopped.IsCancellationRequested)
            {
                lock (_gate)
                {
                    _pending = null;
                    _active = false;
                }

                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogProgressFailed(logger, job.JobKey, step, ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task sending;
        lock (_gate)
        {
            _closed = true;
            _pending = null;
            sending = _sending;
        }

        await sending.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey}: progress '{Step}' not shown on the check run")]
    private static partial void LogProgressFailed(ILogger logger, string jobKey, string step, Exception exception);
}

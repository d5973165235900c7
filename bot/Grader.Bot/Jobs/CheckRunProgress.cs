using Grader.Bot.Publishing;
using Grader.Bot.Storage;

namespace Grader.Bot.Jobs;

/// <summary>
/// Shows the step in flight on the check run (in_progress). Best effort and never blocking the grading:
/// updates are sent one at a time, the latest step wins, failures are logged (the final result goes
/// through the outbox and is never lost).
/// </summary>
internal sealed partial class CheckRunProgress(GraderStore store, IResultPublisher publisher, GradingJobRecord job, ILogger logger) : IProgress<string>, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private string? _pending;
    private bool _active;
    private Task _sending = Task.CompletedTask;

    public void Report(string value)
    {
        lock (_gate)
        {
            _pending = value;
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
                var current = await store.GetJobAsync(job.JobKey, CancellationToken.None).ConfigureAwait(false);
                if (current?.CheckRunId is long checkRunId)
                {
                    await publisher.ReportProgressAsync(job.PullRequest, checkRunId, step, CancellationToken.None).ConfigureAwait(false);
                }
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
            _pending = null;
            sending = _sending;
        }

        await sending.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobKey}: progress '{Step}' not shown on the check run")]
    private static partial void LogProgressFailed(ILogger logger, string jobKey, string step, Exception exception);
}

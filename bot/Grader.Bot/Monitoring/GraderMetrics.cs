using System.Globalization;
using Prometheus;

namespace Grader.Bot.Monitoring;

/// <summary>
/// Every Prometheus metric the bot and its runners export, in one registry per host (so hosts sharing a process, as in
/// the tests, do not add up). Served on <c>/metrics</c> by bot/Grader.Bot.AspNetCore. The names are the contract of
/// ops/ (Grafana dashboard, alerting rules, runbook): <see cref="Names"/> lists them and a test keeps ops/ in step.
/// Readings that only exist somewhere (queue depth, GPUs) are taken when scraped, by <see cref="GraderMetricsCollector"/>.
/// </summary>
public sealed class GraderMetrics
{
    public const string WebhookDeliveries = "grader_webhook_deliveries_total";
    public const string QueueDepth = "grader_queue_depth";
    public const string QueueWait = "grader_queue_wait_seconds";
    public const string Jobs = "grader_jobs_total";
    public const string StepDuration = "grader_grading_step_duration_seconds";
    public const string GitHubApiCalls = "grader_github_api_calls_total";
    public const string GitHubRateLimitRemaining = "grader_github_rate_limit_remaining";
    public const string RunnerBusy = "grader_runner_busy";
    public const string RunnerWorkers = "grader_runner_workers";
    public const string GpuUtilization = "grader_gpu_utilization_ratio";
    public const string GpuMemoryUsed = "grader_gpu_memory_used_bytes";
    public const string FrontActive = "grader_front_active";

    /// <summary>The metric families this class declares (histograms also export _bucket, _sum and _count series).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        WebhookDeliveries, QueueDepth, QueueWait, Jobs, StepDuration, GitHubApiCalls, GitHubRateLimitRemaining,
        RunnerBusy, RunnerWorkers, GpuUtilization, GpuMemoryUsed, FrontActive,
    ];

    /// <summary>The histograms among <see cref="Names"/>.</summary>
    public static IReadOnlyList<string> Histograms { get; } = [QueueWait, StepDuration];

    private readonly Counter _deliveries;
    private readonly Gauge _queueDepth;
    private readonly Histogram _queueWait;
    private readonly Counter _jobs;
    private readonly Histogram _stepDuration;
    private readonly Counter _gitHubCalls;
    private readonly Gauge _rateLimitRemaining;
    private readonly Gauge _runnerBusy;
    private readonly Gauge _runnerWorkers;
    private readonly Gauge _gpuUtilization;
    private readonly Gauge _gpuMemory;
    private readonly Gauge _frontActive;

    /// <param name="runner">This process's runner id (<c>runner.runner_id</c>): the <c>runner</c> label of the runner and GPU series.</param>
    public GraderMetrics(string runner)
    {
        Runner = runner;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _deliveries = factory.CreateCounter(WebhookDeliveries, "Webhook deliveries received, by event and what intake did with them (accepted, ignored, duplicate).", "event", "outcome");
        _queueDepth = factory.CreateGauge(QueueDepth, "Jobs waiting in a Hangfire queue (enqueued, not yet taken by a runner).", "queue");
        // Waits range from a second (idle fleet) to hours (a course deadline): buckets up to two hours.
        _queueWait = factory.CreateHistogram(QueueWait, "Time from a job's enqueueing to a runner starting it, per attempt.", new HistogramConfiguration
        {
            LabelNames = ["queue"],
            Buckets = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
        });
        _jobs = factory.CreateCounter(Jobs, "Grading job attempts that ended, by queue and outcome (succeeded, retried, failed, cancelled, dropped, interrupted).", "queue", "outcome");
        _stepDuration = factory.CreateHistogram(StepDuration, "Duration of a grading pipeline step (checkout, image, service, checks...).", new HistogramConfiguration
        {
            LabelNames = ["step"],
            Buckets = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800],
        });
        _gitHubCalls = factory.CreateCounter(GitHubApiCalls, "GitHub REST API requests sent (every attempt), by method and HTTP status (error: no answer).", "method", "status");
        _rateLimitRemaining = factory.CreateGauge(GitHubRateLimitRemaining, "x-ratelimit-remaining of GitHub's latest answer, by rate-limit resource (core, search, graphql...).", "resource");
        _runnerBusy = factory.CreateGauge(RunnerBusy, "Grading jobs this runner process is running now.", "runner");
        _runnerWorkers = factory.CreateGauge(RunnerWorkers, "Grading jobs this runner process runs at once (its Hangfire workers); idle = workers - busy.", "runner");
        _gpuUtilization = factory.CreateGauge(GpuUtilization, "GPU utilisation (0..1) read through NVML when scraped; no series on a runner without GPU.", "runner", "gpu");
        _gpuMemory = factory.CreateGauge(GpuMemoryUsed, "GPU memory in use, in bytes, read through NVML when scraped; no series on a runner without GPU.", "runner", "gpu");
        _frontActive = factory.CreateGauge(FrontActive, "1 on the webhook front holding the front lease (it interprets deliveries and publishes to GitHub), 0 on a standby front.", "front");
    }

    public CollectorRegistry Registry { get; }

    public string Runner { get; }

    public void DeliveryReceived(string @event, string outcome) => _deliveries.WithLabels(@event, outcome).Inc();

    public void SetQueueDepth(string queue, long depth) => _queueDepth.WithLabels(queue).Set(depth);

    public void JobStarted(string queue, TimeSpan waited) => _queueWait.WithLabels(queue).Observe(Math.Max(0, waited.TotalSeconds));

    public void JobEnded(string queue, string outcome) => _jobs.WithLabels(queue, outcome).Inc();

    public void StepTimed(string step, TimeSpan duration) => _stepDuration.WithLabels(step).Observe(duration.TotalSeconds);

    public void GitHubCall(string method, int? status) =>
        _gitHubCalls.WithLabels(method, status?.ToString(CultureInfo.InvariantCulture) ?? "error").Inc();

    public void GitHubRateLimit(string resource, long remaining) => _rateLimitRemaining.WithLabels(resource).Set(remaining);

    /// <summary>This process runs jobs with <paramref name="workers"/> workers: its busy and workers series exist from now on.</summary>
    public void RunnerStarted(int workers)
    {
        _runnerWorkers.WithLabels(Runner).Set(workers);
        _runnerBusy.WithLabels(Runner).Inc(0);
    }

    /// <summary>A job starts on this runner; disposing the handle ends it.</summary>
    public IDisposable JobRunning()
    {
        var busy = _runnerBusy.WithLabels(Runner);
        busy.Inc();
        return new Release(busy);
    }

    /// <summary>This webhook front became the active one, or stands by.</summary>
    public void FrontLease(bool active) => _frontActive.WithLabels(Runner).Set(active ? 1 : 0);

    public void GpuReading(string gpu, double utilization, long memoryUsedBytes)
    {
        _gpuUtilization.WithLabels(Runner, gpu).Set(utilization);
        _gpuMemory.WithLabels(Runner, gpu).Set(memoryUsedBytes);
    }

    private sealed class Release(Gauge.Child gauge) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gauge.Dec();
        }
    }
}

/// <summary>Job outcomes counted by <see cref="GraderMetrics.Jobs"/>.</summary>
public static class JobOutcomes
{
    /// <summary>Graded; the result (whatever the learner's conclusion) is in the outbox.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>A grader error with attempts left: Hangfire runs it again.</summary>
    public const string Retried = "retried";

    /// <summary>A grader error on the last attempt: published as a grader error.</summary>
    public const string Failed = "failed";

    /// <summary>Superseded or cancelled while running.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Superseded or cancelled before it ran.</summary>
    public const string Dropped = "dropped";

    /// <summary>Stopped by the runner's shutdown; reconciled when a runner starts.</summary>
    public const string Interrupted = "interrupted";
}

using System.Diagnostics;

namespace Grader.Runner.Pipeline;

/// <summary>Times steps, reports progress and collects the step list of one job.</summary>
internal sealed class StepRecorder(IProgress<GradingProgress>? progress, TimeProvider time)
{
    private readonly List<StepTiming> _steps = [];
    private readonly Lock _gate = new();
    private readonly long _jobStart = time.GetTimestamp();

    /// <summary>Finished steps in the order they finished.</summary>
    public IReadOnlyList<StepTiming> Steps
    {
        get
        {
            lock (_gate) return [.. _steps];
        }
    }

    public TimeSpan Elapsed => time.GetElapsedTime(_jobStart);

    public Step Start(string name)
    {
        progress?.Report(new GradingProgress(name, StepStatus.Started, TimeSpan.Zero));
        return new Step(this, name, time.GetUtcNow(), Stopwatch.StartNew());
    }

    public void Skip(string name, string reason)
    {
        lock (_gate) _steps.Add(new StepTiming(name, StepStatus.Skipped, time.GetUtcNow(), TimeSpan.Zero, reason));
        progress?.Report(new GradingProgress(name, StepStatus.Skipped, TimeSpan.Zero, reason));
    }

    public IProgress<string> MessagesFor(string name) =>
        new InlineProgress<string>(m => progress?.Report(new GradingProgress(name, StepStatus.Running, TimeSpan.Zero, m)));

    internal sealed class Step(StepRecorder recorder, string name, DateTimeOffset startedAt, Stopwatch watch)
    {
        public string Name => name;

        public void End(StepStatus status, string? message = null)
        {
            var timing = new StepTiming(name, status, startedAt, watch.Elapsed, message);
            lock (recorder._gate) recorder._steps.Add(timing);
            recorder.ReportEnd(timing);
        }
    }

    private void ReportEnd(StepTiming timing) =>
        progress?.Report(new GradingProgress(timing.Step, timing.Status, timing.Duration, timing.Message));

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool and reorder events).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

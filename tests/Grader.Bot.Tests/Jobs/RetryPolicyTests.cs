using Grader.Bot.Configuration;
using Grader.Bot.Jobs;
using Grader.Bot.Tests.Support;
using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.Logging;
using Hangfire.States;

namespace Grader.Bot.Tests.Jobs;

/// <summary>The retry filter as Hangfire applies it: a real server on its own in-memory storage and a job that always fails.</summary>
internal sealed class RetryPolicyTests
{
    private const string Queue = "retry-policy-test";

    [Test]
    public async Task Create_DelaysOneThenTwoAndThreeRetries_RetriesWaitOneTwoTwoSeconds()
    {
        // Hangfire logs through a global provider; a bot host of an earlier test left its disposed one there.
        LogProvider.SetCurrentLogProvider(new SilentLogProvider());
        var options = new RetryOptions { Attempts = 3, DelaysInSeconds = [1, 2] };
        using var storage = new InMemoryStorage();
        var filters = new JobFilterCollection { RetryPolicy.Create(options) };
        var client = new BackgroundJobClient(storage, filters);
        using var server = new BackgroundJobServer(
            new BackgroundJobServerOptions { Queues = [Queue], WorkerCount = 1, SchedulePollingInterval = TimeSpan.FromMilliseconds(200), FilterProvider = filters },
            storage);

        var id = client.Create(Job.FromExpression(() => AlwaysFails.Run(), Queue), new EnqueuedState(Queue));
        await Eventually.ThatAsync(
            () => Task.FromResult(CurrentState(storage, id)),
            state => state == FailedState.StateName,
            "the job failed for good after its retries",
            TimeSpan.FromSeconds(60));
        var history = storage.GetMonitoringApi().JobDetails(id).History;

        var delays = history.Where(s => s.StateName == ScheduledState.StateName)
            .OrderBy(s => s.CreatedAt)
            .Select(s => Math.Round((JobHelper.DeserializeDateTime(s.Data["EnqueueAt"]) - JobHelper.DeserializeDateTime(s.Data["ScheduledAt"])).TotalSeconds))
            .ToList();
        Assert.That(delays, Is.EqualTo(new double[] { 1, 2, 2 }), "the first retry waits the first configured delay; the last one repeats");
    }

    private static string? CurrentState(JobStorage storage, string id)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(id)?.Name;
    }

    private sealed class SilentLogProvider : ILogProvider, ILog
    {
        public ILog GetLogger(string name) => this;

        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }

    public static class AlwaysFails
    {
        public static void Run() => throw new InvalidOperationException("this job always fails");
    }
}

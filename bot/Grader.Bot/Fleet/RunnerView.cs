using System.Globalization;
using Grader.Bot.Storage;

namespace Grader.Bot.Fleet;

/// <summary>
/// A runner as operators see it (<c>grader-server runners</c>, the bot's <c>/runners</c> page): its state is <c>lost</c>
/// when its heartbeat stopped while it should be beating.
/// </summary>
public sealed record RunnerView(string RunnerId, string Host, string State, IReadOnlyList<string> Queues, int Concurrency, IReadOnlyList<string> Gpus, long HeartbeatSecondsAgo, IReadOnlyList<string> RunningJobs)
{
    public static RunnerView From(RunnerStatus status, DateTimeOffset now, TimeSpan heartbeat)
    {
        ArgumentNullException.ThrowIfNull(status);
        var registration = status.Registration;
        var capabilities = RunnerCapabilities.FromJson(registration.Capabilities);
        var gpus = capabilities?.Gpus.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Index}: {g.Name} {g.MemoryBytes >> 30} GiB")).ToList() ?? [];
        var state = status.IsLost(now, heartbeat) ? "lost" : status.State.ToString().ToLowerInvariant();
        return new RunnerView(registration.RunnerId, registration.Host, state, registration.Queues, registration.Concurrency, gpus,
            (long)Math.Max(0, (now - status.HeartbeatAt).TotalSeconds), status.RunningJobs);
    }
}

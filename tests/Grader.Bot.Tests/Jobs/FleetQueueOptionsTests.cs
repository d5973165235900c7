using Grader.Bot.Configuration;
using Grader.Bot.Jobs;

namespace Grader.Bot.Tests.Jobs;

/// <summary>
/// The fleet's Hangfire.PostgreSql options: the settings that keep a long grading from running twice and keep an idle
/// worker from hanging. The behaviour behind them runs in the fleet tests (Grader.Server.Tests, Fleet); these guard the
/// options themselves, which nothing else would notice changing until a job ran twice or stuck.
/// </summary>
internal sealed class FleetQueueOptionsTests
{
    [Test]
    public void For_ConfiguredTimeouts_SlidingInvisibilityAndPollIntervalFromTheSettings()
    {
        var options = FleetQueueOptions.For(new BotOptions { JobVisibilityTimeout = TimeSpan.FromMinutes(7), QueuePollInterval = TimeSpan.FromMilliseconds(250) });

        Assert.Multiple(() =>
        {
            Assert.That(options.UseSlidingInvisibilityTimeout, Is.True, "a live runner keeps its job invisible");
            Assert.That(options.InvisibilityTimeout, Is.EqualTo(TimeSpan.FromMinutes(7)));
            Assert.That(options.QueuePollInterval, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(options.SchemaName, Is.EqualTo("hangfire"));
        });
    }

    [Test]
    public void For_AnySettings_LongPollingOff()
    {
        // Long polling's per-fetch LISTEN task can fail to end (npgsql/npgsql#5975): the worker then waits for ever with
        // the job it fetched, which the sliding timeout keeps invisible to every other runner.
        Assert.That(FleetQueueOptions.For(new BotOptions()).EnableLongPolling, Is.False);
    }
}

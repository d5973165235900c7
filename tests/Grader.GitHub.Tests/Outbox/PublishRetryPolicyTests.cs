using System.Net;
using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Octokit;

namespace Grader.GitHub.Tests.Outbox;

/// <summary>The outbox's one retry policy, decided from what GitHub answered, the attempt and the entry's age.</summary>
public sealed class PublishRetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static PublishRetryPolicy Policy(Action<PublishingOptions>? configure = null)
    {
        var options = new PublishingOptions { OutboxBaseDelay = TimeSpan.FromSeconds(5), OutboxMaxDelay = TimeSpan.FromSeconds(30) };
        configure?.Invoke(options);
        return new PublishRetryPolicy(Options.Create(options));
    }

    private static ApiException Answer(HttpStatusCode status, string body = "{}", params (string Name, string Value)[] headers) =>
        new(new FakeResponse(status, body, headers.ToDictionary(h => h.Name, h => h.Value)));

    [Test]
    public void AfterFailure_ServerErrorsNamingNoTime_WaitsDoublingUpToTheMax()
    {
        var policy = Policy();

        var waits = Enumerable.Range(1, 5)
            .Select(attempt => policy.AfterFailure(Answer(HttpStatusCode.BadGateway), attempt, Now, Now).NextAttemptAt - Now)
            .ToList();

        Assert.That(waits, Is.EqualTo(new TimeSpan?[] { TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30) }));
    }

    [Test]
    public void AfterFailure_NetworkFailure_RetriedWithBackoff()
    {
        var decision = Policy().AfterFailure(new HttpRequestException("reset", null, HttpStatusCode.BadGateway), 2, Now, Now);

        Assert.That(decision.NextAttemptAt, Is.EqualTo(Now + TimeSpan.FromSeconds(10)));
    }

    [TestCase(HttpStatusCode.TooManyRequests, "{}")]
    [TestCase(HttpStatusCode.Forbidden, "{\"message\":\"You have exceeded a secondary rate limit.\"}")]
    public void AfterFailure_ThrottledWithRetryAfter_WaitsWhatGitHubAskedNotTheBackoff(HttpStatusCode status, string body)
    {
        var decision = Policy().AfterFailure(Answer(status, body, ("Retry-After", "7")), 4, Now, Now);

        Assert.That(decision.NextAttemptAt, Is.EqualTo(Now + TimeSpan.FromSeconds(7)));
    }

    [Test]
    public void AfterFailure_PrimaryRateLimitExhausted_WaitsUntilTheReset()
    {
        var reset = Now.AddMinutes(42);

        var decision = Policy().AfterFailure(
            Answer(HttpStatusCode.Forbidden, "{}", ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))),
            1, Now, Now);

        Assert.That(decision.NextAttemptAt, Is.EqualTo(reset));
    }

    [Test]
    public void AfterFailure_RetryAfterBeyondAnHour_WaitsAnHourAtMost()
    {
        var decision = Policy().AfterFailure(Answer(HttpStatusCode.TooManyRequests, "{}", ("Retry-After", "86400")), 1, Now, Now);

        Assert.That(decision.NextAttemptAt, Is.EqualTo(Now + PublishRetryPolicy.LongestRequestedWait));
    }

    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.UnprocessableEntity)]
    [TestCase(HttpStatusCode.Forbidden)]
    public void AfterFailure_RefusedForGood_GivesUpAtTheFirstAttempt(HttpStatusCode status)
    {
        var decision = Policy().AfterFailure(Answer(status, "{\"message\":\"Resource not accessible by integration\"}"), 1, Now, Now);

        Assert.Multiple(() =>
        {
            Assert.That(decision.GiveUp, Is.True);
            Assert.That(decision.Why, Does.Contain("for good"));
        });
    }

    [Test]
    public void AfterFailure_LastAttempt_GivesUpAndTheOneBeforeRetries()
    {
        var policy = Policy(o => o.OutboxMaxAttempts = 3);

        var second = policy.AfterFailure(Answer(HttpStatusCode.BadGateway), 2, Now, Now);
        var third = policy.AfterFailure(Answer(HttpStatusCode.BadGateway), 3, Now, Now);

        Assert.Multiple(() =>
        {
            Assert.That(second.GiveUp, Is.False);
            Assert.That(third.GiveUp, Is.True);
            Assert.That(third.Why, Does.Contain("3 attempts"));
        });
    }

    [Test]
    public void AfterFailure_NextAttemptWouldBePastTheMaxAge_GivesUp()
    {
        var policy = Policy(o => o.OutboxMaxAge = TimeSpan.FromHours(1));

        var young = policy.AfterFailure(Answer(HttpStatusCode.BadGateway), 1, Now.AddMinutes(-59).AddSeconds(-55), Now);
        var old = policy.AfterFailure(Answer(HttpStatusCode.BadGateway), 1, Now.AddMinutes(-59).AddSeconds(-56), Now);

        Assert.Multiple(() =>
        {
            Assert.That(young.NextAttemptAt, Is.EqualTo(Now + TimeSpan.FromSeconds(5)), "due exactly at the age limit");
            Assert.That(old.GiveUp, Is.True, "one second past it");
        });
    }

    [Test]
    public void Options_AttemptsBelowOne_RefusedWhenRead()
    {
        using var services = new ServiceCollection()
            .AddGraderGitHub()
            .Configure<PublishingOptions>(o => o.OutboxMaxAttempts = 0)
            .BuildServiceProvider();

        Assert.That(() => services.GetRequiredService<IOptions<PublishingOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("outbox_max_attempts"));
    }

    private sealed class FakeResponse(HttpStatusCode status, string body, IReadOnlyDictionary<string, string> headers) : IResponse
    {
        public object Body => body;
        public IReadOnlyDictionary<string, string> Headers => headers;
        public ApiInfo ApiInfo => null!;
        public HttpStatusCode StatusCode => status;
        public string ContentType => "application/json";
    }
}

using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Logging;

public sealed class TokenRedactionTests : PrismValidatedTest
{
    [Test]
    public async Task DeliverDue_WithRetriesAndReschedule_LogsNoTokenOrJwt()
    {
        await using var harness = GitHubClientHarness.Create(GitHub);
        var publisher = harness.Get<GradingPublisher>();
        var id = await publisher.StartAsync(harness.Target(), null, CancellationToken.None);
        harness.Emulator.InjectFault(new Fault("PATCH", "/repos/" + harness.Repository.FullName, FaultKind.ServerError, 1));
        harness.Emulator.InjectFault(new Fault("POST", "/repos/" + harness.Repository.FullName, FaultKind.PrimaryRateLimitExhausted, 1, ResetAt: harness.Time.GetUtcNow().AddHours(1)));

        await harness.Outbox.EnqueueAsync(Publication.ForResult("job-1/result", harness.Target(), new PublishableResult
        {
            Title = "t", Summary = "s", Conclusion = PublishConclusion.Neutral, ReviewBody = "b",
        }) with { CheckRunId = id }, CancellationToken.None);
        await harness.AdvanceUntilDoneAsync(harness.Get<OutboxRelay>().DeliverDueAsync(CancellationToken.None), TimeSpan.FromSeconds(1));

        var tokens = harness.Emulator.IssuedTokens(harness.Installation);
        var jwts = harness.Emulator.Requests().Select(r => r.Authorization).OfType<string>()
            .Where(a => a.StartsWith("Bearer eyJ", StringComparison.Ordinal)).Select(a => a["Bearer ".Length..]).Distinct().ToList();
        var logged = string.Join('\n', harness.Logs.Entries.Select(e => e.Message + e.Exception + string.Join(',', e.State.Select(kv => kv.Value))));
        Assert.Multiple(() =>
        {
            Assert.That(harness.Outbox.Rows.Single().Entry.Attempts, Is.EqualTo(1), "the scenario must have gone through retries and a reschedule");
            Assert.That(harness.Logs.Entries, Has.Some.Matches<CapturedLog>(e => e.EventId.Id == 2502), "the reschedule is logged with its reason");
            Assert.That(tokens, Is.Not.Empty);
            Assert.That(jwts, Is.Not.Empty);
            Assert.That(harness.Logs.Entries, Has.Some.Matches<CapturedLog>(e => e.EventId.Id == 2001), "token issuance is logged, without the token");
            foreach (var secret in tokens.Concat(jwts))
            {
                Assert.That(logged, Does.Not.Contain(secret));
            }
        });
    }

    [TestCase("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2lnbmF0dXJlc2ln", "Authorization: Bearer ***")]
    [TestCase("failed with token ghs_16C7e42F292c6912E7710c838347Ae178B4a here", "failed with token *** here")]
    [TestCase("clone https://x-access-token:ghs_abcdefghijklmnopqrstu@github.com/o/r.git", "clone https://***@github.com/o/r.git")]
    [TestCase("Basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==", "Basic ***")]
    [TestCase("nothing secret in 42 words", "nothing secret in 42 words")]
    public void Redact_TextWithCredentials_MasksThem(string text, string expected) =>
        Assert.That(SecretRedactor.Redact(text), Is.EqualTo(expected));
}

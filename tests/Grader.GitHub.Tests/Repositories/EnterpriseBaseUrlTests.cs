using Grader.GitHub.Publishing;
using Grader.GitHub.Tests.Support;
using Grader.Testing.GitHub;

namespace Grader.GitHub.Tests.Repositories;

public sealed class EnterpriseBaseUrlTests : PrismValidatedTest
{
    [TestCase("api/v3")]
    [TestCase("api/v3/")]
    public async Task PublishAsync_EnterpriseApiBaseUrl_SendsEveryRequestUnderApiV3(string relative)
    {
        await using var harness = GitHubClientHarness.Create(GitHub, apiBaseUrl: new Uri(GitHub.Emulator.BaseUrl, relative));
        var publisher = harness.Get<GradingPublisher>();
        var id = await publisher.StartAsync(harness.Target(), null, CancellationToken.None);
        var receipt = await publisher.PublishAsync(harness.Target(), id, new PublishableResult
        {
            Title = "Passed", Summary = "s", Conclusion = PublishConclusion.Success, ReviewBody = "ok",
        }, CancellationToken.None);

        var forwarded = harness.Emulator.Requests().Where(r => r.Path.Contains(harness.Repository.Name, StringComparison.Ordinal) || r.Path.Contains($"/app/installations/{harness.Installation.Id}/", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(receipt.CheckRunId, Is.EqualTo(id));
            Assert.That(forwarded.Where(r => r.Path.StartsWith("/api/v3/", StringComparison.Ordinal)).Select(r => r.Method + " " + r.Path[7..]),
                Is.EqualTo(forwarded.Where(r => !r.Path.StartsWith("/api/v3/", StringComparison.Ordinal)).Select(r => r.Method + " " + r.Path)),
                "every request arrived under /api/v3 and, validated by prism, reached the API");
            Assert.That(forwarded.Count(r => r.Path.StartsWith("/api/v3/", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(5));
        });
    }
}

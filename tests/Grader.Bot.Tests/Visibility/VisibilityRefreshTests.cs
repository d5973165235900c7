using Grader.Bot.Configuration;
using Grader.Bot.Intake;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Bot.Visibility;
using Grader.GitHub.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Grader.Bot.Tests.Visibility;

/// <summary>
/// Visibility that changes after grading, end to end: a review posted while a criterion was concealed is edited in
/// place (never reposted, never regraded) once the instructor publishes the results or the learner's due date passes;
/// doing it again edits nothing, and a grading after publication shows the criterion at once.
/// </summary>
internal sealed class VisibilityRefreshTests : BotTestBase
{
    private const string HiddenTitle = "Hidden tests pass";
    private const string HealthcheckTitle = "The Dockerfile declares a HEALTHCHECK";

    // The hidden tests are shown once results are published, the HEALTHCHECK criterion once the due date (2099) passed.
    private static readonly string Rubric = TestCourse.HelloRubric
        .Replace("        hidden: { path: hidden, image: \"grader/busybox:1\", submission: true }",
            "        hidden: { path: hidden, image: \"grader/busybox:1\", submission: true }\n    visibility: after_published", StringComparison.Ordinal)
        .Replace("    check: { dockerfile:", "    visibility: after_due_date\n    check: { dockerfile:", StringComparison.Ordinal)
        + "\ndeadline: { due: 2099-01-10T23:59, time_zone: UTC }\n";

    [SetUp]
    public void DeferCriteria()
    {
        Assert.That(Rubric, Does.Contain("visibility: after_published").And.Contain("visibility: after_due_date"));
        File.WriteAllText(Path.Combine(State.Path, "course", "hello", "rubric.yaml"), Rubric);
    }

    [Test]
    public async Task Publish_AfterTheReviewWasPosted_ReviewAndCheckRunEditedOnceToShowTheCriterion()
    {
        var review = await GradedReviewAsync(HeadSha);
        Assert.That(review.Body, Does.Not.Contain(HiddenTitle), "concealed until published");

        var refresher = Host.Services.GetRequiredService<VisibilityRefresher>();
        var first = await refresher.PublishAsync("hello", CancellationToken.None);
        var edited = await Eventually.ThatAsync(() => Task.FromResult(Reviews().Single()), r => r.Body.Contains(HiddenTitle, StringComparison.Ordinal), "review edited");
        var checkRun = await WaitForCheckRunAsync(HeadSha, c => (c.Summary ?? "").Contains(HiddenTitle, StringComparison.Ordinal), "check run edited");
        var second = await refresher.PublishAsync("hello", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo((true, 1)));
            Assert.That(second, Is.EqualTo((false, 0)), "publishing twice edits nothing");
            Assert.That(Reviews(), Has.Count.EqualTo(1), "edited in place, not reposted");
            Assert.That(edited.Edits, Is.EqualTo(1));
            Assert.That(edited.Body, Does.Not.Contain(HealthcheckTitle), "the due date has not passed: that criterion stays concealed");
            Assert.That(checkRun.Conclusion, Is.EqualTo(CheckRun(HeadSha)!.Conclusion));
        });
    }

    [Test]
    public async Task Grade_AfterTheModuleWasPublished_ShowsTheCriterionWithoutAnEdit()
    {
        await Host.Services.GetRequiredService<VisibilityRefresher>().PublishAsync("hello", CancellationToken.None);

        var review = await GradedReviewAsync(HeadSha);

        Assert.Multiple(() =>
        {
            Assert.That(review.Body, Does.Contain(HiddenTitle));
            Assert.That(review.Edits, Is.Zero);
        });
    }

    [Test]
    public async Task Refresh_OnceTheLearnersDueDatePassed_ShowsTheAfterDueDateCriterionOnce()
    {
        var review = await GradedReviewAsync(HeadSha);
        Assert.That(review.Body, Does.Not.Contain(HealthcheckTitle));

        // The sweep's clock after the due date; nothing else changes.
        var later = new FakeTimeProvider(new DateTimeOffset(2099, 1, 11, 0, 0, 0, TimeSpan.Zero));
        var refresher = new VisibilityRefresher(Host.Store, Host.Services.GetRequiredService<CourseConfiguration>(),
            Host.Services.GetRequiredService<RubricCatalog>(), Host.Services.GetRequiredService<OutboxSignal>(), later, NullLogger<VisibilityRefresher>.Instance);
        var edited = await refresher.RefreshAsync(null, CancellationToken.None);
        var shown = await Eventually.ThatAsync(() => Task.FromResult(Reviews().Single()), r => r.Body.Contains(HealthcheckTitle, StringComparison.Ordinal), "review edited");
        var again = await refresher.RefreshAsync(null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(edited, Is.EqualTo(1));
            Assert.That(again, Is.Zero);
            Assert.That(shown.Body, Does.Not.Contain(HiddenTitle), "not published: still concealed");
            Assert.That(shown.Edits, Is.EqualTo(1));
        });
    }

    private async Task<Grader.Testing.GitHub.EmulatedReview> GradedReviewAsync(string headSha)
    {
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", headSha)))
        {
        }

        await WaitForJobStateAsync(headSha, JobState.Completed);
        await WaitForReviewAsync();
        return Reviews().Single();
    }
}

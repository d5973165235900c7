using Grader.Bot.Intake;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Hostile;

/// <summary>
/// A learner who owns their repository's default branch writes a <c>.grader.yml</c> to escape grading, or to be
/// graded with another rubric the bot config lists (here <c>hello-gpu</c>, which this course's rule does not
/// allow). The rule reads the file but allows no other rubric and no opt-out: the commit is graded with the
/// course's rubric and reviewed, and the refusal is named.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
internal sealed class RepositoryOverrideTests : BotTestBase
{
    protected override string CourseRuleSettings => "allow_repository_override: true";

    [Test]
    public async Task Opened_GraderFileSwitchesGradingOff_GradedAndReviewedAnyway()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "enabled: false\n" });

        var job = await OpenAndGradeAsync();

        var course = await Host.Services.GetRequiredService<CourseResolver>().ResolveAsync(Installation.Id, Repository.FullName, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(job.RubricName, Is.EqualTo("hello"));
            Assert.That(course!.RefusedOverrides.Single(), Does.Contain("switch grading off"));
        });
    }

    [Test]
    public async Task Opened_GraderFileAsksForARubricTheCourseDoesNotAllow_GradedWithTheCoursesRubric()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "rubric: hello-gpu\n" });

        var job = await OpenAndGradeAsync();

        var course = await Host.Services.GetRequiredService<CourseResolver>().ResolveAsync(Installation.Id, Repository.FullName, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(job.RubricName, Is.EqualTo("hello"));
            Assert.That(course!.RefusedOverrides.Single(), Does.Contain("'hello-gpu'").And.Contain("no other rubric"));
        });
    }

    /// <summary>Opens the pull request and waits until it is graded and reviewed: the host is healthy.</summary>
    private async Task<GradingJobRecord> OpenAndGradeAsync()
    {
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened")))
        {
        }

        var job = await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Reviews(), Has.Count.EqualTo(1));
            Assert.That(CheckRun(HeadSha)!.Conclusion, Is.EqualTo("success"));
        });
        return job!;
    }
}

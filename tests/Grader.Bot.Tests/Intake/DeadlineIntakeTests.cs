using System.Text;
using Grader.Bot.Hosting;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;
using Grader.Evidence.Rosters;
using Grader.Rubrics.Model;
using Grader.Testing.GitHub;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Bot.Tests.Intake;

/// <summary>
/// A module with a deadline, graded by the bot: the submission time is the one GitHub recorded in the pull request
/// event (never the time it is graded: these tests run long after the module closed), a push after the hard close is
/// acknowledged and not graded, and a learner's extension from the course configuration, else from the program's roster
/// (imported into the bot's evidence store), moves their due date and close.
/// </summary>
internal sealed class DeadlineIntakeTests : BotTestBase
{
    private const string ExtendedLearner = "extended-learner";

    // Due 2026-01-10 23:59 UTC, closed two days later; 10% per started day late.
    private const string Deadline = """

        deadline:
          due: 2026-01-10T23:59
          time_zone: UTC
          late_policy: { penalty: 10%, per: day, floor: 50% }
          close: 2026-01-12T23:59
        """;

    protected override string HelloCourseSettings => $"extensions:\n      {ExtendedLearner}: 3d";

    [SetUp]
    public void AddDeadline() =>
        File.WriteAllText(Path.Combine(State.Path, "course", "hello", "rubric.yaml"), TestCourse.HelloRubric + Deadline);

    [Test]
    public async Task Opened_SubmittedAfterTheClose_CheckRunSaysWhyAndNothingIsGraded()
    {
        using (await Host.PostAsync("pull_request", SubmittedAt("2026-01-13T10:00:00Z")))
        {
        }

        var checkRun = await WaitForCompletedCheckRunAsync(HeadSha);
        var job = await JobAsync(HeadSha);
        Assert.Multiple(() =>
        {
            Assert.That(checkRun.Conclusion, Is.EqualTo("neutral"));
            Assert.That(checkRun.Title, Is.EqualTo("Not graded: the module is closed"));
            Assert.That(checkRun.Summary, Does.Contain("closed at 2026-01-12 23:59 UTC").And.Contain("2026-01-13 10:00 UTC"), checkRun.Summary);
            Assert.That(job!.State, Is.EqualTo(JobState.Completed));
            Assert.That(job.Attempts, Is.Zero, "nothing ran: the submission was not graded");
            Assert.That(job.SubmittedAt, Is.EqualTo(DateTimeOffset.Parse("2026-01-13T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(Reviews(), Is.Empty, "no review for a submission after the close");
        });
    }

    [Test]
    public async Task Opened_LateButWithinTheLearnersExtension_GradedWithRawScorePenaltyAndFinalScore()
    {
        // Without the extension this is after the close; with 3 more days it is 1 started day late (due 01-13 23:59).
        Emulator.AddPullRequest(Repository, new EmulatedPullRequest(PullNumber, HeadSha, ExtendedLearner, HeadRef: $"pr-{PullNumber}"));
        using (await Host.PostAsync("pull_request", SubmittedAt("2026-01-14T10:00:00Z")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        var review = Reviews().Single();
        Assert.Multiple(() =>
        {
            Assert.That(review.Body, Does.Contain("late penalty −").And.Contain("(10%)").And.Contain("raw score").And.Contain("final score"), review.Body);
            Assert.That(review.Body, Does.Contain("with your extension"), review.Body);
        });
    }

    [Test]
    public async Task Opened_SubmittedBeforeTheDueDateAndGradedLongAfterTheClose_OnTimeWithoutPenalty()
    {
        using (await Host.PostAsync("pull_request", SubmittedAt("2026-01-10T12:00:00Z")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        var review = Reviews().Single();
        var checkRun = await WaitForCompletedCheckRunAsync(HeadSha);
        Assert.Multiple(() =>
        {
            Assert.That(checkRun.Title, Does.Not.StartWith("Not graded"), "judged on GitHub's time, not the runner's clock");
            Assert.That(review.Body, Does.Not.Contain("late penalty").And.Not.Contain("Late work"), review.Body);
        });
    }

    [Test]
    public async Task Reopened_AfterTheCloseForACommitSubmittedOnTime_KeepsTheEarlierSubmissionTime()
    {
        using (await Host.PostAsync("pull_request", SubmittedAt("2026-01-10T12:00:00Z")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        // Another event naming the same head, recorded after the close (the PR closed and reopened).
        var reopened = SubmittedAt("2026-01-20T08:00:00Z");
        reopened["action"] = "reopened";
        using (await Host.PostAsync("pull_request", reopened, "reopened-later"))
        {
        }

        var state = (await Eventually.ThatAsync(() => Host.Store.GetDeliveryAsync("reopened-later", CancellationToken.None),
            d => d?.State is DeliveryState.Processed or DeliveryState.Ignored or DeliveryState.Failed, "reopened interpreted"))!.State;
        var job = await JobAsync(HeadSha);
        Assert.Multiple(() =>
        {
            Assert.That(state, Is.EqualTo(DeliveryState.Processed));
            Assert.That(job!.SubmittedAt, Is.EqualTo(DateTimeOffset.Parse("2026-01-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(CheckRun(HeadSha)!.Title, Does.Not.StartWith("Not graded"));
        });
    }

    [Test]
    public async Task Opened_LateWithinTheRostersExtensionForTheModule_GradedWithTheExtension()
    {
        // The roster grants 3 more days for this module (and 1 for another): 01-14 is then 1 started day late, not closed.
        await ImportRosterAsync("roster-learner,Rosa Learner,roster-learner,MOD-OTHER=1d; mod-bot=3d");
        Emulator.AddPullRequest(Repository, new EmulatedPullRequest(PullNumber, HeadSha, "Roster-Learner", HeadRef: $"pr-{PullNumber}"));
        using (await Host.PostAsync("pull_request", SubmittedAt("2026-01-14T10:00:00Z")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        var review = Reviews().Single();
        var job = await JobAsync(HeadSha);
        Assert.Multiple(() =>
        {
            Assert.That(job!.Extension, Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromDays(3))), "recorded with the job for the runner");
            Assert.That(review.Body, Does.Contain("late penalty −").And.Contain("(10%)").And.Contain("with your extension"), review.Body);
        });
    }

    [Test]
    public async Task Opened_RosterExtensionForAnotherModuleOnly_ClosedAsWithoutOne()
    {
        await ImportRosterAsync("roster-learner,Rosa Learner,roster-learner,MOD-OTHER=3d");
        Emulator.AddPullRequest(Repository, new EmulatedPullRequest(PullNumber, HeadSha, "roster-learner", HeadRef: $"pr-{PullNumber}"));
        using (await Host.PostAsync("pull_request", SubmittedAt("2026-01-14T10:00:00Z")))
        {
        }

        var checkRun = await WaitForCompletedCheckRunAsync(HeadSha);
        Assert.Multiple(async () =>
        {
            Assert.That(checkRun.Title, Is.EqualTo("Not graded: the module is closed"));
            Assert.That((await JobAsync(HeadSha))!.Extension, Is.Null);
        });
    }

    [Test]
    public async Task Opened_CourseAndRosterBothGiveAnExtension_TheCourseConfigurationWins()
    {
        // The roster's 1 day for every module would close the module on 01-13 23:59; the course's 3 days keep it open.
        await ImportRosterAsync($"extended,Ext Ended,{ExtendedLearner},*=1d");
        Emulator.AddPullRequest(Repository, new EmulatedPullRequest(PullNumber, HeadSha, ExtendedLearner, HeadRef: $"pr-{PullNumber}"));
        using (await Host.PostAsync("pull_request", SubmittedAt("2026-01-14T10:00:00Z")))
        {
        }

        await WaitForJobStateAsync(HeadSha, JobState.Completed);
        await WaitForReviewAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((await JobAsync(HeadSha))!.Extension, Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromDays(3))));
            Assert.That(Reviews().Single().Body, Does.Contain("with your extension"));
        });
    }

    /// <summary>Imports roster rows (<c>learner_id,name,github_login,extensions</c>) as <c>grader roster import</c> does, into the bot's evidence store.</summary>
    private async Task ImportRosterAsync(params string[] rows)
    {
        var csv = "learner_id,name,email,github_login,cohort,extensions\n" + string.Concat(rows.Select(Row));
        var parsed = RosterParser.Parse(Encoding.UTF8.GetBytes(csv), "roster.csv");
        Assert.That(parsed.Errors, Is.Empty);
        var database = await Host.Services.GetRequiredService<BotEvidenceStore>().GetAsync(CancellationToken.None);
        await database.Roster.ImportAsync(parsed.Entries, CancellationToken.None);

        static string Row(string row)
        {
            var fields = row.Split(',', 4);
            return $"{fields[0]},{fields[1]},,{fields[2]},2026,\"{fields[3]}\"\n";
        }
    }

    private System.Text.Json.Nodes.JsonObject SubmittedAt(string updatedAt)
    {
        var payload = PullRequestEvent("opened");
        payload["pull_request"]!["updated_at"] = updatedAt;
        return payload;
    }
}

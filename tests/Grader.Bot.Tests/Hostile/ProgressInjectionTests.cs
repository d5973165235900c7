using System.Text.Json.Nodes;
using Grader.Bot.Jobs;
using Grader.Bot.Storage;
using Grader.Bot.Tests.Support;

namespace Grader.Bot.Tests.Hostile;

/// <summary>
/// The in-progress check run shows the step in flight, and a build's step text is the learner's Dockerfile line: it
/// must render literally (no links, mentions, HTML, extra lines) and stay one short line.
/// </summary>
[Category("Hostile")]
[Category("Docker")]
internal sealed class ProgressInjectionTests : BotTestBase
{
    [Test]
    public async Task Progress_BuildStepWithMarkdownMentionsAndHtml_ShownEscapedOnOneBoundedLine()
    {
        var injected = "[pwned](https://example.invalid) @everyone <img src=x onerror=alert(1)> #1 " + new string('A', 3000);
        // The pause keeps this step in flight long enough to be the one shown.
        var dockerfile = $"FROM grader/busybox:1\nRUN echo '{injected}' > /dev/null && sleep 2\nCOPY test.sh /app/test.sh\nCMD [\"sh\"]\n";
        var head = await PushAsync(Scripts.Passing, dockerfile: dockerfile);
        using (await Host.PostAsync("pull_request", PullRequestEvent("opened", head)))
        {
        }

        await WaitForJobStateAsync(head, JobState.Completed);
        var checkRun = await WaitForCompletedCheckRunAsync(head);
        var shown = Emulator.Requests($"/repos/{Repository.FullName}/check-runs/")
            .Where(r => r.Method == "PATCH" && r.Status / 100 == 2)
            .Select(r => JsonNode.Parse(r.Body)!)
            .Where(body => (string?)body["status"] == "in_progress")
            .Select(body => (string?)body["output"]?["summary"] ?? "")
            .Where(summary => summary.Contains("pwned", StringComparison.Ordinal))
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(shown, Is.Not.Empty, "the build step was shown while in flight");
            Assert.That(shown, Has.None.Contain("[pwned](").And.None.Contain("<img").And.None.Contain("@everyone"), "rendered literally");
            Assert.That(shown, Has.None.Contain("\n"), "one line");
            Assert.That(shown.Select(s => s.Length), Has.All.LessThanOrEqualTo(2 * CheckRunProgress.MaxStepChars + 1), "bounded");
            Assert.That(shown, Has.All.Contain("\\[pwned\\]"), "escaped, not dropped");
            Assert.That(checkRun.Conclusion, Is.EqualTo("success"), "the submission still grades");
        });
    }
}

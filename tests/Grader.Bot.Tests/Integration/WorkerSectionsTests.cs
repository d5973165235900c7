using Grader.Bot.Integration.Worker;

namespace Grader.Bot.Tests.Integration;

/// <summary>
/// The grading worker gets the runner's settings and nothing of the bot's: since every section shares the Grader prefix,
/// a prefix rule would hand it the webhook secret, the App's key and the evidence signing key.
/// </summary>
internal sealed class WorkerSectionsTests
{
    [Test]
    public void WorkerSections_TheRunnersAndLogging_NoneOfTheBotsGitHubsOrTheEvidenceKeys()
    {
        Assert.Multiple(() =>
        {
            Assert.That(WorkerProcessGrader.WorkerSections, Is.SupersetOf(new[] { "Grader:Runner", "Grader:Docker", "Grader:Sandbox", "Grader:Gpu", "Grader:Service", "Grader:TestReports", "Logging" }));
            Assert.That(WorkerProcessGrader.WorkerSections, Has.None.StartsWith("Grader:Bot").And.None.StartsWith("Grader:GitHub").And.None.StartsWith("Grader:Evidence"));
        });
    }
}

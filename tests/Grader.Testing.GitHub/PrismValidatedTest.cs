namespace Grader.Testing.GitHub;

/// <summary>
/// Base for tests that talk to GitHub through prism: fails a test when prism logged a violation of GitHub's
/// OpenAPI description during it, with prism's validation output in the failure message.
/// </summary>
// Integration level: needs prism, Docker or child processes (scripts/test.sh runs it after the unit level).
[Category("Integration")]
public abstract class PrismValidatedTest
{
    private int _mark;
    private int _recorded;

    protected GitHubTestEnvironment GitHub { get; private set; } = null!;

    [SetUp]
    public async Task StartPrismWatchAsync()
    {
        GitHub = await GitHubTestEnvironment.GetAsync().ConfigureAwait(false);
        _mark = GitHub.Prism.Mark();
        _recorded = GitHub.RecordedViolations.Count;
    }

    [TearDown]
    public void AssertNoPrismViolations()
    {
        var logged = GitHub.Prism.ViolationsSince(_mark);
        var detailed = GitHub.RecordedViolations.Skip(_recorded).ToList();
        if (logged.Count > 0 || detailed.Count > 0)
        {
            Assert.Fail("prism found requests or responses that violate GitHub's OpenAPI description:\n"
                        + string.Join('\n', logged.Concat(detailed)));
        }
    }
}

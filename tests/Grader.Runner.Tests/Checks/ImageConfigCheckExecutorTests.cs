using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Docker;
using Grader.Runner.Dockerfiles;
using Grader.Runner.Images;

namespace Grader.Runner.Tests.Checks;

public class ImageConfigCheckExecutorTests
{
    private static Task<CheckResult> RunAsync(ImageConfigCheck check, ImageDetails? image)
    {
        var context = ExecutorContexts.For(check);
        context.Image = image;
        return new ImageConfigCheckExecutor().ExecuteAsync(TestRubrics.Criterion(check), context, CancellationToken.None);
    }

    private static ImageDetails Image(string? user, long? uid, bool healthcheck, params string[] ports) =>
        new("sha256:1", "t", 1_000, [], user, healthcheck)
        {
            ResolvedUser = new ImageUser(user ?? "", uid, uid is null ? "no such user in /etc/passwd" : null),
            ExposedPorts = ports,
        };

    private static readonly ImageConfigCheck Everything = new() { NonRoot = true, Healthcheck = true, Exposes = ["8000/tcp"] };

    [Test]
    public async Task ExecuteAsync_NonRootWithHealthcheckAndPort_PassedWithEveryRequirementMet()
    {
        var result = await RunAsync(Everything, Image("10001", 10001, healthcheck: true, "8000/tcp"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Message);
            Assert.That(result.Measure, Is.EqualTo(1));
            Assert.That(result.Values["exposes"], Is.EqualTo("8000/tcp"));
        });
    }

    [TestCase(null, 0L, "it runs as root (no USER)")]
    [TestCase("0:0", 0L, "it runs as root (USER 0:0)")]
    [TestCase("admin", 0L, "it runs as root (USER admin)")]
    [TestCase("ghost", null, "its user cannot be resolved (USER ghost): no such user in /etc/passwd")]
    public async Task ExecuteAsync_RootUnderAnySpelling_FailedNamingTheUser(string? user, long? uid, string expected)
    {
        var result = await RunAsync(Everything, Image(user, uid, healthcheck: true, "8000/tcp"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(2.0 / 3).Within(1e-9), "two of three requirements met");
            Assert.That(result.Message, Does.StartWith("2 of 3 image requirements met: " + expected));
        });
    }

    [Test]
    public async Task ExecuteAsync_NoHealthcheckAndAnotherPort_BothMissedAndListed()
    {
        var result = await RunAsync(Everything, Image("10001", 10001, healthcheck: false, "9000/tcp"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(1.0 / 3).Within(1e-9));
            Assert.That(result.Details, Is.EqualTo(new[]
            {
                "met: runs as a non-root user (USER 10001, uid 10001)",
                "missed: it declares no HEALTHCHECK (or HEALTHCHECK NONE); add one that calls the service's health endpoint",
                "missed: it does not EXPOSE 8000/tcp",
            }));
        });
    }

    [Test]
    public async Task ExecuteAsync_NoImage_NotRun()
    {
        var result = await RunAsync(Everything, null);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
    }
}

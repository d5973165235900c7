using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Docker;
using Grader.Runner.Images;

namespace Grader.Runner.Tests.Checks;

public class BuildCheckExecutorTests
{
    private static Task<CheckResult> RunAsync(ImageBuildOutcome? outcome, TimeSpan maxTime)
    {
        var check = new BuildCheck { MaxTime = maxTime };
        var context = ExecutorContexts.For(check);
        context.Build = outcome;
        return new BuildCheckExecutor().ExecuteAsync(TestRubrics.Criterion(check), context, CancellationToken.None);
    }

    [Test]
    public async Task ExecuteAsync_BuiltWithinTime_PassedWithSeconds()
    {
        var result = await RunAsync(new ImageBuildOutcome(true, "sha256:1", "log", false, TimeSpan.FromSeconds(42), false, null), TimeSpan.FromMinutes(10));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed));
            Assert.That(result.Measure, Is.EqualTo(42));
            Assert.That(result.Values["duration"], Is.EqualTo("42s"));
            Assert.That(result.Values["max_time"], Is.EqualTo("10m"));
        });
    }

    [Test]
    public async Task ExecuteAsync_ImageReused_PassedSayingSoInsteadOfZeroSeconds()
    {
        var result = await RunAsync(new ImageBuildOutcome(true, "sha256:1", "", false, TimeSpan.Zero, false, null) { Reused = true }, TimeSpan.FromMinutes(10));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed));
            Assert.That(result.Message, Does.Contain("reused").And.Not.Contain("0ms"));
            Assert.That(result.Values["duration"], Is.EqualTo("no time (reused)"));
        });
    }

    [Test]
    public async Task ExecuteAsync_BuiltTooSlowly_FailedWithLimit()
    {
        var result = await RunAsync(new ImageBuildOutcome(true, "sha256:1", "log", false, TimeSpan.FromSeconds(90), false, null), TimeSpan.FromMinutes(1));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(result.Message, Is.EqualTo("The image built in 1m30s, over the limit of 1m."));
    }

    [Test]
    public async Task ExecuteAsync_BuildFailed_FailedWithErrorAndLogTail()
    {
        var log = new string('x', 20_000) + "\nStep 2/2 : RUN exit 3\nThe command '/bin/sh -c exit 3' returned a non-zero code: 3\n";
        var result = await RunAsync(new ImageBuildOutcome(false, null, log, false, TimeSpan.FromSeconds(3), false, "The command '/bin/sh -c exit 3' returned a non-zero code: 3"), TimeSpan.FromMinutes(10));

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Message, Does.Contain("returned a non-zero code: 3"));
            Assert.That(result.Values["error"], Does.Contain("non-zero code"));
            Assert.That(result.Logs.Single().Text, Does.EndWith("non-zero code: 3\n"));
            Assert.That(result.Logs.Single().Truncated, Is.True);
            Assert.That(result.Logs.Single().Text.Length, Is.LessThanOrEqualTo(6000));
        });
    }

    [Test]
    public async Task ExecuteAsync_NoBuildRan_GraderError()
    {
        var result = await RunAsync(null, TimeSpan.FromMinutes(10));

        Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
    }
}

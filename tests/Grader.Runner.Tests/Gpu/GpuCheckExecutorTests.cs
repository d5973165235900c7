using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Gpu;
using Grader.Runner.Telemetry;
using Grader.Runner.Tests.Support;

namespace Grader.Runner.Tests.Gpu;

public sealed class GpuCheckExecutorTests
{
    private static readonly GpuTelemetrySummary Telemetry = new(10, 6L << 30, 0.72, 0.95, 1200, 310, 71);

    [Test]
    public async Task ExecuteAsync_NoGpuOnRunner_IsGraderErrorNotLearnerFailure()
    {
        using var inventory = GpuTestSupport.Inventory(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.so"));
        using var submission = new SubmissionFolder();
        var criterion = SubmissionFolder.Criterion(new GpuCheck { MaxMemory = ByteSize.Parse("8GB") });

        var result = await new GpuCheckExecutor(inventory).ExecuteAsync(criterion, submission.Context(criterion), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.GraderError));
            Assert.That(result.Message, Does.StartWith("no GPU on this runner"));
            Assert.That(result.Message, Does.Contain("not counted against you"));
        });
    }

    [TestCase("8GiB", 0.5, CheckStatus.Passed)]
    [TestCase("4GiB", 0.5, CheckStatus.Failed)]
    [TestCase("8GiB", 0.9, CheckStatus.Failed)]
    public async Task ExecuteAsync_TelemetryAgainstThresholds_PassesOrFails(string maxMemory, double minUtilization, CheckStatus expected)
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 1));
        var allocator = new GpuAllocator(inventory);
        using var submission = new SubmissionFolder();
        var criterion = SubmissionFolder.Criterion(new GpuCheck { During = "benchmark", MaxMemory = ByteSize.Parse(maxMemory), MinUtilization = minUtilization });
        var context = submission.Context(criterion);
        await using var lease = await allocator.AcquireAsync(1, CancellationToken.None);
        context.Gpus = lease;
        context.GpuTelemetry["benchmark"] = Telemetry;

        var result = await new GpuCheckExecutor(inventory).ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(expected), result.Message);
            Assert.That(result.Measure, Is.EqualTo(6L << 30));
            Assert.That(result.Values["mean_utilization"], Is.EqualTo("72%"));
        });
    }

    [Test]
    public async Task ExecuteAsync_StepDidNotRun_IsNotRun()
    {
        using var inventory = GpuTestSupport.Inventory(FakeNvml.NewLibrary(devices: 1));
        using var submission = new SubmissionFolder();
        var criterion = SubmissionFolder.Criterion(new GpuCheck { During = "tests" });
        var context = submission.Context(criterion);
        await using var lease = await new GpuAllocator(inventory).AcquireAsync(1, CancellationToken.None);
        context.Gpus = lease;

        var result = await new GpuCheckExecutor(inventory).ExecuteAsync(criterion, context, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
    }
}

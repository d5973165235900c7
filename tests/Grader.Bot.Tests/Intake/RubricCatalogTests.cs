using Grader.Bot.Configuration;
using Grader.Bot.Intake;
using Grader.Bot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Bot.Tests.Intake;

internal sealed class RubricCatalogTests
{
    private TempState _state = null!;

    [SetUp]
    public void CreateFolder() => _state = new TempState();

    [TearDown]
    public void RemoveFolder() => _state.Dispose();

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_state.Path, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Test]
    public async Task QueueForAsync_RubricWithGpuCriterion_Gpu()
    {
        var queues = new RubricCatalog(NullLogger<RubricCatalog>.Instance);

        var queue = await queues.QueueForAsync(Write("gpu.yaml", TestCourse.GpuRubric), CancellationToken.None);

        Assert.That(queue, Is.EqualTo(JobQueues.Gpu));
    }

    [Test]
    public async Task QueueForAsync_RubricWithoutGpuChecks_Cpu()
    {
        var queues = new RubricCatalog(NullLogger<RubricCatalog>.Instance);

        var queue = await queues.QueueForAsync(Write("cpu.yaml", TestCourse.HelloRubric.Replace("hidden: { path: hidden, image: \"grader/busybox:1\", submission: true }", "", StringComparison.Ordinal)), CancellationToken.None);

        Assert.That(queue, Is.EqualTo(JobQueues.Cpu));
    }

    [Test]
    public async Task QueueForAsync_RubricEditedToNeedGpu_NewQueueWithoutRestart()
    {
        var queues = new RubricCatalog(NullLogger<RubricCatalog>.Instance);
        var path = Write("lab.yaml", TestCourse.HelloRubric);
        var before = await queues.QueueForAsync(path, CancellationToken.None);

        File.WriteAllText(path, TestCourse.GpuRubric);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5));
        var after = await queues.QueueForAsync(path, CancellationToken.None);

        Assert.That((before, after), Is.EqualTo((JobQueues.Cpu, JobQueues.Gpu)));
    }

    [Test]
    public async Task QueueForAsync_RubricThatDoesNotLoad_CpuSoTheJobReportsTheGraderError()
    {
        var queues = new RubricCatalog(NullLogger<RubricCatalog>.Instance);

        var queue = await queues.QueueForAsync(Write("broken.yaml", "module: [\n"), CancellationToken.None);

        Assert.That(queue, Is.EqualTo(JobQueues.Cpu));
    }
}

using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

/// <summary>The one container-hardening builder: CPU pinning is set only when a cpuset is configured.</summary>
[TestFixture]
public sealed class ContainerHardeningTests
{
    [Test]
    public void ToHostConfig_CpusetGiven_PinsTheContainerAndKeepsTheQuota()
    {
        var host = new ContainerHardening(64L << 20, 32, 256) { Cpus = 1, CpusetCpus = "2-3" }.ToHostConfig();

        Assert.That(host.CpusetCpus, Is.EqualTo("2-3"));
        Assert.That(host.NanoCPUs, Is.EqualTo(1_000_000_000));
    }

    [TestCase(null)]
    [TestCase("")]
    public void ToHostConfig_NoCpuset_NotPinned(string? cpuset)
    {
        var host = new ContainerHardening(64L << 20, 32, 256) { CpusetCpus = cpuset }.ToHostConfig();

        Assert.That(host.CpusetCpus, Is.Null.Or.Empty);
    }
}

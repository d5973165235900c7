using Grader.Runner.Benchmarks;

namespace Grader.Runner.Tests.Benchmarks;

/// <summary>The benchmark CPU pinning setting: a cpuset list the engine accepts, or nothing.</summary>
[TestFixture]
public sealed class BenchmarkOptionsTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase("0")]
    [TestCase("2-3")]
    [TestCase("0,2,4-7")]
    public void HasValidCpuset_EmptyOrCpusetList_True(string? cpuset)
    {
        Assert.That(new BenchmarkOptions { CpusetCpus = cpuset }.HasValidCpuset(), Is.True);
    }

    [TestCase("all")]
    [TestCase("2-")]
    [TestCase("1;2")]
    [TestCase("0, 1")]
    public void HasValidCpuset_AnythingElse_False(string cpuset)
    {
        Assert.That(new BenchmarkOptions { CpusetCpus = cpuset }.HasValidCpuset(), Is.False);
    }
}

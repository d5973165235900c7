using Grader.Rubrics.Model;
using Grader.Runner.Checks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Runner.Tests.Pipeline;

/// <summary>Every kind the rubric language knows has exactly one executor in the runner as composed for production.</summary>
public sealed class CheckExecutorRegistryTests
{
    [Test]
    public void AddGraderRunner_EveryCheckKind_HasExactlyOneExecutor()
    {
        using var services = new ServiceCollection().AddGraderRunner(new ConfigurationBuilder().Build()).BuildServiceProvider();

        var kinds = services.GetServices<ICheckExecutor>().Select(e => e.Kind).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(kinds, Is.Unique, "two executors for one kind: the pipeline would pick one silently");
            Assert.That(kinds.Order(StringComparer.Ordinal), Is.EqualTo(CheckKind.All.Select(k => k.Name).Order(StringComparer.Ordinal)));
        });
    }
}

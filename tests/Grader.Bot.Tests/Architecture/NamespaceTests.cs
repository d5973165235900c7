using Grader.Bot.AspNetCore;
using Grader.Testing.Architecture;

namespace Grader.Bot.Tests.Architecture;

/// <summary>
/// The bot is a host-free core and a thin ASP.NET Core adapter: the core's namespaces form layers without cycles, and
/// nothing in the core knows ASP.NET Core (the adapter alone does).
/// </summary>
public sealed class NamespaceTests
{
    [Test]
    public void Namespaces_OfTheAssembly_HaveNoCycles()
    {
        var graph = NamespaceGraph.Of(typeof(Grader.Bot.Configuration.BotOptions).Assembly);

        Assert.That(graph.DescribeCycles(), Is.Empty);
    }

    [Test]
    public void Core_ReferencesNoAspNetCore_TheAdapterDoes()
    {
        var core = typeof(Grader.Bot.Configuration.BotOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var adapter = typeof(GraderBotWebHost).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(core, Has.None.StartsWith("Microsoft.AspNetCore").And.None.EqualTo("Octokit.Webhooks.AspNetCore").And.None.EqualTo("Hangfire.AspNetCore"));
            Assert.That(adapter, Has.Some.StartsWith("Microsoft.AspNetCore"));
        });
    }

    [Test]
    public void Runner_ReferencesNoPrometheus_TheBotDoes()
    {
        // The runner reports step timings and GPU readings; only the bot turns them into Prometheus metrics.
        var runner = typeof(Grader.Runner.Gpu.IGpuReadings).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var core = typeof(Grader.Bot.Monitoring.GraderMetrics).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(runner, Has.None.StartsWith("Prometheus").And.None.StartsWith("Microsoft.AspNetCore"));
            Assert.That(core, Has.Some.StartsWith("Prometheus"));
        });
    }
}

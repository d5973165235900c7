using Grader.Testing.Architecture;

namespace Grader.Action.Tests.Architecture;

/// <summary>The namespaces of Grader.Action form layers: none depends, through any chain, on one that depends on it.</summary>
public sealed class NamespaceTests
{
    [Test]
    public void Namespaces_OfTheAssembly_HaveNoCycles()
    {
        var graph = NamespaceGraph.Of(typeof(Grader.Action.GradingAction).Assembly);

        Assert.That(graph.DescribeCycles(), Is.Empty);
    }
}

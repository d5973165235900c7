using Grader.Testing.Architecture;

namespace Grader.GitHub.Tests.Architecture;

/// <summary>The namespaces of Grader.GitHub form layers: none depends, through any chain, on one that depends on it.</summary>
public sealed class NamespaceTests
{
    [Test]
    public void Namespaces_OfTheAssembly_HaveNoCycles()
    {
        var graph = NamespaceGraph.Of(typeof(Grader.GitHub.SecretRedactor).Assembly);

        Assert.That(graph.DescribeCycles(), Is.Empty);
    }
}

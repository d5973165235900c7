using Grader.Testing.Architecture;

namespace Grader.Server.Tests.Architecture;

/// <summary>The namespaces of grader-server and of the configuration model form layers: none depends, through any chain, on one that depends on it.</summary>
public sealed class NamespaceTests
{
    [TestCase(typeof(ServerCommand))]
    [TestCase(typeof(Grader.Configuration.SettingNames))]
    public void Namespaces_OfTheAssembly_HaveNoCycles(Type inAssembly)
    {
        Assert.That(NamespaceGraph.Of(inAssembly.Assembly).DescribeCycles(), Is.Empty);
    }
}

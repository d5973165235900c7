using System.CommandLine;
using Grader.Testing.Architecture;

namespace Grader.Cli.Tests.Commands;

/// <summary>The lean <c>grader</c>: learner and Action commands only, no server inside, and a pointer where the server commands went.</summary>
public sealed class LeanCommandTests
{
    [Test]
    public void Grader_ReferencesNoServerAssembly()
    {
        var references = typeof(GraderCommand).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.That(references, Has.None.StartsWith("Grader.Bot").And.None.StartsWith("Hangfire").And.None.StartsWith("Microsoft.AspNetCore"));
    }

    [TestCase("serve")]
    [TestCase("work")]
    [TestCase("config")]
    public async Task ServerCommand_InLeanGrader_SaysWhereItIsAndExits2(string command)
    {
        using var error = new StringWriter();

        var exit = await GraderCommand.InvokeAsync([command, "--config", "grader.yaml"], new InvocationConfiguration { Output = TextWriter.Null, Error = error });

        Assert.That((exit, error.ToString()), Is.EqualTo((2, $"`grader {command}` is part of the server build: run `grader-server {command}` (dotnet build cli/Grader.Server -c Release; see bot/README.md).\n")));
    }

    [Test]
    public void Namespaces_OfTheAssembly_HaveNoCycles()
    {
        Assert.That(NamespaceGraph.Of(typeof(GraderCommand).Assembly).DescribeCycles(), Is.Empty);
    }
}

using Grader.Cli.Commands;

namespace Grader.Cli.Tests.Grade;

/// <summary>How <c>grader grade</c>'s command line becomes its settings.</summary>
[TestFixture]
public sealed class GradeCommandOptionsTests
{
    [Test]
    public void Read_BaseGiven_IsTheBaseCommitOfTheGrading()
    {
        var parse = GradeCommand.Build().Parse(["--rubric", "rubric.yaml", "--base", "0123abc", "https://example.invalid/repo.git"]);

        var settings = GradeCommand.Read(parse, out var error);

        Assert.That(error, Is.Null);
        Assert.That(settings!.BaseCommit, Is.EqualTo("0123abc"));
    }

    [Test]
    public void Read_NoBase_NoBaseCommit()
    {
        var settings = GradeCommand.Read(GradeCommand.Build().Parse(["--rubric", "rubric.yaml", "folder"]), out _);

        Assert.That(settings!.BaseCommit, Is.Null);
    }
}

using Grader.Bot.Webhooks;

namespace Grader.Bot.Tests.Configuration;

internal sealed class GradeCommandTests
{
    [TestCase("/grade", GradeCommandKind.Grade)]
    [TestCase("  /grade please\nthanks", GradeCommandKind.Grade)]
    [TestCase("/regrade", GradeCommandKind.Regrade)]
    public void Parse_CommandOnFirstLine_Recognised(string body, GradeCommandKind expected)
    {
        Assert.That(GradeCommand.Parse(body), Is.EqualTo(expected));
    }

    [TestCase("please /grade")]
    [TestCase("/grader")]
    [TestCase("thanks\n/grade")]
    [TestCase(null)]
    public void Parse_NotACommand_Null(string? body)
    {
        Assert.That(GradeCommand.Parse(body), Is.Null);
    }
}

using Grader.Bot.Webhooks;

namespace Grader.Bot.Tests.Webhooks;

internal sealed class GradeCommentTests
{
    [TestCase("/grade", GradeCommandKind.Grade)]
    [TestCase("  /grade please\nthanks", GradeCommandKind.Grade)]
    [TestCase("/regrade", GradeCommandKind.Regrade)]
    public void Parse_CommandOnFirstLine_Recognised(string body, GradeCommandKind expected)
    {
        Assert.That(GradeComment.Parse(body), Is.EqualTo(expected));
    }

    [TestCase("please /grade")]
    [TestCase("/grader")]
    [TestCase("thanks\n/grade")]
    [TestCase(null)]
    public void Parse_NotACommand_Null(string? body)
    {
        Assert.That(GradeComment.Parse(body), Is.Null);
    }
}

using Grader.Bot.Configuration;

namespace Grader.Bot.Tests.Configuration;

/// <summary>The parsing limits of a repository's <c>.grader.yml</c>, which learners control.</summary>
internal sealed class RepositoryFileParsingTests
{
    [Test]
    public void ParseRepositoryFile_ValidFile_Parsed()
    {
        var file = CourseConfigurationLoader.ParseRepositoryFile("enabled: true\nrubric: lab2\ngrade_drafts: true\n", out var error);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(file!.Rubric, Is.EqualTo("lab2"));
            Assert.That(file.GradeDrafts, Is.True);
        });
    }

    [Test]
    public void ParseRepositoryFile_SyntaxError_NullWithLocatedError()
    {
        var file = CourseConfigurationLoader.ParseRepositoryFile("enabled: true\nrubric: [unclosed\n", out var error);

        Assert.Multiple(() =>
        {
            Assert.That(file, Is.Null);
            Assert.That(error, Does.Match(@"^\.grader\.yml:\d+:\d+: "));
        });
    }

    [Test]
    public void ParseRepositoryFile_UnknownKey_NullWithItsLine()
    {
        var file = CourseConfigurationLoader.ParseRepositoryFile("enabled: true\nrubrik: lab2\n", out var error);

        Assert.Multiple(() =>
        {
            Assert.That(file, Is.Null);
            Assert.That(error, Does.StartWith(".grader.yml:2:1: "));
        });
    }

    [Test]
    [Category("Hostile")]
    public void ParseRepositoryFile_DeeplyNestedValue_RefusedAtItsLocationWithoutRecursing()
    {
        var yaml = "rubric: " + new string('[', 8_000) + new string(']', 8_000) + "\n";

        var file = CourseConfigurationLoader.ParseRepositoryFile(yaml, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(file, Is.Null);
            Assert.That(error, Is.EqualTo(".grader.yml:1:12: nested deeper than 4 levels"));
        });
    }

    [Test]
    [Category("Hostile")]
    public void ParseRepositoryFile_AliasBomb_Refused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";

        var file = CourseConfigurationLoader.ParseRepositoryFile(yaml, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(file, Is.Null);
            Assert.That(error, Is.EqualTo(".grader.yml:2:8: aliases (*a) are not accepted in this file"));
        });
    }

    [Test]
    [Category("Hostile")]
    public void ParseRepositoryFile_HugeFile_RefusedBySize()
    {
        var yaml = "# " + new string('x', 1_000_000) + "\nenabled: true\n";

        var file = CourseConfigurationLoader.ParseRepositoryFile(yaml, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(file, Is.Null);
            Assert.That(error, Does.StartWith(".grader.yml: the file is 1,000,017 characters; at most 16,384 are read"));
        });
    }
}

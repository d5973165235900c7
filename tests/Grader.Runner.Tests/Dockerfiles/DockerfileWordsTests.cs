using Grader.Runner.Dockerfiles;

namespace Grader.Runner.Tests.Dockerfiles;

public sealed class DockerfileWordsTests
{
    [TestCase("--from=build /a /b", "build", "/a /b")]
    [TestCase("--chown=1:1 --from=\"build\" /a /b", "build", "/a /b")]
    [TestCase("--from='a b' /x /y", "a b", "/x /y")]
    [TestCase("--from=bu\\ild /x /y", "build", "/x /y")]
    [TestCase("-- --from=x /a /b", null, " --from=x /a /b")]
    [TestCase("/a /b", null, "/a /b")]
    public void SplitFlags_EngineRules_ValueAndRest(string arguments, string? from, string rest)
    {
        var flags = DockerfileWords.SplitFlags(arguments);

        Assert.That(flags.Value("from"), Is.EqualTo(from));
        Assert.That(flags.Rest, Is.EqualTo(rest));
    }

    [TestCase("[\"http://x/a\", \"/b\"]", new[] { "http://x/a", "/b" })]
    [TestCase("a  b\tc", new[] { "a", "b", "c" })]
    [TestCase("[not json", new[] { "[not", "json" })]
    public void SplitJsonOrWhitespace_JsonOrWords(string text, string[] words)
    {
        Assert.That(DockerfileWords.SplitJsonOrWhitespace(text), Is.EqualTo(words));
    }
}

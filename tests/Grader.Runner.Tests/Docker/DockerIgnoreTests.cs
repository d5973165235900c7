using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

public class DockerIgnoreTests
{
    [TestCase("*.log", "app.log", true)]
    [TestCase("*.log", "logs/app.log", false)]
    [TestCase("**/*.log", "logs/deep/app.log", true)]
    [TestCase("data", "data/train/x.csv", true)]
    [TestCase("/data", "data/x.csv", true)]
    [TestCase("dat?", "data", true)]
    [TestCase("dat?", "dat/x", false)]
    [TestCase("# data", "# data", false)]
    [TestCase("models/**", "models/a/b.bin", true)]
    [TestCase("[a-c].txt", "b.txt", true)]
    public void IsExcluded_Pattern_MatchesLikeDocker(string pattern, string path, bool excluded)
    {
        Assert.That(DockerIgnore.Parse(pattern).IsExcluded(path), Is.EqualTo(excluded));
    }

    [Test]
    public void IsExcluded_ExceptionAfterExclusion_ReIncludes()
    {
        var ignore = DockerIgnore.Parse("*.md\n!README.md\n");
        Assert.Multiple(() =>
        {
            Assert.That(ignore.IsExcluded("NOTES.md"), Is.True);
            Assert.That(ignore.IsExcluded("README.md"), Is.False);
            Assert.That(ignore.HasExceptions, Is.True);
        });
    }

    [Test]
    public void IsExcluded_LastMatchingPatternWins_ExclusionAfterException()
    {
        var ignore = DockerIgnore.Parse("!keep.txt\n*.txt\n");
        Assert.That(ignore.IsExcluded("keep.txt"), Is.True);
    }
}

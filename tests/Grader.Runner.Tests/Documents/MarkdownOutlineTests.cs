using Grader.Runner.Documents;

namespace Grader.Runner.Tests.Documents;

public sealed class MarkdownOutlineTests
{
    [TestCase("Mitigation", "Mitigation", true)]
    [TestCase("2. Mitigation steps", "Mitigation", true)]
    [TestCase("ERROR BUDGET:", "Error budget", true)]
    [TestCase("Mitigations", "Mitigation", false)]
    [TestCase("No mitigation", "Mitigation", false)]
    public void Matches_HeadingAgainstSection_FollowsNormalisation(string heading, string section, bool expected)
    {
        Assert.That(MarkdownOutline.Matches(heading, section), Is.EqualTo(expected));
    }

    [Test]
    public void Read_AtxSetextAndFences_FindsHeadingsWithLines()
    {
        var (headings, words) = MarkdownOutline.Read("# Title\ntext here\n\nSub\n===\n```\n# not\n```\n### Deep ###\n");

        Assert.Multiple(() =>
        {
            Assert.That(headings.Select(h => (h.Level, h.Text, h.Line)), Is.EqualTo(new[] { (1, "Title", 1), (1, "Sub", 4), (3, "Deep", 9) }));
            Assert.That(words, Is.EqualTo(2));
        });
    }
}

using Grader.Rubrics.Text;

namespace Grader.Rubrics.Tests.Text;

public class MarkdownTextTests
{
    [Test]
    public void Escape_HtmlTags_BecomeEntities()
    {
        var escaped = MarkdownText.Escape("</details><script>alert(1)</script>");

        Assert.Multiple(() =>
        {
            Assert.That(escaped, Does.Not.Contain("<"));
            Assert.That(escaped, Does.Not.Contain(">"));
            Assert.That(escaped, Does.StartWith("&lt;/details&gt;&lt;script&gt;"));
        });
    }

    [Test]
    public void Escape_Mention_IsBrokenWithZeroWidthSpace()
    {
        var escaped = MarkdownText.Escape("ping @org/team and @octocat");

        Assert.Multiple(() =>
        {
            Assert.That(escaped, Does.Not.Contain("@org"));
            Assert.That(escaped, Does.Not.Contain("@octocat"));
            Assert.That(escaped, Does.Contain("@\u200Borg/team"));
        });
    }

    [Test]
    public void Escape_IssueReference_IsNeutralised()
    {
        Assert.That(MarkdownText.Escape("fixes #123"), Is.EqualTo("fixes \\#\u200B123"));
    }

    [Test]
    public void Escape_LinkSyntax_CannotFormALink()
    {
        Assert.That(MarkdownText.Escape("[click](javascript:alert(1))"), Is.EqualTo(@"\[click\]\(javascript:alert\(1\)\)"));
    }

    [Test]
    public void Escape_PipesAndNewlines_StayInsideOneTableCell()
    {
        var escaped = MarkdownText.Escape("a | b\n| c |\r\nd");

        Assert.Multiple(() =>
        {
            Assert.That(escaped, Does.Not.Contain("\n"));
            Assert.That(escaped, Does.Not.Contain("\r"));
            Assert.That(escaped.Replace("\\|", "", StringComparison.Ordinal), Does.Not.Contain("|"));
        });
    }

    [Test]
    public void Escape_EmphasisBackticksAndMath_AreLiteral()
    {
        Assert.That(MarkdownText.Escape("*b* _i_ `c` $x$ ~~s~~ ![img]"), Is.EqualTo(@"\*b\* \_i\_ \`c\` \$x\$ \~\~s\~\~ \!\[img\]"));
    }

    [TestCase("# heading", @"\# heading")]
    [TestCase("- item", @"\- item")]
    [TestCase("12. item", @"12\. item")]
    [TestCase("a-b 1.5", "a-b 1.5")]
    [TestCase("1.2 GB", "1.2 GB")]
    public void Escape_BlockMarkersAtStart_AreEscapedOnlyThere(string text, string expected)
    {
        Assert.That(MarkdownText.Escape(text), Is.EqualTo(expected));
    }

    [Test]
    public void Escape_ControlCharacters_AreRemoved()
    {
        Assert.That(MarkdownText.Escape("a\u0000b\u001bc"), Is.EqualTo("a b c"));
    }

    [Test]
    public void CodeBlock_ContentWithBacktickRuns_UsesLongerFence()
    {
        var block = MarkdownText.CodeBlock("x\n```\n`````\ny", "text");

        Assert.Multiple(() =>
        {
            Assert.That(block, Does.StartWith("``````text\n"));
            Assert.That(block, Does.EndWith("\n``````"));
        });
    }

    [Test]
    public void CodeBlock_PlainContent_UsesThreeBackticksAndKeepsText()
    {
        Assert.That(MarkdownText.CodeBlock("</details>\n@team", "text"), Is.EqualTo("```text\n</details>\n@team\n```"));
    }

    [Test]
    public void EscapeHtml_MarkdownLinkSyntax_IsEncoded()
    {
        Assert.That(MarkdownText.EscapeHtml("](javascript:x)"), Is.EqualTo("&#93;&#40;javascript:x&#41;"));
    }

    [Test]
    public void EscapeHtml_SummaryText_HasNoMarkup()
    {
        Assert.That(MarkdownText.EscapeHtml("a</summary><img src=x onerror=\"y\">"), Is.EqualTo("a&lt;/summary&gt;&lt;img src=x onerror=&quot;y&quot;&gt;"));
    }
}

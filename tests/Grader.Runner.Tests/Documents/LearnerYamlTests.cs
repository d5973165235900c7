using Grader.Runner.Documents;

namespace Grader.Runner.Tests.Documents;

[TestFixture]
public sealed class LearnerYamlTests
{
    private static readonly YamlBounds Bounds = new(MaxChars: 10_000, MaxDepth: 3, MaxNodes: 20);

    private static LearnerFileException Refused(string yaml) => Assert.Throws<LearnerFileException>(() => LearnerYaml.Check(yaml, Bounds))!;

    [Test]
    public void Check_WithinBounds_Returns()
    {
        Assert.DoesNotThrow(() => LearnerYaml.Check("a: { b: [1, 2] }\nc: &x anchored\n", Bounds));
    }

    [Test]
    public void Check_FlowNestingOverTheDepth_LocatedAtTheFirstLevelTooDeep()
    {
        var refused = Refused("a: { b: [ [1] ] }");

        Assert.Multiple(() =>
        {
            Assert.That(refused.Message, Is.EqualTo("1:11: nested deeper than 3 levels"));
            Assert.That((refused.Line, refused.Column), Is.EqualTo((1L, 11L)));
        });
    }

    [Test]
    public void Check_BlockNestingOverTheDepth_LocatedAtItsLine()
    {
        Assert.That(Refused("a:\n  b:\n    c:\n      d: 1\n").Message, Is.EqualTo("4:7: nested deeper than 3 levels"));
    }

    [Test]
    public void Check_Alias_Refused()
    {
        Assert.That(Refused("a: &x 1\nb: *x\n").Message, Is.EqualTo("2:4: aliases (*x) are not accepted in this file"));
    }

    [Test]
    public void Check_MoreNodesThanTheBound_Refused()
    {
        Assert.That(Refused("[" + string.Join(", ", Enumerable.Range(0, 30)) + "]").Message, Does.EndWith("more than 20 keys and values"));
    }

    [Test]
    public void Check_LargerThanTheBound_RefusedBeforeParsing()
    {
        var refused = Refused("a: " + new string('x', 10_000));

        Assert.Multiple(() =>
        {
            Assert.That(refused.Line, Is.Null);
            Assert.That(refused.In("f.yaml"), Is.EqualTo("f.yaml: the file is 10,003 characters; at most 10,000 are read"));
        });
    }

    [TestCase("a: [1, 2\n")]
    [TestCase("a: [1, 2\nb: 3\n")]
    public void Check_SyntaxError_LocatedWithoutYamlDotNetsPrefix(string yaml)
    {
        var refused = Refused(yaml);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Line, Is.Not.Null);
            Assert.That(refused.Reason, Does.Not.StartWith("(Line:"));
        });
    }
}

using Grader.Runner.Checkout;

namespace Grader.Runner.Tests.Checkout;

[TestFixture]
public sealed class LinkResolverTests
{
    private static string? Refusal(string link, params (string Path, string Target)[] links) =>
        LinkResolver.Refusal(link, links.ToDictionary(l => l.Path, l => l.Target, StringComparer.Ordinal), maxHops: 40);

    [Test]
    public void Refusal_DotLinkThenClimbThroughIt_LeavesTheSubmission()
    {
        // Compared as text, s/s/s/../../.. is the root; resolved, each s is the root again, so the climb goes above it.
        Assert.That(Refusal("u", ("s", "."), ("u", "s/s/s/../../..")), Is.EqualTo("it leads outside the submission"));
    }

    [Test]
    public void Refusal_DotLinkWithBalancedClimb_StaysInside()
    {
        Assert.That(Refusal("u", ("s", "."), ("u", "s/s/s/a.txt")), Is.Null);
    }

    [TestCase("/etc/passwd")]
    [TestCase("/")]
    public void Refusal_AbsoluteTarget_Refused(string target)
    {
        Assert.That(Refusal("a", ("a", target)), Is.EqualTo("it is an absolute path"));
    }

    [Test]
    public void Refusal_ChainEndingOutside_RefusedAtTheFirstLinkToo()
    {
        var links = new[] { ("a", "b"), ("b", "dir/c"), ("dir/c", "../../outside") };

        Assert.Multiple(() =>
        {
            Assert.That(Refusal("a", links), Is.EqualTo("it leads outside the submission"));
            Assert.That(Refusal("dir/c", links), Is.EqualTo("it leads outside the submission"));
        });
    }

    [Test]
    public void Refusal_ChainEndingInside_Kept()
    {
        Assert.That(Refusal("a", ("a", "b"), ("b", "dir/c"), ("dir/c", "../file.txt")), Is.Null);
    }

    [Test]
    public void Refusal_TwoLinksPointingAtEachOther_Loops()
    {
        Assert.That(Refusal("a", ("a", "b"), ("b", "a")), Does.StartWith("it loops"));
    }

    [Test]
    public void Refusal_SelfReferenceThroughFolder_Loops()
    {
        Assert.That(Refusal("d/x", ("d/x", "../d/x")), Does.StartWith("it loops"));
    }

    [Test]
    public void Refusal_LinkInSubfolderToParentFile_StaysInside()
    {
        Assert.That(Refusal("a/b/link", ("a/b/link", "../../README.md")), Is.Null);
    }

    [Test]
    public void Refusal_LinkInSubfolderClimbingOneTooMany_Refused()
    {
        Assert.That(Refusal("a/b/link", ("a/b/link", "../../../README.md")), Is.EqualTo("it leads outside the submission"));
    }

    [Test]
    public void Refusal_ThroughLinkToSubfolderThenUp_ResolvesFromTheLinkTarget()
    {
        // deep -> a/b/c; deep/../../.. climbs from a/b/c, not from the root: three levels up is the root itself.
        Assert.Multiple(() =>
        {
            Assert.That(Refusal("x", ("deep", "a/b/c"), ("x", "deep/../../..")), Is.Null);
            Assert.That(Refusal("y", ("deep", "a/b/c"), ("y", "deep/../../../..")), Is.EqualTo("it leads outside the submission"));
        });
    }

    [Test]
    public void Refusal_ThroughAbsoluteLink_Refused()
    {
        Assert.That(Refusal("x", ("root", "/"), ("x", "root/etc/passwd")), Is.EqualTo("it is an absolute path"));
    }

    [Test]
    public void Refusal_EmptyOrTooLongTarget_Refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Refusal("a", ("a", "")), Is.EqualTo("its target is empty"));
            Assert.That(Refusal("a", ("a", new string('x', LinkResolver.MaxTargetLength + 1))), Does.Contain("longer than"));
        });
    }

    [Test]
    public void Refusal_DanglingTargetInside_Kept()
    {
        Assert.That(Refusal("a", ("a", "missing/file")), Is.Null);
    }
}

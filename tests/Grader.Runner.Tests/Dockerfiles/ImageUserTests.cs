using Grader.Runner.Dockerfiles;

namespace Grader.Runner.Tests.Dockerfiles;

public sealed class ImageUserTests
{
    [TestCase("", 0L)]
    [TestCase("0", 0L)]
    [TestCase("00", 0L)]
    [TestCase("+0", 0L)]
    [TestCase("-0", 0L)]
    [TestCase("0:0", 0L)]
    [TestCase("000:1000", 0L)]
    [TestCase("1000", 1000L)]
    [TestCase("01000:0", 1000L)]
    public void FromNumber_NumericUser_UidAsTheRuntimeReadsIt(string spec, long uid)
    {
        Assert.That(ImageUser.FromNumber(spec)?.Uid, Is.EqualTo(uid));
    }

    [TestCase("-1")]
    [TestCase("99999999999")]
    public void FromNumber_OutOfRange_Problem(string spec)
    {
        var user = ImageUser.FromNumber(spec)!;

        Assert.That(user.Uid, Is.Null);
        Assert.That(user.Problem, Does.Contain("outside the range"));
    }

    [Test]
    public void FromNumber_Name_NeedsALookup()
    {
        Assert.That(ImageUser.FromNumber("app:app"), Is.Null);
    }

    [TestCase("admin", 0L)]
    [TestCase("app", 1000L)]
    [TestCase("broken", 0L)]
    [TestCase("short", 0L)]
    [TestCase("twice", 7L)]
    public void FromPasswd_Name_UidOfItsFirstEntryInvalidMeaningRoot(string name, long uid)
    {
        const string passwd = "root:x:0:0::/root:/bin/sh\n  admin:x:0:0::/:/bin/sh\napp:x:1000:1000::/app:/bin/sh\nbroken:x:abc:1::/:/bin/sh\nshort\ntwice:x:7:7::/:/bin/sh\ntwice:x:8:8::/:/bin/sh\n";

        var user = ImageUser.FromPasswd(name, passwd, "test passwd");

        Assert.That(user.Uid, Is.EqualTo(uid));
    }

    [Test]
    public void FromPasswd_UnknownName_ProblemNamesTheFile()
    {
        var user = ImageUser.FromPasswd("ghost", "root:x:0:0::/:/bin/sh\n", "the image's /etc/passwd");

        Assert.That(user.Uid, Is.Null);
        Assert.That(user.Problem, Is.EqualTo("there is no user 'ghost' in the image's /etc/passwd"));
    }
}

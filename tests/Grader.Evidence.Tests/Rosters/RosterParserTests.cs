using System.Text;
using Grader.Evidence.Rosters;
using Grader.Rubrics.Model;

namespace Grader.Evidence.Tests.Rosters;

public sealed class RosterParserTests
{
    private static RosterParseResult Parse(string text, string? cohort = null) => RosterParser.Parse(Encoding.UTF8.GetBytes(text), "roster.csv", cohort);

    [Test]
    public void Parse_OwnFormat_ReadsEveryColumn()
    {
        var result = Parse("learner_id,name,email,github_login,cohort,github_id\nS001,\"Doe, Jane\",jane@uni.test,JaneDoe,2026-spring,4242\nS002,Bo Li,,,2026-spring,\n");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Entries, Is.EqualTo(new[]
        {
            new RosterEntry("S001", "Doe, Jane", "jane@uni.test", "JaneDoe", 4242, "2026-spring"),
            new RosterEntry("S002", "Bo Li", null, null, null, "2026-spring"),
        }));
    }

    [Test]
    public void Parse_GitHubClassroomExport_IsAcceptedAsIs()
    {
        var result = Parse("\"identifier\",\"github_username\",\"github_id\",\"name\"\n\"ana@uni.test\",\"ana-k\",\"9001\",\"Ana K\"\n\"S-17\",\"\",\"\",\"\"\n", cohort: "fall");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Entries, Is.EqualTo(new[]
        {
            new RosterEntry("ana@uni.test", "Ana K", "ana@uni.test", "ana-k", 9001, "fall"),
            new RosterEntry("S-17", "S-17", null, null, null, "fall"),
        }));
    }

    [Test]
    public void Parse_MissingColumn_IsReportedAtLineOneAndYieldsNothing()
    {
        var result = Parse("learner_id,name,email,cohort\nS001,Jane,j@x.test,a\n");

        Assert.That(result.Entries, Is.Empty);
        Assert.That(result.Errors, Has.Count.EqualTo(1));
        Assert.That(result.Errors[0], Does.StartWith("roster.csv:1: missing column 'github_login'"));
    }

    [Test]
    public void Parse_DuplicateLoginInAnotherCase_NamesBothLinesAndYieldsNothing()
    {
        var result = Parse("learner_id,name,email,github_login,cohort\nS001,Jane,,octo,a\nS002,Jim,,ok-user,a\nS003,Joe,,OCTO,a\n");

        Assert.That(result.Entries, Is.Empty);
        Assert.That(result.Errors, Is.EqualTo(new[] { "roster.csv:4: GitHub login 'OCTO' is already on line 2" }));
    }

    [Test]
    public void Parse_InvalidUtf8_NamesTheLine()
    {
        var bytes = Encoding.UTF8.GetBytes("learner_id,name,email,github_login,cohort\nS001,Jane,,jane,a\nS002,Jos").Concat(new byte[] { 0xE9, 0x0A }).ToArray();

        var result = RosterParser.Parse(bytes, "roster.csv");

        Assert.That(result.Entries, Is.Empty);
        Assert.That(result.Errors, Is.EqualTo(new[] { "roster.csv:3: not valid UTF-8 (save the roster as UTF-8 CSV)" }));
    }

    [Test]
    public void Parse_QuotedNewlineAndBadRows_ReportEachAtItsOwnLine()
    {
        var result = Parse("learner_id,name,email,github_login,cohort\n\"S001\",\"Jane\nDoe\",,jane,a\nS002,Jim,,-bad-,a\nS003,Joe,,joe\nS001,Jo,,jo,a\n");

        Assert.That(result.Entries, Is.Empty);
        Assert.That(result.Errors, Is.EqualTo(new[]
        {
            "roster.csv:4: '-bad-' is not a GitHub login (letters, digits and single inner hyphens, at most 39)",
            "roster.csv:5: expected 5 fields as in the header, found 4",
            "roster.csv:6: learner id 'S001' is already on line 2",
        }));
    }

    [Test]
    public void Parse_ByteOrderMarkAndCrLf_AreAccepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("learner_id,name,email,github_login,cohort\r\nS001,Jane,,jane,a\r\n")).ToArray();

        var result = RosterParser.Parse(bytes, "roster.csv");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Entries.Single().GitHubLogin, Is.EqualTo("jane"));
    }

    [Test]
    public void Parse_AliasColumn_ReadsAcceptableAliasesAndLocatesBadOnes()
    {
        var good = Parse("learner_id,name,email,github_login,cohort,alias\nS1,Ann,,ann,c,Speedy Al\nS2,Ben,,ben,c,\n");
        var bad = Parse("learner_id,name,email,github_login,cohort,alias\nS1,Ann,,ann,c,<script>alert(1)</script>\nS2,Ben,,ben,c," + new string('x', 33) + "\n");

        Assert.Multiple(() =>
        {
            Assert.That(good.Errors, Is.Empty);
            Assert.That(good.Entries.Select(e => e.Alias), Is.EqualTo(new[] { "Speedy Al", null }));
            Assert.That(bad.Entries, Is.Empty);
            Assert.That(bad.Errors, Is.EqualTo(new[]
            {
                "roster.csv:2: alias '<script>alert(1)</script>' may hold only letters, digits, spaces, '_', '.' and '-', starting with a letter or digit",
                $"roster.csv:3: alias '{new string('x', 33)}' is longer than 32 characters",
            }));
        });
    }

    [Test]
    public void Parse_ExtensionsColumn_ReadsExtensionsPerModuleAndLocatesBadOnes()
    {
        var good = Parse("learner_id,name,email,github_login,cohort,extensions\nS1,Ann,,ann,c,\"MOD-101=2d; MOD-523=2026-12-20T23:59+01:00; *=12h\"\nS2,Ben,,ben,c,\n");
        var bad = Parse("learner_id,name,email,github_login,cohort,extensions\nS1,Ann,,ann,c,2d\nS2,Ben,,ben,c,MOD-101=soon\nS3,Cy,,cy,c,MOD-101=1d;mod-101=2d\nS4,Di,,di,c,MOD-101=2026-12-20T23:59\n");

        var ann = good.Entries[0].Extensions!;
        Assert.Multiple(() =>
        {
            Assert.That(good.Errors, Is.Empty);
            Assert.That(ann.For("MOD-101"), Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromDays(2))));
            Assert.That(ann.For("mod-523")!.Until, Is.EqualTo(new DateTimeOffset(2026, 12, 20, 22, 59, 0, TimeSpan.Zero)));
            Assert.That(ann.For("MOD-558"), Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromHours(12))), "'*' covers every other module");
            Assert.That(good.Entries[1].Extensions, Is.Null);
            Assert.That(bad.Entries, Is.Empty);
            Assert.That(bad.Errors, Is.EqualTo(new[]
            {
                "roster.csv:2: extensions '2d' is not MODULE=EXTENSION (e.g. 'MOD-101=2d; *=1d', '*' for every module)",
                $"roster.csv:3: extensions for MOD-101: 'soon' is not {DeadlineExtension.Syntax}",
                "roster.csv:4: extensions name module mod-101 twice",
                $"roster.csv:5: extensions for MOD-101: '2026-12-20T23:59' is not {DeadlineExtension.Syntax}",
            }));
        });
    }

    [Test]
    public void ModuleExtensionsToString_AnyCell_ReadsBackAsTheSameExtensions()
    {
        Assert.That(ModuleExtensions.TryParse(" *=1d ;MOD-523=2026-12-20T23:59+01:00;MOD-101 = 36h ", out var written, out _), Is.True);

        var text = written!.ToString();

        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo("*=1d; MOD-101=36h; MOD-523=2026-12-20T23:59:00+01:00"));
            Assert.That(ModuleExtensions.TryParse(text, out var read, out _), Is.True);
            Assert.That(read, Is.EqualTo(written));
            Assert.That(read!.For("MOD-101"), Is.EqualTo(DeadlineExtension.Of(TimeSpan.FromHours(36))), "a module's own entry wins over '*'");
        });
    }
}

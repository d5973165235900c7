using System.Text;
using Grader.Runner.Reports;

namespace Grader.Runner.Tests.Reports;

public class JUnitParserTests
{
    private static JUnitReport Parse(string xml, JUnitParserOptions? options = null) =>
        JUnitParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), options);

    [Test]
    public void Parse_PytestReport_CountsOutcomesAndLocatesFailureInTrace()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites><testsuite name="pytest" tests="4">
              <testcase classname="tests.test_api" name="test_ok" time="0.01"/>
              <testcase classname="tests.test_api" name="test_bad" time="0.02">
                <failure message="assert 1 == 2">def test_bad():
            &gt;       assert 1 == 2
            E       assert 1 == 2

            tests/test_api.py:7: AssertionError</failure>
                <system-out>printed</system-out>
              </testcase>
              <testcase classname="tests.test_api" name="test_err"><error message="boom">trace</error></testcase>
              <testcase classname="tests.test_api" name="test_skip"><skipped message="later"/></testcase>
            </testsuite></testsuites>
            """;

        var report = Parse(xml);

        Assert.Multiple(() =>
        {
            Assert.That(report.Error, Is.Null);
            Assert.That((report.Passed, report.Failed, report.Skipped, report.Total), Is.EqualTo((1, 2, 1, 3)));
            var bad = report.Cases.Single(c => c.Name == "test_bad");
            Assert.That(bad.Message, Is.EqualTo("assert 1 == 2"));
            Assert.That((bad.File, bad.Line), Is.EqualTo(("tests/test_api.py", (int?)7)));
            Assert.That(bad.SystemOut, Is.EqualTo("printed"));
            Assert.That(bad.Suite, Is.EqualTo("pytest"));
        });
    }

    [Test]
    public void Parse_FileAndLineAttributes_AreRead()
    {
        const string xml = """<testsuite name="jest"><testcase name="adds" classname="math" file="src/math.test.js" line="12"><failure>expected 3</failure></testcase></testsuite>""";

        var test = Parse(xml).Cases.Single();

        Assert.That((test.File, test.Line, test.Outcome), Is.EqualTo(("src/math.test.js", (int?)12, TestOutcome.Failed)));
    }

    [Test]
    public void Parse_GoJunitReportShape_NestedSuitesAndProperties()
    {
        const string xml = """
            <testsuites><testsuite name="pkg/a" tests="2"><properties><property name="go.version" value="1.22"/></properties>
              <testcase name="TestOne" classname="pkg/a" time="0.000"></testcase>
              <testcase name="TestTwo" classname="pkg/a" time="0.000"><failure message="Failed" type="">a_test.go:9: wrong</failure></testcase>
            </testsuite></testsuites>
            """;

        var report = Parse(xml);

        Assert.That((report.Passed, report.Failed), Is.EqualTo((1, 1)));
        Assert.That(report.Cases[1].File, Is.EqualTo("a_test.go"));
    }

    [Test]
    public void Parse_Dtd_IsRefusedWithoutExpandingEntities()
    {
        const string xml = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><testsuite><testcase name="&lol2;"/></testsuite>""";

        var report = Parse(xml);

        Assert.That(report.Error, Does.Contain("not valid XML"));
        Assert.That(report.Cases, Is.Empty);
    }

    [Test]
    public void Parse_MalformedXml_GivesErrorNotException()
    {
        var report = Parse("<testsuite><testcase name=\"a\"></testsuite>");

        Assert.That(report.Error, Does.Contain("not valid XML").And.Contain("line 1"));
    }

    [Test]
    public void Parse_WrongRoot_GivesClearError()
    {
        Assert.That(Parse("<html><body/></html>").Error, Does.Contain("<html>"));
    }

    [Test]
    public void Parse_TooDeep_StopsWithError()
    {
        var xml = "<testsuite>" + string.Concat(Enumerable.Repeat("<x>", 50)) + string.Concat(Enumerable.Repeat("</x>", 50)) + "</testsuite>";

        Assert.That(Parse(xml, new JUnitParserOptions { MaxDepth = 10 }).Error, Does.Contain("deeper than 10"));
    }

    [Test]
    public void Parse_TooManyCases_StopsWithError()
    {
        var xml = "<testsuite>" + string.Concat(Enumerable.Repeat("<testcase name=\"t\"/>", 20)) + "</testsuite>";

        var report = Parse(xml, new JUnitParserOptions { MaxTestCases = 5 });

        Assert.That(report.Error, Does.Contain("more than 5 test cases"));
        Assert.That(report.Cases, Has.Count.EqualTo(5));
    }

    [Test]
    public void Parse_LongNamesAndOutput_AreBoundedButRaw()
    {
        var name = "<b>@team</b> **bold** " + new string('n', 1000);
        var xml = $"<testsuite><testcase name=\"{System.Security.SecurityElement.Escape(name)}\"><system-out>{new string('o', 10_000)}</system-out></testcase></testsuite>";

        var test = Parse(xml, new JUnitParserOptions { MaxNameLength = 100, MaxTextLength = 500 }).Cases.Single();

        Assert.Multiple(() =>
        {
            Assert.That(test.Name, Does.StartWith("<b>@team</b> **bold** "));
            Assert.That(test.Name, Has.Length.EqualTo(101));
            Assert.That(test.SystemOut, Has.Length.EqualTo(501));
        });
    }

    [Test]
    public void ParseFile_LargerThanLimit_RefusedBeforeParsing()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.OpenWrite(path)) file.SetLength(5L << 20);

            var report = JUnitParser.ParseFile(path, new JUnitParserOptions { MaxFileBytes = 1 << 20 });

            Assert.That(report.Error, Does.Contain("larger than").And.Contain("was not parsed"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ParseFile_SymbolicLinkToAReport_RefusedWithoutFollowingIt()
    {
        var folder = Directory.CreateTempSubdirectory("junit-link-").FullName;
        try
        {
            var real = Path.Combine(folder, "real.xml");
            File.WriteAllText(real, "<testsuite><testcase name=\"a\"/></testsuite>");
            var link = Path.Combine(folder, "junit.xml");
            File.CreateSymbolicLink(link, real);

            var report = JUnitParser.ParseFile(link);

            Assert.Multiple(() =>
            {
                Assert.That(report.Cases, Is.Empty);
                Assert.That(report.Error, Is.EqualTo("junit.xml: the report is a symbolic link, not a regular file; it was not read"));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ParseFile_Fifo_RefusedWithoutOpeningIt()
    {
        var folder = Directory.CreateTempSubdirectory("junit-fifo-").FullName;
        try
        {
            var fifo = Path.Combine(folder, "junit.xml");
            int mkfifoExit;
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
            {
                mkfifo.WaitForExit();
                mkfifoExit = mkfifo.ExitCode;
            }
            Assert.That(mkfifoExit, Is.Zero, "mkfifo failed");

            // Opening a fifo with no writer would block forever: the parser must refuse it from lstat alone.
            var report = JUnitParser.ParseFile(fifo);

            Assert.That(report.Error, Is.EqualTo("junit.xml: the report is a fifo, socket or device, not a regular file; it was not read"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ParseFile_Folder_RefusedAndNotSearchedForXml()
    {
        var folder = Directory.CreateTempSubdirectory("junit-folder-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "forged.xml"), "<testsuite><testcase name=\"forged\"/></testsuite>");

            var report = JUnitParser.ParseFile(folder);

            Assert.Multiple(() =>
            {
                Assert.That(report.Cases, Is.Empty);
                Assert.That(report.Error, Does.Contain("is a folder, not a file"));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

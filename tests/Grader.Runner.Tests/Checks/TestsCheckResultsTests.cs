using Grader.Rubrics.Model;
using Grader.Runner.Reports;
using Grader.Runner.Testing;

namespace Grader.Runner.Tests.Checks;

public class TestsCheckResultsTests
{
    private string _submission = null!;

    [SetUp]
    public void CreateSubmission()
    {
        _submission = Directory.CreateTempSubdirectory("annotate-").FullName;
        Directory.CreateDirectory(Path.Combine(_submission, "service"));
        File.WriteAllText(Path.Combine(_submission, "service", "app.py"), "x = 1\n");
        // A learner's file that shares a hidden test's name.
        File.WriteAllText(Path.Combine(_submission, "test_lab2_contract.py"), "y = 2\n");
    }

    [TearDown]
    public void RemoveSubmission() => Directory.Delete(_submission, recursive: true);

    private static JUnitTestCase Failing(string file, int line) =>
        new("test_x", "suite", null, TestOutcome.Failed, "expected 8.4", null, file, line, null, null, null);

    [Test]
    public void Annotate_OwnRunFileUnderAnyPrefix_LongestSuffixInTheSubmission()
    {
        var annotation = TestsCheckResults.Annotate(Failing("/app/service/app.py", 3), _submission);

        Assert.That((annotation?.Path, annotation?.StartLine), Is.EqualTo(("service/app.py", (int?)3)));
    }

    [Test]
    public void Annotate_HiddenRunFileOfTheHiddenTests_NoAnnotationEvenWhenTheLearnerHasAFileOfThatName()
    {
        var annotation = TestsCheckResults.Annotate(Failing("/grader/hidden/test_lab2_contract.py", 40), _submission, hidden: true);

        Assert.That(annotation, Is.Null);
    }

    [Test]
    public void Annotate_HiddenRunFileUnderTheSubmissionMount_AnnotatesExactlyThatFile()
    {
        var annotation = TestsCheckResults.Annotate(Failing(HiddenTestsSpec.SubmissionMountPath + "/service/app.py", 1), _submission, hidden: true);
        var suffixOnly = TestsCheckResults.Annotate(Failing(HiddenTestsSpec.SubmissionMountPath + "/other/service/app.py", 1), _submission, hidden: true);

        Assert.Multiple(() =>
        {
            Assert.That(annotation?.Path, Is.EqualTo("service/app.py"));
            Assert.That(suffixOnly, Is.Null);
        });
    }
}

using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Scoring;

public class FeedbackTests
{
    private static readonly FeedbackTemplates Templates = new()
    {
        Met = "Image is {size}, under the {max} limit.",
        Partial = "Got {points} of {max_points}: {ratio} passed.",
        NotMet = "Image is {size}; the limit is {max}. {unknown_thing} stays.",
        Hint = "See the lab notes.",
    };

    private static ScoredCriterion ScoreWith(CheckResult result, CreditRule? credit = null) =>
        RubricScorer.Score(Rubric(Criterion("c", 20, credit: credit, feedback: Templates)), [result]).Criteria[0];

    [Test]
    public void Score_MetWithTemplate_FillsPlaceholdersFromValues()
    {
        var result = Passed("c") with { Values = new Dictionary<string, string> { ["size"] = "1.2 GB", ["max"] = "2 GB" } };

        Assert.That(ScoreWith(result).Feedback, Is.EqualTo("Image is 1.2 GB, under the 2 GB limit."));
    }

    [Test]
    public void Score_NotMetWithUnknownPlaceholder_LeavesItAsWrittenAndAppendsHint()
    {
        var result = Failed("c") with { Values = new Dictionary<string, string> { ["size"] = "2.4 GB", ["max"] = "2 GB" } };

        Assert.That(ScoreWith(result).Feedback, Is.EqualTo("Image is 2.4 GB; the limit is 2 GB. {unknown_thing} stays. See the lab notes."));
    }

    [Test]
    public void Score_PartialTemplate_GetsBuiltInPointPlaceholders()
    {
        var result = Failed("c", 0.75) with { Values = new Dictionary<string, string> { ["ratio"] = "75%" } };

        Assert.That(ScoreWith(result, new LinearCredit(0.5, 1)).Feedback, Is.EqualTo("Got 10 of 20: 75% passed. See the lab notes."));
    }

    [Test]
    public void Score_NoTemplate_UsesCheckMessage()
    {
        var rubric = Rubric(Criterion("c", 20));

        var scored = RubricScorer.Score(rubric, [Failed("c", message: "3 of 10 tests failed.")]).Criteria[0];

        Assert.That(scored.Feedback, Is.EqualTo("3 of 10 tests failed"));
    }

    [Test]
    public void Score_NoTemplateNoMessagePartial_SaysPointsEarned()
    {
        var rubric = Rubric(Criterion("c", 20, credit: new LinearCredit(0, 1)));

        var scored = RubricScorer.Score(rubric, [Failed("c", 0.25)]).Criteria[0];

        Assert.That(scored.Feedback, Is.EqualTo("Partly met (5 of 20 points)."));
    }

    [Test]
    public void Score_LearnerValueWithMarkdown_IsEscapedOnlyInMarkdownFeedback()
    {
        var result = Failed("c") with { Values = new Dictionary<string, string> { ["size"] = "[x](javascript:alert(1)) @org/team", ["max"] = "2 GB" } };

        var scored = ScoreWith(result);

        Assert.Multiple(() =>
        {
            Assert.That(scored.Feedback, Does.Contain("[x](javascript:alert(1)) @org/team"));
            Assert.That(scored.FeedbackMarkdown, Does.Contain(@"\[x\]\(javascript:alert\(1\)\)"));
            Assert.That(scored.FeedbackMarkdown, Does.Not.Contain("@org"));
        });
    }

    [Test]
    public void Score_ImageSizeResult_MeasuredValueIsTheSize()
    {
        var rubric = Rubric(Criterion("c", 20, check: new ImageSizeCheck { Max = ByteSize.Parse("2GB") }));
        var result = Passed("c", 1.2e9) with { Values = new Dictionary<string, string> { ["size"] = "1.2 GB" } };

        Assert.That(RubricScorer.Score(rubric, [result]).Criteria[0].MeasuredValue, Is.EqualTo("1.2 GB"));
    }

    [Test]
    public void Score_TestsResultWithoutValues_MeasuredValueFallsBackToMeasure()
    {
        var rubric = Rubric(Criterion("c", 20, check: new TestsCheck { Command = ["pytest"] }));

        Assert.That(RubricScorer.Score(rubric, [Failed("c", 0.9)]).Criteria[0].MeasuredValue, Is.EqualTo("90%"));
    }
}

using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;
using static Grader.Rubrics.Tests.Scoring.TestRubrics;

namespace Grader.Rubrics.Tests.Rendering;

internal static class SampleReviews
{
    public const string Hostile = "</details><script>alert(1)</script> @org/team ](javascript:alert(1)) a|b\nnext ``` #12";

    public static Rubric Rubric() => Grader.Rubrics.Tests.Scoring.TestRubrics.Rubric(
        Criterion("size", 20, gate: true, check: new ImageSizeCheck { Max = ByteSize.Parse("2GB") },
            evidence: [new EvidenceSpec("automation", ProficiencyLevel.Proficient)]),
        Criterion("tests", 50, credit: new LinearCredit(0.5, 1.0), check: new TestsCheck { Command = ["pytest"] }),
        Criterion("gpu", 30, check: new GpuCheck()));

    public static ScoredReview Failing() => RubricScorer.Score(Rubric(),
    [
        Passed("size", 1.2e9) with { Values = new Dictionary<string, string> { ["size"] = "1.2 GB" } },
        Failed("tests", 0.8, message: "2 of 10 tests failed") with
        {
            Values = new Dictionary<string, string> { ["passed"] = "8", ["total"] = "10" },
            Details = ["test_predict_shape " + Hostile, "test_health"],
            Logs = [new LogExcerpt("pytest output " + Hostile, "E   AssertionError\n```\n</details>\n@org/team " + Hostile)],
        },
        Failed("gpu", message: "peak GPU memory 9 GB is over the 8 GB limit"),
    ]);

    public static ScoredReview Incomplete() => RubricScorer.Score(Rubric(),
    [
        Passed("size", 1.2e9),
        Passed("tests", 1.0),
        CheckResult.GraderError("gpu", "no GPU on this runner"),
    ]);
}

using Grader.GitHub.Publishing;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Rubrics.Scoring;

namespace Grader.GitHub.Tests.Publishing;

/// <summary>What the bot and the Action publish on a pull request carries nothing about criteria the learner may not see.</summary>
public sealed class ReviewPublicationVisibilityTests
{
    private const string SecretTitle = "Zanzibar secret contract";
    private const string SecretMessage = "expected quokka-42 from internal probe";

    private static ScoredReview Review(CriterionVisibility visibility)
    {
        Criterion Criterion(string id, string title, double points, CriterionVisibility v) => new()
        {
            Id = id,
            Title = title,
            Points = points,
            Check = new FilesCheck { Require = [new RequiredFile("README.md", [])] },
            Visibility = v,
        };
        var rubric = new Rubric
        {
            Module = new ModuleInfo("MOD-1", "Visibility"),
            Competencies = [new Competency("docs", "Docs", ProficiencyLevel.Working)],
            Criteria = [Criterion("readme", "Readme", 82.75, CriterionVisibility.Visible), Criterion("zanzibar-secret", SecretTitle, 17.25, visibility)],
        };
        static CheckResult Failed(string id) => new()
        {
            CriterionId = id,
            Status = CheckStatus.Failed,
            Message = SecretMessage,
            Annotations = [new Annotation($"{id}.md", 1, 1, AnnotationLevel.Failure, $"{SecretMessage} in {id}", null)],
        };
        return RubricScorer.Score(rubric, [Failed("readme"), Failed("zanzibar-secret")]);
    }

    [Test]
    public void From_HiddenCriterion_NoAnnotationTitleOrTextAboutIt()
    {
        var published = ReviewPublication.From(Review(CriterionVisibility.Hidden));
        var everything = string.Join("\n", published.Title, published.Summary, published.Text, published.ReviewBody,
            string.Join("\n", published.Annotations.Select(a => $"{a.Path} {a.Title} {a.Message}")));
        Assert.Multiple(() =>
        {
            Assert.That(published.Annotations.Select(a => a.Path), Is.EqualTo(new[] { "readme.md" }));
            Assert.That(everything, Does.Not.Contain(SecretTitle));
            Assert.That(everything, Does.Not.Contain("zanzibar"));
            Assert.That(everything, Does.Not.Contain("17.25"));
        });
    }

    [Test]
    public void From_VisibleCriterion_AnnotationsOfBoth()
    {
        var published = ReviewPublication.From(Review(CriterionVisibility.Visible));
        Assert.That(published.Annotations.Select(a => a.Path), Is.EqualTo(new[] { "readme.md", "zanzibar-secret.md" }));
    }
}

using Grader.Bot.Configuration;
using Grader.Bot.Intake;
using Grader.Bot.Publishing;
using Grader.Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grader.Bot.Tests.Intake;

/// <summary>
/// The course's repository rule decides what a repository's <c>.grader.yml</c> may change. Each test resolves the
/// test's repository (its default branch read from the GitHub emulator) under a rule of its own.
/// </summary>
[Category("Docker")]
internal sealed class CourseResolverTests : BotTestBase
{
    private CourseResolver Resolver(string ruleSettings) => new(
        CourseConfigurationLoader.Load(TestCourse.Write(State.Path, Repository.Owner, ruleSettings)),
        Host.Services.GetRequiredService<IRepositoryGateway>(),
        Host.Services.GetRequiredService<RubricCatalog>(),
        NullLogger<CourseResolver>.Instance);

    private Task<ResolvedCourse?> ResolveAsync(string ruleSettings) =>
        Resolver(ruleSettings).ResolveAsync(Installation.Id, Repository.FullName, CancellationToken.None);

    private int ContentsReads => Emulator.Requests($"/repos/{Repository.FullName}/contents/").Count;

    [Test]
    public async Task ResolveAsync_OverridesNotEnabled_GraderFileNeitherReadNorObeyed()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "enabled: false\nrubric: hello-gpu\ngrade_drafts: true\n" });
        var readsBefore = ContentsReads;

        var course = await ResolveAsync("grade_drafts: false");

        Assert.Multiple(() =>
        {
            Assert.That(course, Is.Not.Null);
            Assert.That(course!.RubricName, Is.EqualTo("hello"));
            Assert.That(course.GradeDrafts, Is.False);
            Assert.That(ContentsReads, Is.EqualTo(readsBefore), "the file is not even fetched");
        });
    }

    [Test]
    public async Task ResolveAsync_AllowedRubricRequested_ThatRubricWithDraftsAsAsked()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "rubric: hello-gpu\ngrade_drafts: true\n" });

        var course = await ResolveAsync(TestCourse.DefaultRuleSettings);

        Assert.Multiple(() =>
        {
            Assert.That(course!.RubricName, Is.EqualTo("hello-gpu"));
            Assert.That(course.GradeDrafts, Is.True);
            Assert.That(course.RefusedOverrides, Is.Empty);
        });
    }

    [Test]
    public async Task ResolveAsync_OptOutAllowed_NotGraded()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "enabled: false\n" });

        var course = await ResolveAsync("allow_repository_override: true\n    allow_opt_out: true");

        Assert.That(course, Is.Null);
    }

    [Test]
    public async Task ResolveAsync_GraderFileNotValid_CoursesRubricAndARefusalNote()
    {
        await Learner.CommitToDefaultBranchAsync(new Dictionary<string, string> { [CourseResolver.RepositoryFileName] = "rubric: [unclosed\n" });

        var course = await ResolveAsync(TestCourse.DefaultRuleSettings);

        Assert.Multiple(() =>
        {
            Assert.That(course!.RubricName, Is.EqualTo("hello"));
            Assert.That(course.RefusedOverrides.Single(), Does.Contain(".grader.yml").And.Contain("not valid"));
        });
    }
}

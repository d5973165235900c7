using Grader.Bot.Configuration;
using Grader.Configuration;
using Grader.GitHub.Publishing;
using Microsoft.Extensions.Configuration;

namespace Grader.Bot.Tests.Configuration;

internal sealed class CourseConfigurationTests
{
    [Test]
    public void Match_FirstMatchingGlobWins()
    {
        var config = CourseConfigurationLoader.Parse("""
            rubrics:
              a: { rubric: a.yaml }
              b: { rubric: b.yaml, queue: gpu }
            repositories:
              - { pattern: "course/mod-301-*", rubric: b }
              - { pattern: "course/*", rubric: a }
            """, "test");

        Assert.Multiple(() =>
        {
            Assert.That(config.Match("course/mod-301-alice")!.Rubric, Is.EqualTo("b"));
            Assert.That(config.Match("Course/Mod-101-bob")!.Rubric, Is.EqualTo("a"));
            Assert.That(config.Match("elsewhere/x"), Is.Null);
        });
    }

    [Test]
    public void Parse_PatternNamingUnknownRubric_ClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse("""
            rubrics: {}
            repositories:
              - { pattern: "x/*", rubric: missing }
            """, "bot.yaml"));

        Assert.That(error!.Message, Does.Contain("missing").And.Contain("bot.yaml"));
    }

    [Test]
    public void Parse_Extensions_ByLoginIgnoringCase()
    {
        var config = CourseConfigurationLoader.Parse("""
            rubrics:
              lab:
                rubric: lab.yaml
                extensions:
                  Alice: 2d
                  bob: "2026-12-20T23:59+01:00"
            """, "bot.yaml");
        var lab = config.Rubrics["lab"];

        Assert.Multiple(() =>
        {
            Assert.That(lab.ExtensionFor("alice"), Is.EqualTo(Grader.Rubrics.Model.DeadlineExtension.Of(TimeSpan.FromDays(2))));
            Assert.That(lab.ExtensionFor("BOB")!.Until, Is.EqualTo(new DateTimeOffset(2026, 12, 20, 22, 59, 0, TimeSpan.Zero)));
            Assert.That(lab.ExtensionFor("carol"), Is.Null);
        });
    }

    [Test]
    public void Parse_SubmissionLimit_CountAndWindow()
    {
        var config = CourseConfigurationLoader.Parse("""
            rubrics:
              lab:
                rubric: lab.yaml
                submission_limit: { gradings: 3, per: 24h }
              free: { rubric: free.yaml }
            """, "bot.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(config.Rubrics["lab"].SubmissionLimit, Is.EqualTo(new SubmissionLimit(3, TimeSpan.FromHours(24))));
            Assert.That(config.Rubrics["lab"].SubmissionLimit!.ToString(), Is.EqualTo("3 gradings per 24h"));
            Assert.That(config.Rubrics["free"].SubmissionLimit, Is.Null);
        });
    }

    [TestCase("{ gradings: 0, per: 24h }", "bot.yaml:4:35", "gradings '0'")]
    [TestCase("{ gradings: -2, per: 24h }", "bot.yaml:4:35", "gradings '-2'")]
    [TestCase("{ gradings: lots, per: 24h }", "bot.yaml:4:35", "gradings 'lots'")]
    [TestCase("{ gradings: 3, per: 0s }", "bot.yaml:4:43", "per '0s'")]
    [TestCase("{ gradings: 3, per: tomorrow }", "bot.yaml:4:43", "per 'tomorrow'")]
    [TestCase("{ gradings: 3 }", "bot.yaml:4:23", "needs both gradings and per")]
    [TestCase("{ gradings: 3, per: 1h, burst: 2 }", "bot.yaml:4:47", "no key 'burst'")]
    [TestCase("3 per day", "bot.yaml:4:23", "is a mapping")]
    public void Parse_BadSubmissionLimit_ErrorAtItsLineAndColumn(string limit, string location, string says)
    {
        var error = Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse($"""
            rubrics:
              lab:
                rubric: lab.yaml
                submission_limit: {limit}
            """, "bot.yaml"));

        Assert.That(error!.Message, Does.StartWith(location).And.Contain(says), error.Message);
    }

    [Test]
    public void Parse_BadExtension_ErrorAtItsLineAndColumn()
    {
        var error = Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse("""
            rubrics:
              lab:
                rubric: lab.yaml
                extensions:
                  alice: 2d
                  bob: next monday
            """, "bot.yaml"));

        Assert.That(error!.Message, Does.Contain("bot.yaml:6:").And.Contain("'next monday'").And.Contain("duration"), error.Message);
    }

    [Test]
    public void Parse_UnknownQueue_ClearError()
    {
        Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse("rubrics:\n  a: { rubric: a.yaml, queue: tpu }\n", "bot.yaml"));
    }

    [Test]
    public void ParseRepositoryFile_NotYaml_Null()
    {
        Assert.That(CourseConfigurationLoader.ParseRepositoryFile("rubric: [unclosed"), Is.Null);
    }

    [Test]
    public void Flatten_ExampleConfig_SettingsSectionsBecomeConfigurationKeys()
    {
        var example = Path.Combine(TestContext.CurrentContext.TestDirectory, "grader.example.yaml");

        var settings = YamlSettings.Flatten(File.ReadAllText(example), example);
        var courses = CourseConfigurationLoader.Load(example);

        Assert.Multiple(() =>
        {
            Assert.That(settings["Grader:Bot:AppSlug"], Is.EqualTo("ml-course-grader"));
            Assert.That(settings["Grader:Bot:Queues:0"], Is.EqualTo("cpu"));
            Assert.That(settings["Grader:Bot:Retry:DelaysInSeconds:2"], Is.EqualTo("600"));
            Assert.That(settings["Grader:GitHub:AppId"], Is.EqualTo("123456"), "github: is Grader:GitHub (keys ignore case)");
            Assert.That(settings["Grader:Runner:WorkRoot"], Is.EqualTo("/var/lib/grader/work"));
            Assert.That(courses.Match("ml-course/mod-101-lab2-alice")!.Rubric, Is.EqualTo("mod-101-lab2"));
            Assert.That(courses.Match("ml-course/mod-101-lab2-alice")!.AllowedRubrics, Is.EqualTo(new[] { "mod-101-lab2-gpu" }));
            Assert.That(courses.Match("ml-course/mod-527-bob")!.AllowRepositoryOverride, Is.False);
            Assert.That(settings["Grader:Bot:WebhookIntake:MaxBodyBytes"], Is.EqualTo("4194304"));
            Assert.That(Path.IsPathRooted(courses.Rubrics["mod-101-lab2"].Rubric), Is.True);
            Assert.That(courses.Rubrics["mod-101-lab2"].SubmissionLimit, Is.EqualTo(new SubmissionLimit(3, TimeSpan.FromHours(24))));
        });
    }

    [Test]
    public void Parse_SettingsSectionsOfAnyName_LeftToTheSettingsTheCourseMappingStillStrict()
    {
        var config = CourseConfigurationLoader.Parse("""
            gpu: { enabled: false, devices: [0, 1] }
            rubrics:
              lab: { rubric: lab.yaml }
            evidence:
              store: evidence.db
            repositories:
              - { pattern: "x/*", rubric: lab }
            service: { block_service_to_host: false }
            """, "bot.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(config.Rubrics.Keys, Is.EqualTo(new[] { "lab" }));
            Assert.That(config.Match("x/y")!.Rubric, Is.EqualTo("lab"));
        });
    }

    [Test]
    public void Flatten_ExampleConfig_PublishingSettingsBindAndAreTheDocumentedDefaults()
    {
        var settings = YamlSettings.Flatten(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "grader.example.yaml")), "grader.example.yaml");

        var bound = new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
            .GetSection(PublishingOptions.SectionName).Get<PublishingOptions>();
        var defaults = new PublishingOptions();

        Assert.That(bound, Is.Not.Null);
        Assert.That(
            (bound!.OutboxBaseDelay, bound.OutboxMaxDelay, bound.OutboxPollInterval, bound.OutboxMaxAttempts, bound.OutboxMaxAge),
            Is.EqualTo((defaults.OutboxBaseDelay, defaults.OutboxMaxDelay, defaults.OutboxPollInterval, defaults.OutboxMaxAttempts, defaults.OutboxMaxAge)));
        Assert.That(settings.Keys.Where(k => k.StartsWith("Grader:Bot:Outbox", StringComparison.OrdinalIgnoreCase)), Is.Empty, "moved to github.publishing");
    }

    [Test]
    public void Parse_MisspeltKey_ErrorAtItsLineNamingTheKey()
    {
        var error = Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse("""
            bot: { app_slug: grader }
            rubrics:
              lab:
                rubric: lab.yaml
                hiden_tests: hidden/lab
            repositories:
              - { pattern: "x/*", rubric: lab }
            """, "bot.yaml"));

        Assert.That(error!.Message, Does.StartWith("bot.yaml:5:").And.Contain("hiden_tests"));
    }

    [Test]
    public void Parse_RuleWithoutOverrideSettings_OverridesOffNoOtherRubricNoOptOut()
    {
        var rule = CourseConfigurationLoader.Parse("""
            rubrics:
              lab: { rubric: lab.yaml }
            repositories:
              - { pattern: "x/*", rubric: lab }
            """, "bot.yaml").Repositories.Single();

        Assert.Multiple(() =>
        {
            Assert.That(rule.AllowRepositoryOverride, Is.False);
            Assert.That(rule.AllowedRubrics, Is.Empty);
            Assert.That(rule.AllowOptOut, Is.False);
        });
    }

    [Test]
    public void Parse_AllowedRubricNotListed_ErrorNamingIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse("""
            rubrics:
              lab: { rubric: lab.yaml }
            repositories:
              - { pattern: "x/*", rubric: lab, allow_repository_override: true, allowed_rubrics: [lab-easy] }
            """, "bot.yaml"));

        Assert.That(error!.Message, Does.StartWith("bot.yaml:").And.Contain("'lab-easy'").And.Contain("x/*"));
    }

    [TestCase("allowed_rubrics: [lab]")]
    [TestCase("allow_opt_out: true")]
    public void Parse_OverrideSettingWithoutOverridesOn_ErrorSayingItHasNoEffect(string setting)
    {
        var error = Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse($$"""
            rubrics:
              lab: { rubric: lab.yaml }
            repositories:
              - { pattern: "x/*", rubric: lab, {{setting}} }
            """, "bot.yaml"));

        Assert.That(error!.Message, Does.Contain("only apply with allow_repository_override: true"));
    }

    [Test]
    public void Parse_MisspeltOverrideKey_ErrorAtItsLineNamingTheKey()
    {
        var error = Assert.Throws<InvalidDataException>(() => CourseConfigurationLoader.Parse("""
            rubrics:
              lab: { rubric: lab.yaml }
            repositories:
              - pattern: "x/*"
                rubric: lab
                allow_repository_override: true
                allowed_rubric: [lab]
            """, "bot.yaml"));

        Assert.That(error!.Message, Does.StartWith("bot.yaml:7:").And.Contain("allowed_rubric"));
    }
}

using System.CommandLine;
using Grader.Cli;

namespace Grader.Server.Tests.Commands;

/// <summary><c>grader-server publish</c> as an instructor runs it: on the store the config file names, safe to repeat, and a clear line for a rubric the course does not have.</summary>
public sealed class PublishCommandTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("grader-publish-command-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private async Task<(int Exit, string Output, string Error)> PublishAsync(string rubric, params string[] more)
    {
        var config = Path.Combine(_folder, "grader.yaml");
        await File.WriteAllTextAsync(config, $"""
            bot: {"{"} database_path: "{Path.Combine(_folder, "bot.db")}" {"}"}
            rubrics:
              mod-101-lab2: {"{"} rubric: lab2.yaml {"}"}
              mod-101-quiz: {"{"} rubric: quiz.yaml {"}"}
            """);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await GraderCommand.InvokeAsync(ServerCommand.Build(), ["publish", "--config", config, "--rubric", rubric, .. more], new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Publish_Twice_PublishedThenAlreadyPublished()
    {
        var first = await PublishAsync("mod-101-lab2");
        var second = await PublishAsync("mod-101-lab2");

        Assert.Multiple(() =>
        {
            Assert.That((first.Exit, first.Error), Is.EqualTo((0, "")));
            Assert.That(first.Output, Does.StartWith("Published the results of 'mod-101-lab2'. 0 posted result(s)"));
            Assert.That((second.Exit, second.Error), Is.EqualTo((0, "")));
            Assert.That(second.Output, Does.StartWith("Already published: the results of 'mod-101-lab2'. 0 posted result(s)"));
        });
    }

    [Test]
    public async Task Publish_RubricTheCourseDoesNotHave_Exit2NamingTheOnesItHas()
    {
        var (exit, output, error) = await PublishAsync("mod-101-lab3");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.Contain("lists no rubric 'mod-101-lab3'").And.Contain("mod-101-lab2, mod-101-quiz"));
        });
    }

    [Test]
    public async Task Publish_SetNamesNoSetting_Exit2NamingIt()
    {
        var (exit, output, error) = await PublishAsync("mod-101-lab2", "--set", "bot.no_such_setting=1");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.StartWith("grader: --set bot.no_such_setting=1: 'bot.no_such_setting' is not a setting of Grader"));
        });
    }

    [Test]
    public async Task Publish_ConfigFileMissing_Exit2()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var missing = Path.Combine(_folder, "absent.yaml");

        var exit = await GraderCommand.InvokeAsync(ServerCommand.Build(), ["publish", "--config", missing, "--rubric", "mod-101-lab2"], new InvocationConfiguration { Output = output, Error = error });

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output.ToString(), Is.Empty);
            Assert.That(error.ToString(), Does.StartWith("grader: ").And.Contain("absent.yaml"));
        });
    }
}

using System.CommandLine;
using Grader.Cli;

namespace Grader.Server.Tests.Commands;

/// <summary>
/// <c>grader-server runners</c> on the store the config file names, without a fleet (the fleet's listing is in
/// <c>Fleet/FleetTests</c>): an empty registry, and one <c>grader:</c> line with exit 2 for what it cannot read.
/// </summary>
public sealed class RunnersCommandTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("grader-runners-command-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private async Task<(int Exit, string Output, string Error)> RunnersAsync(params string[] arguments)
    {
        var config = Path.Combine(_folder, "grader.yaml");
        await File.WriteAllTextAsync(config, $"""
            bot: {"{"} database_path: "{Path.Combine(_folder, "bot.db")}" {"}"}
            """);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await GraderCommand.InvokeAsync(ServerCommand.Build(), ["runners", "--config", config, .. arguments], new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Runners_NoneRegistered_SaysHowToStartOne()
    {
        var (exit, output, error) = await RunnersAsync();

        Assert.Multiple(() =>
        {
            Assert.That((exit, error), Is.EqualTo((0, "")));
            Assert.That(output, Does.StartWith("No runner has registered. Start one with `grader-server work"));
        });
    }

    [Test]
    public async Task Runners_NoneRegisteredAsJson_AnEmptyArray()
    {
        var (exit, output, error) = await RunnersAsync("--json");

        Assert.Multiple(() =>
        {
            Assert.That((exit, error), Is.EqualTo((0, "")));
            Assert.That(output.Trim(), Is.EqualTo("[]"));
        });
    }

    [Test]
    public async Task Runners_SetNamesNoSetting_Exit2NamingIt()
    {
        var (exit, output, error) = await RunnersAsync("--set", "bot.no_such_setting=1");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.StartWith("grader: --set bot.no_such_setting=1: 'bot.no_such_setting' is not a setting of Grader"));
        });
    }

    [Test]
    public async Task Runners_ConfigFileMissing_Exit2()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var missing = Path.Combine(_folder, "absent.yaml");

        var exit = await GraderCommand.InvokeAsync(ServerCommand.Build(), ["runners", "--config", missing], new InvocationConfiguration { Output = output, Error = error });

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output.ToString(), Is.Empty);
            Assert.That(error.ToString(), Does.StartWith("grader: ").And.Contain("absent.yaml"));
        });
    }
}

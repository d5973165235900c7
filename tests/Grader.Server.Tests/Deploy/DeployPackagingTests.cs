using System.Diagnostics;
using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace Grader.Server.Tests.Deploy;

/// <summary>
/// The operators' packaging in deploy/: docker-compose reads the fleet's compose file as meant (the Docker socket only
/// on runners, the course config read-only everywhere), and deploy/build-images.sh builds the offline runtime base and
/// the bot image from this checkout, whose `grader-server` runs in it as a non-root user. Real docker-compose and Docker
/// engine; every image is built under a prefix of its own and removed afterwards.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DeployPackagingTests
{
    private const string TestLabel = "org.grader.test=deploy-packaging";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    private static readonly string[] GraderServices = ["bot", "runner-1", "runner-2"];

    private readonly string _prefix = $"grader-test-{Guid.NewGuid():N}"[..24] + "/";

    private static string Root
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grader.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Grader.sln not found above the test binaries.");
        }
    }

    private static string ComposeFile => Path.Combine(Root, "deploy", "compose.yaml");

    [OneTimeTearDown]
    public async Task RemoveImagesAsync()
    {
        // Everything this fixture built carries its prefix; the offline runtime base is one of them.
        var listed = await RunAsync("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", $"label={TestLabel}"]);
        var mine = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(name => name.StartsWith(_prefix, StringComparison.Ordinal)).ToList();
        if (mine.Count > 0) await RunAsync("docker", ["image", "rm", "--force", .. mine]);
    }

    [Test]
    public async Task ComposeConfig_WithSecrets_DefinesPostgresBotAndTwoRunners()
    {
        var result = await ComposeConfigAsync(["config", "--services"], Secrets());

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var services = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(services, Is.EquivalentTo(new[] { "postgres", "bot", "runner-1", "runner-2" }));
    }

    [Test]
    public async Task ComposeConfig_WithoutWebhookSecret_FailsNamingTheVariable()
    {
        var environment = Secrets();
        environment.Remove("GRADER_WEBHOOK_SECRET");

        var result = await ComposeConfigAsync(["config"], environment);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("GRADER_WEBHOOK_SECRET"));
    }

    [Test]
    public async Task ComposeConfig_Services_OnlyRunnersMountTheDockerSocket()
    {
        var services = await ServicesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Volumes(services, "bot"), Has.None.Contains("docker.sock"), "the webhook front never gets the engine");
            Assert.That(Volumes(services, "postgres"), Has.None.Contains("docker.sock"));
            foreach (var runner in new[] { "runner-1", "runner-2" })
            {
                Assert.That(Volumes(services, runner), Has.One.StartsWith("/var/run/docker.sock:/var/run/docker.sock"), runner);
            }
        });
    }

    [Test]
    public async Task ComposeConfig_GraderServices_ReadTheCourseConfigReadOnlyAndShareOnePostgresSetting()
    {
        var services = await ServicesAsync();

        Assert.Multiple(() =>
        {
            foreach (var name in GraderServices)
            {
                var volumes = Volumes(services, name);
                Assert.That(volumes, Has.One.EndsWith(":/etc/grader/grader.yaml:ro"), name);
                Assert.That(volumes, Has.One.EndsWith(":/etc/grader/rubrics:ro"), name);
                var environment = (YamlMappingNode)services[name]["environment"];
                Assert.That(environment.Children.Keys.Select(k => k.ToString()), Does.Contain("Grader__Bot__Postgres").And.Contain("Grader__Bot__WebhookSecret"), name);
                Assert.That(environment["Grader__Bot__Postgres"].ToString(), Does.Contain("Password=pg-test-password"), name);
            }
            Assert.That(services["bot"]["command"].AllNodes.Select(n => n.ToString()), Does.Contain("--no-runner"));
            Assert.That(services["runner-1"]["command"].AllNodes.Select(n => n.ToString()), Does.Contain("runner-1"));
            Assert.That(services["runner-2"]["command"].AllNodes.Select(n => n.ToString()), Does.Contain("runner-2"));
        });
    }

    [Test]
    public async Task BuildImages_OfflineBot_RunsGraderServerHelpAsNonRoot()
    {
        var configuration = typeof(DeployPackagingTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        // The test assembly was built with cli/Grader.Server (a project reference): publish that build, do not rebuild it.
        var build = await RunAsync(Path.Combine(Root, "deploy", "build-images.sh"),
            ["--offline", "--only", "runtime,bot", "--prefix", _prefix, "--tag", "test", "--configuration", configuration, "--no-build", "--label", TestLabel]);
        Assert.That(build.ExitCode, Is.Zero, build.Error);

        var image = _prefix + "bot:test";
        var help = await RunAsync("docker", ["run", "--rm", "--label", TestLabel, image, "--help"]);
        var user = await RunAsync("docker", ["run", "--rm", "--label", TestLabel, "--entrypoint", "id", image, "-u"]);

        Assert.Multiple(() =>
        {
            Assert.That(help.ExitCode, Is.Zero, help.Error);
            Assert.That(help.Output, Does.Contain("serve").And.Contain("work"));
            Assert.That(user.Output.Trim(), Is.EqualTo("10001"), "the bot runs as a non-root user");
        });
    }

    private static Dictionary<string, string> Secrets() => new()
    {
        ["GRADER_WEBHOOK_SECRET"] = "test-webhook-secret",
        ["GRADER_POSTGRES_PASSWORD"] = "pg-test-password",
    };

    private static async Task<YamlMappingNode> ServicesAsync()
    {
        var result = await ComposeConfigAsync(["config"], Secrets());
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(result.Output));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static List<string> Volumes(YamlMappingNode services, string service) =>
        ((YamlMappingNode)services[service]).Children.TryGetValue("volumes", out var volumes)
            ? [.. ((YamlSequenceNode)volumes).Select(v => v.ToString())]
            : [];

    /// <summary>docker-compose on the fleet's file with exactly the given variables (no deploy/.env of a trial run).</summary>
    private static async Task<(int ExitCode, string Output, string Error)> ComposeConfigAsync(IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        var isolated = Path.Combine(Path.GetTempPath(), "grader-compose-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(isolated);
        var noVariables = Path.Combine(isolated, "empty.env");
        await File.WriteAllTextAsync(noVariables, "");
        try
        {
            // An empty env file instead of a trial's deploy/.env; paths in the file stay relative to deploy/.
            return await RunAsync("docker-compose", ["--env-file", noVariables, "-f", ComposeFile, .. arguments], environment);
        }
        finally
        {
            Directory.Delete(isolated, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IReadOnlyList<string> arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var name in new[] { "GRADER_WEBHOOK_SECRET", "GRADER_POSTGRES_PASSWORD", "GRADER_IMAGE_PREFIX", "GRADER_IMAGE_TAG" }) start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran past {CommandTimeout}.");
        }
        return (process.ExitCode, await output, await error);
    }
}

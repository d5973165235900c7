using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Grader.Action;
using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Grader.Cli;
using Grader.Cli.Commands;
using Grader.Configuration;
using Grader.GitHub.Actions;
using Grader.Server.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grader.Server.Tests.Configuration;

/// <summary>
/// The one configuration model, checked over every options class found by reflection: each is a section below
/// <c>Grader</c>, bound by some command, and every one of its settings reaches the options from the config file through
/// that command's own configuration (the file's generic rule, no hand-written mapping).
/// </summary>
public sealed class OptionsModelTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("grader-options-model-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>Grader's own assemblies beside the tests (the product, not the tests or their helpers).</summary>
    private static IEnumerable<Assembly> GraderAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n == "grader" || (n!.StartsWith("Grader.", StringComparison.Ordinal) && !n.EndsWith(".Tests", StringComparison.Ordinal) && !n.StartsWith("Grader.Testing", StringComparison.Ordinal)))
            .Select(n => Assembly.Load(n!));

    /// <summary>Classes named <c>*Options</c>, and the settings objects they hold (e.g. <c>RunnerOptions.Checkout</c>).</summary>
    private static List<Type> OptionsClasses()
    {
        var assemblies = GraderAssemblies().ToList();
        var named = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .ToList();
        return [.. named.Concat(named.SelectMany(Nested)).Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal)];

        IEnumerable<Type> Nested(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.PropertyType)
            .Where(t => t.IsClass && assemblies.Contains(t.Assembly))
            .SelectMany(t => Nested(t).Prepend(t));
    }

    /// <summary>The settings objects held by another options class, with the property that holds each.</summary>
    private static Dictionary<Type, (Type Parent, string Property)> Parents() =>
        OptionsClasses().SelectMany(parent => parent.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => OptionsClasses().Contains(p.PropertyType))
                .Select(p => (Child: p.PropertyType, Parent: parent, p.Name)))
            .ToDictionary(x => x.Child, x => (x.Parent, x.Name));

    [Test]
    public void OptionsClasses_FoundInEveryGraderAssembly()
    {
        Assert.That(OptionsClasses().Select(t => t.Name), Is.SupersetOf(new[] { "BotOptions", "GitHubAppOptions", "RunnerOptions", "GpuOptions", "EvidenceOptions", "CheckoutLimits" }));
    }

    [Test]
    public void EveryOptionsClass_HasASectionNameBelowGraderThatTheConfigFileKnows()
    {
        var parents = Parents();
        Assert.Multiple(() =>
        {
            foreach (var type in OptionsClasses())
            {
                var section = GraderSections.SectionNameOf(type);
                Assert.That(section, Does.StartWith("Grader:"), $"{type.FullName} needs `public const string SectionName = \"Grader:<Area>\"`");
                if (section is null) continue;
                Assert.That(GraderSections.Types.TryGetValue(section, out var known) ? known : null, Is.EqualTo(type),
                    $"{type.FullName}: GraderSections (the config file's sections) does not know {section}; is its assembly in GraderSections.Assemblies?");
                if (parents.TryGetValue(type, out var parent))
                {
                    Assert.That(section, Is.EqualTo(GraderSections.SectionNameOf(parent.Parent) + ":" + parent.Property),
                        $"{type.FullName} is bound as {parent.Parent.Name}.{parent.Property}: its SectionName must say so");
                }
            }
        });
    }

    [Test]
    public void EveryOptionsClass_BoundBySomeCommand()
    {
        var config = WriteYaml(ServeMinimum);
        var bound = Commands().SelectMany(c => GraderSections.Bound(c.Compose(config).Services)).ToHashSet();
        var parents = Parents();

        Assert.That(OptionsClasses().Where(t => !parents.ContainsKey(t)).Where(t => !bound.Contains(t)).Select(t => t.FullName), Is.Empty,
            "options classes no command binds (services.AddOptions<T>().Bind(configuration.GetSection(T.SectionName)))");
    }

    [TestCaseSource(nameof(CommandNames))]
    public void EverySetting_ReachesTheOptionsFromTheConfigFile(string name)
    {
        var command = Commands().Single(c => c.Name == name);
        // First pass: which sections the command binds; then a file giving every one of their settings a value of its own.
        var types = GraderSections.Bound(command.Compose(WriteYaml(ServeMinimum)).Services).Where(t => GraderSections.SectionNameOf(t) is not null).ToList();
        var counter = 1000;
        var expected = types.ToDictionary(t => t, t =>
        {
            var values = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect(t, GraderSections.SectionNameOf(t)!, Activator.CreateInstance(t)!, values, ref counter);
            return values;
        });
        Assert.That(expected.Values.Sum(v => v.Count), Is.GreaterThan(types.Count), "settings found");
        if (types.Contains(typeof(BotOptions)))
        {
            // bot.run_jobs decides whether serve composes the runner at all: kept on, so the runner's sections are checked too.
            expected[typeof(BotOptions)]["Grader:Bot:RunJobs"] = true;
        }

        var composed = command.Compose(WriteYaml(Yaml(expected.Values.SelectMany(v => v).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal))));
        using var provider = composed.Services.BuildServiceProvider();
        Assert.Multiple(() =>
        {
            Assert.That(GraderSections.Bound(composed.Services), Is.EquivalentTo(types), "the same sections bound with every setting given");
            foreach (var (type, values) in expected)
            {
                var options = Bound(provider, type);
                var section = GraderSections.SectionNameOf(type)!;
                foreach (var (key, value) in values)
                {
                    Assert.That(Read(options, key[(section.Length + 1)..]), Is.EqualTo(value), $"{name}: {SettingNames.FileKey(key)} from the config file did not reach {type.Name}");
                }
            }
        });
    }

    [Test]
    public void Serve_FileEnvironmentAndFlags_FlagsWinThenEnvironmentThenFileThenDefaults()
    {
        var config = WriteYaml("""
            bot:
              webhook_secret: from-file
              app_slug: grader-test
              worker_count: 1
              schedule_polling_interval: "00:00:04"
              queues: [cpu]
              worker: { max_deaths: 3 }
            github: { app_id: 7, check_run_name: from-file, publishing: { outbox_poll_interval: "00:00:12" } }
            """);
        using var environment = new EnvironmentVariables(new()
        {
            ["Grader__Bot__WorkerCount"] = "3",
            ["Grader__Bot__SchedulePollingInterval"] = "00:00:06",
            ["Grader__Bot__WebhookSecret"] = "from-environment",
            ["Grader__Bot__Worker__MaxDeaths"] = "4",
            ["Grader__GitHub__AppId"] = "42",
        });
        var parse = ServerCommand.Build().Parse(["serve", "--config", config, "--queues", "gpu", "--set", "bot.worker_count=5", "--set", "bot.worker.max_deaths=6"]);
        var settings = ServeCommand.Read(parse, out var error)!;
        Assert.That(error, Is.Null);

        var configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), settings).Build();
        var services = new ServiceCollection().AddLogging();
        GraderBotHost.AddServices(services, configuration, CourseConfigurationLoader.Load(config));
        using var provider = services.BuildServiceProvider();
        var bot = provider.GetRequiredService<IOptions<BotOptions>>().Value;
        var worker = provider.GetRequiredService<IOptions<Grader.Bot.Jobs.GradingWorkerOptions>>().Value;
        var github = provider.GetRequiredService<IOptions<Grader.GitHub.GitHubAppOptions>>().Value;
        var publishing = provider.GetRequiredService<IOptions<Grader.GitHub.Publishing.PublishingOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(bot.WorkerCount, Is.EqualTo(5), "--set beats the environment and the file");
            Assert.That(worker.MaxDeaths, Is.EqualTo(6), "--set beats the environment and the file (bot.worker)");
            Assert.That(bot.Queues, Is.EqualTo(new[] { "gpu" }), "--queues replaces the file's list");
            Assert.That(bot.SchedulePollingInterval, Is.EqualTo(TimeSpan.FromSeconds(6)), "the environment beats the file");
            Assert.That(bot.WebhookSecret, Is.EqualTo("from-environment"), "the environment beats the file");
            Assert.That(github.AppId, Is.EqualTo(42), "the environment beats the file (github)");
            Assert.That(publishing.OutboxPollInterval, Is.EqualTo(TimeSpan.FromSeconds(12)), "the file where nothing else says (github.publishing)");
            Assert.That(github.CheckRunName, Is.EqualTo("from-file"), "the file where nothing else says (github)");
            Assert.That(publishing.OutboxBaseDelay, Is.EqualTo(new Grader.GitHub.Publishing.PublishingOptions().OutboxBaseDelay), "the default where nobody says");
        });
    }

    [Test]
    public void Grade_FileEnvironmentAndFlags_FlagsWinThenEnvironmentThenFileThenDefaults()
    {
        var config = WriteYaml("""
            runner:
              runner_id: from-file
              max_concurrent_checks: 1
              max_build_log_bytes: 1000
              keep_work_directories: true
            gpu: { enabled: true, library_path: /file/libnvidia-ml.so.1 }
            """);
        using var environment = new EnvironmentVariables(new()
        {
            ["Grader__Runner__MaxConcurrentChecks"] = "3",
            ["Grader__Runner__MaxBuildLogBytes"] = "2000",
            ["Grader__Gpu__Enabled"] = "false",
        });
        var parse = GraderCommand.Build().Parse(["grade", "--rubric", "rubric.yaml", "--config", config, "--set", "runner.max_concurrent_checks=5", "--set", "gpu.library_path=/flag/libnvidia-ml.so.1", _folder]);
        var settings = GradeCommand.Read(parse, out var error)!;
        Assert.That(error, Is.Null);

        using var provider = GradeCommandHandler.Services(GradeCommandHandler.Configuration(settings)).BuildServiceProvider();
        var runner = provider.GetRequiredService<IOptions<Grader.Runner.Pipeline.RunnerOptions>>().Value;
        var gpu = provider.GetRequiredService<IOptions<Grader.Runner.Gpu.GpuOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(runner.MaxConcurrentChecks, Is.EqualTo(5), "--set beats the environment and the file");
            Assert.That(gpu.LibraryPath, Is.EqualTo("/flag/libnvidia-ml.so.1"), "--set beats the file");
            Assert.That(runner.MaxBuildLogBytes, Is.EqualTo(2000), "the environment beats the file");
            Assert.That(gpu.Enabled, Is.False, "the environment beats the file (Grader__Gpu__Enabled)");
            Assert.That(runner.KeepWorkDirectories, Is.True, "the file where nothing else says");
            Assert.That(runner.RunnerId, Is.EqualTo("from-file"), "the file beats grade's own default");
            Assert.That(runner.WorkRoot, Does.EndWith(Path.Combine(".cache", "grader", "work")), "grade's own default where nobody says");
            Assert.That(runner.ReuseImages, Is.True, "the options class's default");
        });
    }

    [Test]
    public void Action_FileEnvironmentAndFlags_TheEvidenceStoreInputWins()
    {
        var config = WriteYaml("evidence: { store: /file/evidence.db, signing_key_path: /file/key.pem }\ngithub: { app_id: 99 }\nrunner: { reuse_images: false }\n");
        using var environment = new EnvironmentVariables(new()
        {
            ["Grader__Evidence__Store"] = "/environment/evidence.db",
            ["Grader__Evidence__SigningKeyPath"] = "/environment/key.pem",
        });

        var withInput = Options<Grader.Evidence.Recording.EvidenceOptions>(ActionCommand.Configuration(config, new Dictionary<string, string?> { [EvidenceOptionsCli.StoreKey] = "/input/evidence.db" }));
        var withoutInput = Options<Grader.Evidence.Recording.EvidenceOptions>(ActionCommand.Configuration(config, new Dictionary<string, string?>()));
        var github = Options<Grader.GitHub.GitHubAppOptions>(ActionCommand.Configuration(config, new Dictionary<string, string?>()));
        var runner = Options<Grader.Runner.Pipeline.RunnerOptions>(ActionCommand.Configuration(config, new Dictionary<string, string?>()));

        Assert.Multiple(() =>
        {
            Assert.That(withInput.Store, Is.EqualTo("/input/evidence.db"), "the evidence-store input (a flag) beats the environment");
            Assert.That(withoutInput.Store, Is.EqualTo("/environment/evidence.db"), "the environment beats the file");
            Assert.That(withInput.SigningKeyPath, Is.EqualTo("/environment/key.pem"), "the environment beats the file");
            Assert.That(github.AppId, Is.EqualTo(99), "the file beats the GitHub Actions app's id");
            Assert.That(runner.ReuseImages, Is.False, "the file");
        });

        static T Options<T>(IConfiguration configuration) where T : class
        {
            using var log = new WorkflowLog(TextWriter.Null);
            using var provider = new ServiceCollection().AddGraderAction(configuration, new Uri("https://api.github.com/"), log).BuildServiceProvider();
            return provider.GetRequiredService<IOptions<T>>().Value;
        }
    }

    [Test]
    public void EvidenceCommands_StoreFromTheDefaultFileEnvironmentOrFlag()
    {
        var config = WriteYaml("evidence: { store: /file/evidence.db }\n");
        Assert.That(EvidenceOptionsCli.Resolve(null, null, null).Store, Is.EqualTo(EvidenceOptionsCli.DefaultStore));
        Assert.That(EvidenceOptionsCli.Resolve(config, null, null).Store, Is.EqualTo("/file/evidence.db"));
        using var environment = new EnvironmentVariables(new() { ["Grader__Evidence__Store"] = "/environment/evidence.db" });
        Assert.Multiple(() =>
        {
            Assert.That(EvidenceOptionsCli.Resolve(config, null, null).Store, Is.EqualTo("/environment/evidence.db"));
            Assert.That(EvidenceOptionsCli.Resolve(config, "/flag/evidence.db", "/flag/key.pem").Store, Is.EqualTo("/flag/evidence.db"));
        });
    }

    [TestCase("runner.reuse_images=false", "Grader:Runner:ReuseImages", "false")]
    [TestCase("bot.queues.1=gpu", "Grader:Bot:Queues:1", "gpu")]
    [TestCase("github.private_key_path=/a=b.pem", "Grader:GitHub:PrivateKeyPath", "/a=b.pem")]
    public void Set_KeyAsTheFileSpellsIt_TheConfigurationKey(string assignment, string key, string value)
    {
        Assert.That(CommandSettings.TryParse([assignment], out var settings, out var error), Is.True, error);
        Assert.That(settings, Is.EqualTo(new Dictionary<string, string?> { [key] = value }));
    }

    [TestCase("runner.reuse_imagez=false", "'runner.reuse_imagez' is not a setting")]
    [TestCase("Grader:Runner:ReuseImages=false", "as the config file spells it")]
    [TestCase("reuse_images", "as the config file spells it")]
    public void Set_NotASetting_UsageErrorNamingIt(string assignment, string message)
    {
        Assert.That(CommandSettings.TryParse([assignment], out _, out var error), Is.False);
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public async Task Grade_SetNamingNoSetting_ExitsWithUsageError()
    {
        var error = new StringWriter();
        var exit = await GraderCommand.InvokeAsync(["grade", "--rubric", "rubric.yaml", "--set", "runer.reuse_images=false", _folder],
            new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null, Error = error });

        Assert.That((exit, error.ToString()), Is.EqualTo((2, "grader: --set runer.reuse_images=false: 'runer.reuse_images' is not a setting of Grader (`grader config check` lists every setting)\n")));
    }

    [Test]
    public void Grade_FormerEnvironmentVariable_RefusedNamingTheNewName()
    {
        using var environment = new EnvironmentVariables(new() { ["GRADER_Grader__Runner__ReuseImages"] = "false" });

        var error = Assert.Throws<InvalidDataException>(() => GradeCommandHandler.Configuration(new GradeSettings("r.yaml", _folder, null, null, null, _folder, null)));

        Assert.That(error!.Message, Does.Contain("GRADER_Grader__Runner__ReuseImages is no longer read: rename it Grader__Runner__ReuseImages"));
    }

    [TestCase("Bot__WebhookSecret", "Grader__Bot__WebhookSecret")]
    [TestCase("GitHub__PrivateKeyPath", "Grader__GitHub__PrivateKeyPath")]
    [TestCase("GRADER_Grader__Gpu__Enabled", "Grader__Gpu__Enabled")]
    [TestCase("GRADER_GitHub__AppId", "Grader__GitHub__AppId")]
    [TestCase("GRADER_EVIDENCE_STORE", "Grader__Evidence__Store")]
    [TestCase("GRADER_EVIDENCE_KEY", "Grader__Evidence__SigningKeyPath")]
    public void RenamedVariables_FormerName_NamesTheNewOne(string former, string now)
    {
        var renamed = GraderConfiguration.RenamedVariables(new Hashtable { [former] = "x", ["PATH"] = "/bin", ["GRADER_TEST_POSTGRES"] = "Host=x", ["Grader__Bot__AppSlug"] = "a" });

        Assert.That(renamed, Is.EqualTo(new[] { $"the environment variable {former} is no longer read: rename it {now} (README, \"Configuration names\")" }));
    }

    private const string ServeMinimum = "bot: { webhook_secret: s, app_slug: grader-test }\n";

    private string WriteYaml(string yaml)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("n") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>A command as the CLI composes it from a config file: its configuration and its services.</summary>
    private sealed record Command(string Name, Func<string, (IConfiguration Configuration, IServiceCollection Services)> Compose);

    private static IEnumerable<string> CommandNames() => Commands().Select(c => c.Name);

    private static IEnumerable<Command> Commands()
    {
        yield return new("serve", path =>
        {
            var configuration = GraderBotHost.AddConfigurationSources(new ConfigurationBuilder(), new BotHostSettings(path)).Build();
            var services = new ServiceCollection().AddLogging();
            GraderBotHost.AddServices(services, configuration, CourseConfigurationLoader.Load(path));
            return (configuration, services);
        });
        yield return new("grade", path =>
        {
            var configuration = GradeCommandHandler.Configuration(new GradeSettings("r.yaml", ".", null, null, null, ".", null) { ConfigFile = path });
            return (configuration, GradeCommandHandler.Services(configuration));
        });
        yield return new("action", path =>
        {
            var configuration = ActionCommand.Configuration(path, new Dictionary<string, string?>());
            return (configuration, new ServiceCollection().AddGraderAction(configuration, new Uri("https://api.github.com/"), new WorkflowLog(TextWriter.Null)));
        });
        yield return new("report", path =>
        {
            var configuration = EvidenceOptionsCli.Configuration(path, null, null);
            return (configuration, EvidenceOptionsCli.Services(configuration));
        });
    }

    /// <summary>The options as configuration binding alone leaves them (no validation, no code that sets values after binding).</summary>
    private static object Bound(IServiceProvider provider, Type type) =>
        typeof(OptionsModelTests).GetMethod(nameof(BoundOf), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type).Invoke(null, [provider])!;

    private static TOptions BoundOf<TOptions>(IServiceProvider provider) where TOptions : class, new()
    {
        var options = new TOptions();
        foreach (var bind in provider.GetServices<IConfigureOptions<TOptions>>().OfType<NamedConfigureFromConfigurationOptions<TOptions>>())
        {
            bind.Configure(Microsoft.Extensions.Options.Options.DefaultName, options);
        }
        return options;
    }

    /// <summary>A value for every setting of <paramref name="defaults"/>'s class, each differing from its default.</summary>
    private static void Expect(Type type, string key, object defaults, Dictionary<string, object> expected, ref int counter)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var propertyKey = key + ":" + property.Name;
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var current = property.GetValue(defaults);
            counter++;
            if (Scalar(propertyType, current, counter) is { } value)
            {
                expected[propertyKey] = value;
            }
            else if (propertyType.IsArray || (propertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(propertyType)))
            {
                var element = propertyType.IsArray ? propertyType.GetElementType()! : propertyType.GetGenericArguments()[0];
                expected[propertyKey] = element == typeof(int) ? new List<int> { counter } : new List<string> { "v" + counter.ToString(CultureInfo.InvariantCulture) };
            }
            else
            {
                Expect(propertyType, propertyKey, current ?? Activator.CreateInstance(propertyType)!, expected, ref counter);
            }
        }
    }

    private static object? Scalar(Type type, object? current, int counter) => type switch
    {
        _ when type == typeof(string) => "v" + counter.ToString(CultureInfo.InvariantCulture),
        _ when type == typeof(bool) => !(bool)(current ?? false),
        _ when type == typeof(int) => counter,
        _ when type == typeof(long) => (long)counter,
        _ when type == typeof(double) => (double)counter,
        _ when type == typeof(TimeSpan) => TimeSpan.FromSeconds(counter),
        _ when type == typeof(Uri) => new Uri($"https://example.invalid/{counter}/"),
        { IsEnum: true } => Enum.GetValues(type).Cast<object>().Last(v => !v.Equals(current)),
        _ => null,
    };

    /// <summary>The config file holding <paramref name="expected"/>, written by the file's rule (snake_case keys, one level per segment).</summary>
    private static string Yaml(Dictionary<string, object> expected)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in expected)
        {
            var parts = SettingNames.FileKey(key).Split('.');
            var node = root;
            foreach (var part in parts[..^1])
            {
                node = (SortedDictionary<string, object>)(node.TryGetValue(part, out var child) ? child : node[part] = new SortedDictionary<string, object>(StringComparer.Ordinal));
            }
            node[parts[^1]] = value;
        }
        var yaml = new StringBuilder();
        Write(root, 0);
        return yaml.ToString();

        void Write(SortedDictionary<string, object> node, int indent)
        {
            foreach (var (key, value) in node)
            {
                yaml.Append(' ', indent).Append(key).Append(':');
                if (value is SortedDictionary<string, object> child)
                {
                    yaml.Append('\n');
                    Write(child, indent + 2);
                }
                else if (value is IEnumerable items and not string)
                {
                    yaml.Append(" [").Append(string.Join(", ", items.Cast<object>().Select(Quoted))).Append("]\n");
                }
                else
                {
                    yaml.Append(' ').Append(Quoted(value)).Append('\n');
                }
            }
        }

        static string Quoted(object value) => "'" + Text(value).Replace("'", "''", StringComparison.Ordinal) + "'";

        static string Text(object value) => value switch
        {
            bool b => b ? "true" : "false",
            TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString()!,
        };
    }

    /// <summary>The value at <paramref name="path"/> (<c>Retry:Attempts</c>) of <paramref name="options"/>; a list as a list.</summary>
    private static object? Read(object options, string path)
    {
        object? current = options;
        foreach (var part in path.Split(':'))
        {
            current = current!.GetType().GetProperty(part)!.GetValue(current);
        }
        return current is IEnumerable items and not string ? items.Cast<object>().ToList() : current;
    }

    /// <summary>Process environment variables set for one test and restored after it (tests in this project run one at a time).</summary>
    private sealed class EnvironmentVariables : IDisposable
    {
        private readonly Dictionary<string, string?> _before;

        public EnvironmentVariables(Dictionary<string, string> variables)
        {
            _before = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose()
        {
            foreach (var (name, value) in _before) Environment.SetEnvironmentVariable(name, value);
        }
    }
}

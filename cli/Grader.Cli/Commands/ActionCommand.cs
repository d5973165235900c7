using System.CommandLine;
using Grader.Action;
using Grader.Configuration;
using Grader.GitHub.Actions;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Cli.Commands;

/// <summary><c>grader action</c>: the GitHub Actions entry point that action.yml runs on a runner.</summary>
public static class ActionCommand
{
    public static Command Build()
    {
        var rubric = new Option<string>("--rubric") { Description = "The rubric file on the runner (never taken from the pull request).", Required = true };
        var hidden = new Option<string?>("--hidden-tests") { Description = "Hidden tests folder on the runner, copied into the test container only at test time." };
        var output = new Option<string>("--out") { Description = "Where review.md and result.json are written.", DefaultValueFactory = _ => "grader-out" };
        var publish = new Option<bool>("--publish") { Description = "Post the check run and the review on the pull request (needs GITHUB_TOKEN with checks and pull-requests write).", DefaultValueFactory = _ => true };
        var allowCredentials = new Option<bool>("--allow-persisted-credentials")
        {
            Description = "Grade although the workspace's git configuration holds checkout credentials (refused by default: set persist-credentials: false on actions/checkout).",
        };
        var allowPersistentRunner = new Option<bool>("--allow-persistent-runner")
        {
            Description = "Use instructor material on this runner's disk although the runner is not known to be ephemeral and the workflow is not enforced centrally.",
        };
        var evidence = new Option<string?>("--evidence-store")
        {
            Description = "Where every grading is recorded as signed competency evidence: a SQLite file or a postgres:// URL (default: evidence.store of --config, or Grader__Evidence__Store, else ~/.grader/evidence.db on the runner).",
        };
        var config = CommandSettings.ConfigFile("A config file on the runner whose settings apply (runner:, github:, evidence:, ...), below environment variables and flags.");
        var set = CommandSettings.Set();
        var command = new Command("action", "Grade the commit of the workspace's repository inside GitHub Actions and publish the review (see action.yml).")
        {
            rubric, hidden, output, publish, allowCredentials, allowPersistentRunner, evidence, config, set,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ActionSettings(parse.GetValue(rubric)!, parse.GetValue(hidden), parse.GetValue(output)!, parse.GetValue(publish),
                parse.GetValue(allowCredentials), parse.GetValue(allowPersistentRunner));
            var (stdout, stderr) = (Console.Out, Console.Error);
            using var log = new WorkflowLog(stdout);
            using var writer = new WorkflowLogWriter(log);
            // Whatever else prints (a library, an unhandled exception's message) can quote learner text too.
            Console.SetOut(writer);
            Console.SetError(writer);
            try
            {
                if (!CommandSettings.TryParse(parse.GetValue(set), out var values, out var usage))
                {
                    log.WriteCommand(WorkflowCommands.Annotation("error", usage!, title: "grader configuration"));
                    return ActionExitCodes.IncompleteOrUsage;
                }
                // The input evidence-store is a flag: it wins over the config file and the environment.
                if (parse.GetValue(evidence) is { Length: > 0 } store) values[EvidenceOptionsCli.StoreKey] = store;
                IConfiguration configuration;
                try
                {
                    configuration = Configuration(parse.GetValue(config)?.FullName, values);
                }
                catch (Exception e) when (ConfigurationErrors.IsConfigFileError(e))
                {
                    log.WriteCommand(WorkflowCommands.Annotation("error", e.Message, title: "grader configuration"));
                    return ActionExitCodes.IncompleteOrUsage;
                }
                return await RunAsync(settings, ActionEnvironment.FromProcess(), log, cancellationToken, configuration).ConfigureAwait(false);
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
            }
        });
        return command;
    }

    /// <summary>
    /// <c>grader action</c>'s configuration (<see cref="GraderConfiguration"/>): its defaults, then <c>--config</c>'s file,
    /// then environment variables (<c>Grader__GitHub__AppId</c>), then the flags (<c>--set</c>, <c>--evidence-store</c>).
    /// </summary>
    internal static IConfigurationRoot Configuration(string? configFile, IReadOnlyDictionary<string, string?> flags)
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The runner's temp folder: the job's work files and the (unused) outbox stay out of the workspace.
            [RunnerOptions.SectionName + ":" + nameof(RunnerOptions.RunnerId)] = "action-" + Environment.MachineName.ToLowerInvariant(),
            [RunnerOptions.SectionName + ":" + nameof(RunnerOptions.WorkRoot)] = Path.Combine(Path.GetTempPath(), "grader-action", "work"),
            [RunnerOptions.SectionName + ":" + nameof(RunnerOptions.MirrorCache)] = Path.Combine(Path.GetTempPath(), "grader-action", "mirrors"),
            // The runner's home survives between jobs on a self-hosted runner; the workspace does not.
            [EvidenceOptionsCli.StoreKey] = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".grader", "evidence.db"),
        };
        return new ConfigurationBuilder().AddGraderSources(configFile, defaults, flags).Build();
    }

    /// <param name="configuration">The whole configuration; null: <see cref="Configuration"/> without a file or flags.</param>
    public static async Task<int> RunAsync(ActionSettings settings, ActionEnvironment environment, WorkflowLog log, CancellationToken cancellationToken, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(log);
        var services = new ServiceCollection();
        services.AddGraderAction(configuration ?? Configuration(null, new Dictionary<string, string?>()), environment.ApiUrl, log);
        await using var provider = services.BuildServiceProvider();
        if (ConfigurationErrors.ValidateOnStart(provider) is { Count: > 0 } invalid)
        {
            foreach (var line in invalid) log.WriteCommand(WorkflowCommands.Annotation("error", line, title: "grader configuration"));
            return ActionExitCodes.IncompleteOrUsage;
        }
        return await provider.GetRequiredService<GradingAction>().RunAsync(settings, environment, cancellationToken).ConfigureAwait(false);
    }
}

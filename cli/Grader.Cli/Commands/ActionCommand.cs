using System.CommandLine;
using Grader.Action;
using Grader.GitHub.Actions;
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
        var evidence = new Option<string>("--evidence-store")
        {
            Description = "Where every grading is recorded as signed competency evidence: a SQLite file or a postgres:// URL (default: $GRADER_EVIDENCE_STORE, else ~/.grader/evidence.db on the runner).",
            DefaultValueFactory = _ => DefaultEvidenceStore(),
        };
        var command = new Command("action", "Grade the commit of the workspace's repository inside GitHub Actions and publish the review (see action.yml).")
        {
            rubric, hidden, output, publish, allowCredentials, allowPersistentRunner, evidence,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ActionSettings(parse.GetValue(rubric)!, parse.GetValue(hidden), parse.GetValue(output)!, parse.GetValue(publish),
                parse.GetValue(allowCredentials), parse.GetValue(allowPersistentRunner))
            {
                EvidenceStore = parse.GetValue(evidence) is { Length: > 0 } store ? store : DefaultEvidenceStore(),
            };
            var (stdout, stderr) = (Console.Out, Console.Error);
            using var log = new WorkflowLog(stdout);
            using var writer = new WorkflowLogWriter(log);
            // Whatever else prints (a library, an unhandled exception's message) can quote learner text too.
            Console.SetOut(writer);
            Console.SetError(writer);
            try
            {
                return await RunAsync(settings, ActionEnvironment.FromProcess(), log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
            }
        });
        return command;
    }

    /// <summary>The runner's home survives between jobs on a self-hosted runner; the workspace does not.</summary>
    internal static string DefaultEvidenceStore() =>
        Environment.GetEnvironmentVariable(EvidenceOptionsCli.StoreVariable) is { Length: > 0 } store
            ? store
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".grader", "evidence.db");

    public static async Task<int> RunAsync(ActionSettings settings, ActionEnvironment environment, WorkflowLog log, CancellationToken cancellationToken, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var services = new ServiceCollection();
        services.AddGraderAction(configuration ?? new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // The runner's temp folder: the job's work files stay out of the workspace.
                ["Grader:Runner:RunnerId"] = "action-" + Environment.MachineName.ToLowerInvariant(),
                ["Grader:Runner:WorkRoot"] = Path.Combine(Path.GetTempPath(), "grader-action", "work"),
                ["Grader:Runner:MirrorCache"] = Path.Combine(Path.GetTempPath(), "grader-action", "mirrors"),
            })
            .AddEnvironmentVariables("GRADER_")
            .Build(), environment.ApiUrl, log);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<GradingAction>().RunAsync(settings, environment, cancellationToken).ConfigureAwait(false);
    }
}

using System.CommandLine;
using Grader.Evidence.Rosters;
using Grader.Evidence.Store;

namespace Grader.Cli.Commands;

/// <summary><c>grader roster import</c>: how program leads know learners (name, id, cohort) joined to GitHub logins.</summary>
public static class RosterCommands
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("csv") { Description = "learner_id,name,email,github_login,cohort[,github_id][,alias][,extensions], or GitHub Classroom's identifier,github_username,github_id,name." };
        var cohort = new Option<string?>("--cohort") { Description = "Cohort of rows that name none (a Classroom roster has no cohort column)." };
        var store = EvidenceOptionsCli.Store();
        var config = EvidenceOptionsCli.ConfigFile();
        var import = new Command("import", "Import a roster CSV in one transaction: any problem imports nothing.") { file, cohort, store, config };
        import.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var path = parse.GetValue(file)!;
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(path.FullName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"{path}: cannot read the roster ({e.Message})").ConfigureAwait(false);
                return 2;
            }
            var parsed = RosterParser.Parse(content, parse.GetValue(file)!.ToString(), parse.GetValue(cohort));
            if (!parsed.Success)
            {
                foreach (var error in parsed.Errors) await console.Error.WriteLineAsync(error).ConfigureAwait(false);
                await console.Error.WriteLineAsync($"The roster has {parsed.Errors.Count} problem(s); nothing was imported.").ConfigureAwait(false);
                return 1;
            }
            try
            {
                var evidence = EvidenceOptionsCli.Resolve(parse.GetValue(config)?.FullName, parse.GetValue(store), key: null);
                await using var database = await EvidenceDatabase.OpenAsync(evidence.Database(), null, cancellationToken).ConfigureAwait(false);
                await database.Roster.ImportAsync(parsed.Entries, cancellationToken).ConfigureAwait(false);
                var unlinked = parsed.Entries.Count(e => e.GitHubLogin is null);
                await console.Output.WriteLineAsync($"Imported {parsed.Entries.Count} learner(s) into {database.Connections.Location}" +
                    (unlinked > 0 ? $"; {unlinked} without a GitHub login yet (shown as no submission)." : ".")).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (EvidenceOptionsCli.StoreProblem(e) is { } problem)
            {
                await console.Error.WriteLineAsync(problem).ConfigureAwait(false);
                return 2;
            }
        });
        return new Command("roster", "Learner rosters for the evidence reports.") { import };
    }
}

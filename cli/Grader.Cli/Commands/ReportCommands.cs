using System.CommandLine;
using Grader.Evidence.Recording;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Reports.Leaderboards;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Grader.Evidence.Verification;

namespace Grader.Cli.Commands;

/// <summary><c>grader report export</c> and <c>grader report verify</c>: what program leads take away, and the proof nobody edited it.</summary>
public static class ReportCommands
{
    public static Command Build() => new("report", "Competency evidence reports and exports.") { Export(), Verify(), Leaderboard() };

    private static Command Export()
    {
        var format = new Option<string>("--format", "-f") { Description = "html | csv | json | canvas | moodle | openbadges | xapi", Required = true };
        format.AcceptOnlyFromAmong([.. ReportExports.Formats]);
        var cohort = new Option<string?>("--cohort") { Description = "Only learners of this roster cohort." };
        var module = new Option<string?>("--module") { Description = "Only this module id." };
        var learner = new Option<string?>("--learner") { Description = "Only this learner (learner id, GitHub login or email); the HTML report becomes their profile." };
        var since = new Option<string?>("--since") { Description = "Only gradings at or after this date/time (UTC unless an offset is given)." };
        var until = new Option<string?>("--until") { Description = "Only gradings before this date/time." };
        var output = new Option<FileInfo>("--out", "-o") { Description = "The file to write.", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite the file when it exists." };
        var store = EvidenceOptionsCli.Store();
        var key = EvidenceOptionsCli.Key();
        var config = EvidenceOptionsCli.ConfigFile();
        var issuer = new Option<string?>("--issuer-name") { Description = "The issuer named in Open Badges credentials (default Grader)." };
        var baseUrl = new Option<string?>("--base-url") { Description = "Base URL of issuer, achievement and xAPI activity ids (default https://grader.invalid)." };
        var lrs = new Option<Uri?>("--lrs") { Description = "xapi: also POST the statements to this learning record store (its xAPI endpoint)." };
        var lrsCredentials = new Option<string?>("--lrs-credentials-env") { Description = "xapi: the environment variable holding the LRS's key:secret (basic auth)." };

        var command = new Command("export", "Export evidence as a report, a gradebook import, badges or xAPI statements.")
        {
            format, cohort, module, learner, since, until, output, force, store, key, config, issuer, baseUrl, lrs, lrsCredentials,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            if (!EvidenceOptionsCli.TryTime(parse.GetValue(since), "--since", out var from, out var error) ||
                !EvidenceOptionsCli.TryTime(parse.GetValue(until), "--until", out var to, out error))
            {
                await console.Error.WriteLineAsync(error).ConfigureAwait(false);
                return 2;
            }
            var exporter = ReportExports.Find(parse.GetValue(format)!)!;
            var filter = new ReportFilter { Cohort = parse.GetValue(cohort), ModuleId = parse.GetValue(module), Learner = parse.GetValue(learner), Since = from, Until = to };
            var settings = new ExportSettings { LrsEndpoint = parse.GetValue(lrs) };
            if (parse.GetValue(issuer) is { } name) settings.IssuerName = name;
            if (parse.GetValue(baseUrl) is { } b) settings.BaseUrl = b;
            if (parse.GetValue(lrsCredentials) is { } variable) settings.LrsCredentials = Environment.GetEnvironmentVariable(variable);
            var path = parse.GetValue(output)!.FullName;
            try
            {
                var evidence = EvidenceOptionsCli.Resolve(parse.GetValue(config)?.FullName, parse.GetValue(store), parse.GetValue(key));
                using var signingKey = exporter is OpenBadgesExporter ? LoadKey(evidence) : null;
                await using var database = await EvidenceDatabase.OpenAsync(evidence.Database(), null, cancellationToken).ConfigureAwait(false);
                await ReportExports.ExportToFileAsync(database, exporter, filter, settings, signingKey, path, parse.GetValue(force), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                await console.Output.WriteLineAsync($"Wrote the {exporter.Format} export to {path}.").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is ExportTargetExistsException or LrsException or InvalidDataException or InvalidOperationException or HttpRequestException || EvidenceOptionsCli.StoreProblem(e) is not null)
            {
                await console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return e is LrsException or HttpRequestException ? 1 : 2;
            }
        });
        return command;
    }

    private static Command Leaderboard()
    {
        var module = new Option<string>("--module", "-m") { Description = "The module whose leaderboard to write (its rubric opts in with 'leaderboard').", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "md | html", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong([.. LeaderboardRenderer.Formats]);
        var output = new Option<FileInfo?>("--out", "-o") { Description = "The file to write (default: standard output)." };
        var force = new Option<bool>("--force") { Description = "Overwrite the file when it exists." };
        var store = EvidenceOptionsCli.Store();
        var key = EvidenceOptionsCli.Key();
        var config = EvidenceOptionsCli.ConfigFile();
        var command = new Command("leaderboard",
            "A module's leaderboard: the best verified result per learner of its benchmark or load criterion, from complete gradings. " +
            "Exit 0 written, 1 the module has no leaderboard, 2 a problem with the store, key or file.")
        {
            module, format, output, force, store, key, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var moduleId = parse.GetValue(module)!;
            try
            {
                var evidence = EvidenceOptionsCli.Resolve(parse.GetValue(config)?.FullName, parse.GetValue(store), parse.GetValue(key));
                // "Verified" is checked against the store's key (its public half is enough: --key may name a .pub.pem).
                using var trusted = LoadKey(evidence);
                await using var database = await EvidenceDatabase.OpenAsync(evidence.Database(), null, cancellationToken).ConfigureAwait(false);
                var result = await LeaderboardBuilder.LoadAsync(database, moduleId, trusted, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                if (result.Board is not { } board)
                {
                    await console.Error.WriteLineAsync(result.Reason).ConfigureAwait(false);
                    return 1;
                }
                var text = LeaderboardRenderer.Render(board, parse.GetValue(format)!);
                if (parse.GetValue(output) is not { } file)
                {
                    await console.Output.WriteAsync(text).ConfigureAwait(false);
                    return 0;
                }
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                await ReportExports.WriteFileAsync(file.FullName, parse.GetValue(force), (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken).ConfigureAwait(false);
                await console.Output.WriteLineAsync($"Wrote the leaderboard of {moduleId} ({board.Entries.Count} learners) to {file.FullName}.").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is ExportTargetExistsException or InvalidDataException or InvalidOperationException || EvidenceOptionsCli.StoreProblem(e) is not null)
            {
                await console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }

    private static EvidenceSigningKey LoadKey(EvidenceOptions evidence)
    {
        var path = evidence.EffectiveKeyPath();
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: no signing key (generate one with `grader evidence keygen --out {path}`, or give --key)");
        return EvidenceSigningKey.Load(path);
    }

    private static Command Verify()
    {
        var file = new Argument<FileInfo>("export") { Description = "A json or openbadges export." };
        var keys = new Option<FileInfo[]>("--key") { Description = "Trusted public key(s) (PEM). Without one, the keys the export carries are used, which proves integrity but not who signed.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("verify", "Check an export's signatures; names every record that was altered. Exit 0 valid, 1 altered, 2 unreadable.") { file, keys };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var path = parse.GetValue(file)!;
            var trusted = new List<EvidenceSigningKey>();
            try
            {
                foreach (var k in parse.GetValue(keys) ?? []) trusted.Add(EvidenceSigningKey.Load(k.FullName));
                VerificationReport report;
                await using (var stream = File.OpenRead(path.FullName))
                {
                    report = ExportVerifier.Verify(stream, trusted.Count > 0 ? trusted : null);
                }
                foreach (var problem in report.Problems) await console.Output.WriteLineAsync($"{path}: {problem}").ConfigureAwait(false);
                var source = report.KeysPinned ? "trusted key(s)" : "the key(s) the export carries (pin them with --key)";
                if (report.Valid)
                {
                    await console.Output.WriteLineAsync($"{path}: all {report.Checked} {report.Kind} verified with {source}: {string.Join(", ", report.KeyIds)}.").ConfigureAwait(false);
                    return 0;
                }
                await console.Output.WriteLineAsync(report.Checked == 0
                    ? $"{path}: the export holds nothing to verify."
                    : $"{path}: {report.Problems.Count} of {report.Checked} {report.Kind} failed verification.").ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or KeyNotFoundException or InvalidOperationException)
            {
                await console.Error.WriteLineAsync($"{path}: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            finally
            {
                foreach (var k in trusted) k.Dispose();
            }
        });
        return command;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grader.Evidence.Database;
using Grader.Evidence.Model;
using Grader.Evidence.Reports;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Rosters;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Npgsql;

namespace Grader.Benchmarks;

/// <summary>
/// The evidence export benchmark (scripts/bench-evidence.sh): 100,000 signed records of 2,000 learners and 12 modules
/// in SQLite and in PostgreSQL; each export format timed against the database's own bulk export of the same rows
/// (the sqlite3 shell's CSV mode, <c>COPY ... TO STDOUT</c>), and the HTML report's time to drawn tables in headless
/// Chromium (measured by the page itself, <c>performance.now()</c>). Medians of a few runs; a measurement, not a test.
/// </summary>
public static partial class EvidenceExportBenchmark
{
    private const int Learners = 2000;
    private const int Modules = 12;
    private const int Records = 100_000;

    /// <summary>The columns the csv export reads, in its order: the baseline exports the same rows and columns.</summary>
    private const string CsvColumns =
        "record_id, graded_at_ms, learner_login, learner_github_id, repository, pr_number, pr_url, head_sha, module_id, module_title, rubric_id, rubric_hash, " +
        "points, max_points, percentage, passed, complete, competencies, image_digest, runner_id, gpu_model, gpu_driver, started_at_ms, review_url, check_run_url, key_id, signature";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 3;
        var postgres = Environment.GetEnvironmentVariable("GRADER_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=grader_test;Password=grader_test;Database=postgres;Timeout=10";
        var folder = Directory.CreateTempSubdirectory("grader-evidence-bench-").FullName;
        var pgName = "evidence_bench_" + Guid.NewGuid().ToString("n")[..8];
        try
        {
            await ExecuteAdminAsync(postgres, $"CREATE DATABASE {pgName}");
            var stores = new (string Name, DatabaseLocation Options, Func<string, string, Task> Baseline)[]
            {
                ("SQLite", new DatabaseLocation { SqlitePath = Path.Combine(folder, "evidence.db"), SqliteFullSync = false },
                    (sql, target) => RunToFileAsync("sqlite3", ["-csv", "-header", Path.Combine(folder, "evidence.db"), sql], target)),
                ("PostgreSQL", new DatabaseLocation { PostgresConnectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = pgName }.ConnectionString },
                    (sql, target) => CopyAsync(new NpgsqlConnectionStringBuilder(postgres) { Database = pgName }.ConnectionString, sql, target)),
            };
            Console.WriteLine($"Evidence exports: {Records:N0} records, {Learners:N0} learners, {Modules} modules; median of {runs} runs per figure.");
            Console.WriteLine();
            Console.WriteLine("| store | format | export (s) | baseline (s) | ratio | size (MB) |");
            Console.WriteLine("|---|---|---|---|---|---|");
            string? html = null;
            foreach (var (name, options, baseline) in stores)
            {
                using var key = EvidenceSigningKey.Generate();
                await using var db = await EvidenceDatabase.OpenAsync(options, null, CancellationToken.None);
                var generate = Stopwatch.StartNew();
                await GenerateAsync(db, key);
                Console.Error.WriteLine($"{name}: generated and stored {Records:N0} signed records in {generate.Elapsed.TotalSeconds:0.0} s");

                var csvBaseline = await MedianAsync(runs, () => baseline($"SELECT {CsvColumns} FROM evidence_records ORDER BY seq", Path.Combine(folder, "baseline.csv")));
                var jsonBaseline = await MedianAsync(runs, () => baseline("SELECT record_json, signature, key_id FROM evidence_records ORDER BY seq", Path.Combine(folder, "baseline-json.csv")));
                foreach (var exporter in ReportExports.All)
                {
                    var target = Path.Combine(folder, $"{name}-{exporter.Format}{exporter.Extension}");
                    var time = await MedianAsync(runs, () => ReportExports.ExportToFileAsync(db, exporter, new ReportFilter(), new ExportSettings(), key, target, true, TimeProvider.System, CancellationToken.None));
                    var reference = exporter.NeedsRecordJson ? jsonBaseline : csvBaseline;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | {exporter.Format} | {time:0.00} | {reference:0.00} ({(exporter.NeedsRecordJson ? "record JSON" : "columns")}) | {time / reference:0.00}x | {new FileInfo(target).Length / 1e6:0.0} |"));
                    if (exporter is HtmlExporter) html = target;
                }
            }
            if (html is not null)
            {
                var ready = new List<double>();
                for (var i = 0; i < runs; i++) ready.Add(await ChromiumReadyMsAsync(html, folder));
                ready.Sort();
                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"HTML report ({new FileInfo(html).Length / 1e6:0.0} MB) in headless Chromium, navigation start to tables drawn: median {ready[ready.Count / 2] / 1000:0.00} s (runs: {string.Join(", ", ready.Select(r => (r / 1000).ToString("0.00", CultureInfo.InvariantCulture)))} s)"));
            }
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAdminAsync(postgres, $"DROP DATABASE IF EXISTS {pgName} WITH (FORCE)");
            Directory.Delete(folder, true);
        }
    }

    private static async Task GenerateAsync(EvidenceDatabase db, EvidenceSigningKey key)
    {
        var random = new Random(523);
        await db.Roster.ImportAsync([.. Enumerable.Range(0, Learners).Select(i => new RosterEntry($"L{i:00000}", $"Learner {i:00000}", $"l{i}@uni.test", $"learner-{i}", 100_000 + i, $"cohort-{i % 8}"))], CancellationToken.None);
        var start = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
        const int Batch = 5000;
        for (var b = 0; b < Records / Batch; b++)
        {
            var batch = Enumerable.Range(b * Batch, Batch).Select(i => Record(i, random, start)).ToList();
            await db.Records.AppendManyAsync(batch, key, CancellationToken.None);
        }
    }

    private static EvidenceRecord Record(int i, Random random, DateTimeOffset start)
    {
        var learner = i % Learners;
        var module = i / Learners % Modules;
        var attempt = i / (Learners * Modules);
        var criteria = Enumerable.Range(0, 8).Select(c =>
        {
            var outcome = random.Next(10) switch { < 6 => "met", < 8 => "partial", _ => "not_met" };
            var points = outcome == "met" ? 12.5 : outcome == "partial" ? 6.25 : 0;
            return new CriterionEvidence($"criterion-{c}", $"Criterion {c} of module {module}", outcome, points, 12.5) { Measure = random.NextDouble(), MeasuredValue = $"{random.Next(100)}/100 passed" };
        }).ToList();
        var total = criteria.Sum(c => c.Points);
        var graded = start.AddMinutes(i);
        return new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7().ToString(),
            Learner = new LearnerRef($"learner-{learner}", 100_000 + learner),
            Submission = new SubmissionRef($"course/module-{module}-learner-{learner}", Convert.ToHexStringLower(BitConverter.GetBytes((long)i)).PadRight(40, '0'))
            {
                PullRequestNumber = attempt + 1,
                PullRequestUrl = $"https://github.com/course/module-{module}-learner-{learner}/pull/{attempt + 1}",
            },
            Module = new ModuleRef($"MOD-{100 + module}", $"Module {100 + module}"),
            Rubric = new RubricRef($"MOD-{100 + module}", "sha256:" + new string('c', 64)) { File = $"rubrics/courses/mod-{100 + module}.yaml" },
            Criteria = criteria,
            Points = total,
            MaxPoints = 100,
            Percentage = total,
            Passed = total >= 70,
            Complete = random.Next(50) != 0,
            Competencies = total >= 50 ? [new CompetencyLevel($"competency-{module % 5}", $"Competency {module % 5}", Levels.Name(1 + (int)(total / 34)), ["criterion-0"])] : [],
            Runner = new RunnerRef("bench-runner") { ImageDigest = "sha256:" + new string('d', 64) },
            StartedAt = graded.AddMinutes(-2),
            GradedAt = graded,
            ReviewUrl = $"https://github.com/course/module-{module}-learner-{learner}/pull/{attempt + 1}#pullrequestreview-{i}",
            CheckRunUrl = $"https://github.com/course/module-{module}-learner-{learner}/runs/{i}",
        } with { Passed = total >= 70 };
    }

    private static async Task<double> MedianAsync(int runs, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task RunToFileAsync(string program, string[] args, string target)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        await using (var file = File.Create(target))
        {
            await process.StandardOutput.BaseStream.CopyToAsync(file);
        }
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} exited {process.ExitCode}");
    }

    private static async Task CopyAsync(string connectionString, string sql, string target)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var reader = await connection.BeginTextExportAsync($"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)");
        await using var file = new StreamWriter(target);
        var buffer = new char[1 << 16];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0) await file.WriteAsync(buffer.AsMemory(0, read));
    }

    /// <summary>Loads the report in headless Chromium (fresh profile) and reads the time the page measured to its drawn tables.</summary>
    private static async Task<double> ChromiumReadyMsAsync(string html, string folder)
    {
        var profile = Path.Combine(folder, "chromium-" + Guid.NewGuid().ToString("n")[..8]);
        var start = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--virtual-time-budget=60000", "--dump-dom", new Uri(html).AbsoluteUri })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var dom = await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = ReadyMs().Match(dom);
        if (!match.Success) throw new InvalidOperationException("The report did not finish drawing in Chromium (no data-ready-ms).");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex("data-ready-ms=\"(\\d+)\"")]
    private static partial Regex ReadyMs();
}

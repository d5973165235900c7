using System.Diagnostics;
using System.Globalization;
using Grader.Bot.Configuration;
using Grader.Bot.Hosting;
using Grader.Bot.Jobs;
using Grader.Bot.Storage;
using Grader.GitHub.Publishing;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grader.Benchmarks;

/// <summary>
/// The fleet's dispatch throughput (scripts/bench-fleet.sh): jobs per second from scheduling to completion through the
/// bot's scheduler, store and Hangfire on PostgreSQL with a no-op grading, against a bare Hangfire.PostgreSql loop
/// (enqueue no-op jobs, a server with the same workers and storage options runs them) measured in the same run, on
/// fresh databases of the same server, after a discarded warm-up run of each. Medians of a few runs; a measurement, not
/// a test. Both paths are bound by their producer (one scheduling loop, as the bot's delivery dispatcher is one loop):
/// the workers keep up, so the figure is the cost of putting a job in, through to its completion.
/// </summary>
public static class FleetDispatchBenchmark
{
    private const int WarmUpJobs = 200;

    private static CountdownEvent? s_bareJobs;

    /// <summary>The server's admin connection (scripts/lib/ensure-postgres.sh's test role), or GRADER_TEST_POSTGRES.</summary>
    internal static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("GRADER_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=grader_test;Password=grader_test;Database=postgres;Timeout=10";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var r) ? r : 5;
        var jobs = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var j) ? j : 1000;
        const int workers = 4;
        var admin = AdminConnectionString;
        Console.WriteLine($"Dispatch through Hangfire on PostgreSQL: {jobs} no-op jobs, {workers} workers, median of {runs} runs after a warm-up of {WarmUpJobs} jobs on each path (jobs/s, scheduling to completion).");
        // A discarded warm-up of each path first: the process JIT-compiles (and tiers up) the code both paths run, so the
        // measured runs compare steady-state dispatch, not which path pays for more compilation in its first run.
        await WithDatabaseAsync(admin, cs => BareHangfireAsync(cs, WarmUpJobs, workers));
        await WithDatabaseAsync(admin, cs => GraderAsync(cs, WarmUpJobs, workers));
        var bare = new List<double>();
        var grader = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Alternated, so drift in the machine's load hits both alike.
            bare.Add(await WithDatabaseAsync(admin, cs => BareHangfireAsync(cs, jobs, workers)));
            grader.Add(await WithDatabaseAsync(admin, cs => GraderAsync(cs, jobs, workers)));
        }
        // Each pair ran back to back, so its ratio sees the same load: the median pair is steadier than the ratio of medians.
        var paired = bare.Zip(grader, (x, y) => x / y).Order().ToList();
        bare.Sort();
        grader.Sort();
        var (b, g) = (bare[runs / 2], grader[runs / 2]);
        Console.WriteLine();
        Console.WriteLine("| path | jobs/s (median) | runs |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare Hangfire.PostgreSql | {b:0.0} | {string.Join(", ", bare.Select(x => x.ToString("0.0", CultureInfo.InvariantCulture)))} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Grader (scheduler, store, GradingJob) | {g:0.0} | {string.Join(", ", grader.Select(x => x.ToString("0.0", CultureInfo.InvariantCulture)))} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Grader takes {b / g:0.00}x the bare loop's time per job (goal: within 1.5x)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Paired (each run against the bare run just before it): median {paired[runs / 2]:0.00}x, from {paired[0]:0.00}x to {paired[^1]:0.00}x."));
        return 0;
    }

    /// <summary>The baseline's job: counts itself done.</summary>
    public static void NoOp() => s_bareJobs!.Signal();

    /// <summary>The bot's own queue options (<see cref="FleetQueueOptions"/>), with the defaults the Grader path runs with.</summary>
    private static PostgreSqlStorageOptions StorageOptions() => FleetQueueOptions.For(new BotOptions());

    private static async Task<double> BareHangfireAsync(string connectionString, int jobs, int workers)
    {
        // Hangfire's log provider and job activator are global: the previous run's Grader host set its own, disposed with it.
        GlobalConfiguration.Configuration.UseColouredConsoleLogProvider(Hangfire.Logging.LogLevel.Fatal);
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, new PostgreSqlStorageOptions()), StorageOptions());
        s_bareJobs = new CountdownEvent(jobs);
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions { Queues = ["cpu"], WorkerCount = workers, Activator = new JobActivator() }, storage);
        var client = new BackgroundJobClient(storage);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < jobs; i++)
        {
            client.Create(Hangfire.Common.Job.FromExpression(() => NoOp(), "cpu"), new Hangfire.States.EnqueuedState("cpu"));
        }
        await Task.Run(() => s_bareJobs.Wait(TimeSpan.FromMinutes(10))).ConfigureAwait(false);
        return jobs / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> GraderAsync(string connectionString, int jobs, int workers)
    {
        var folder = Directory.CreateTempSubdirectory("grader-fleet-bench-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Grader:Bot:WebhookSecret"] = "benchmark",
            ["Grader:Bot:AppSlug"] = "grader-benchmark",
            ["Grader:Bot:Postgres"] = connectionString,
            ["Grader:Bot:WorkerCount"] = workers.ToString(CultureInfo.InvariantCulture),
            ["Grader:Bot:RunIntake"] = "false",
            ["Grader:Bot:Evidence:Enabled"] = "false",
            ["Grader:GitHub:AppId"] = "1",
            ["Grader:GitHub:PrivateKeyPem"] = "unused",
            ["Grader:Runner:RunnerId"] = "bench-" + Guid.NewGuid().ToString("n")[..8],
            ["Grader:Runner:WorkRoot"] = Path.Combine(folder, "work"),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var courses = new CourseConfiguration();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        GraderBotHost.AddServices(builder.Services, builder.Configuration, courses);
        // The grading itself is not measured: a no-op grader answers at once with a passing result.
        builder.Services.AddSingleton<ISubmissionGrader, NoOpGrader>();
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            var scheduler = host.Services.GetRequiredService<JobScheduler>();
            var course = new ResolvedCourse("lab", "/unused/lab.yaml", null, JobQueues.Cpu, GradeDrafts: true);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < jobs; i++)
            {
                var sha = i.ToString("x40", CultureInfo.InvariantCulture);
                await scheduler.ScheduleAsync(new PullRequestRef(1, "course/lab-" + i.ToString(CultureInfo.InvariantCulture), 1), sha, course, regrade: false, isHead: true, new Submission(null, null, null), CancellationToken.None).ConfigureAwait(false);
            }
            while (await CompletedAsync(connectionString).ConfigureAwait(false) < jobs)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
            }
            return jobs / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<long> CompletedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM jobs WHERE state = 'Completed'", connection);
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Runs <paramref name="run"/> on a fresh database of the server (named <paramref name="prefix"/> and a random suffix), dropped after it.</summary>
    internal static async Task<T> WithDatabaseAsync<T>(string admin, Func<string, Task<T>> run, string prefix = "fleet_bench_")
    {
        var name = prefix + Guid.NewGuid().ToString("n")[..8];
        await AdminAsync(admin, $"CREATE DATABASE {name}").ConfigureAwait(false);
        try
        {
            return await run(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString).ConfigureAwait(false);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await DropAsync(admin, name).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Drops a run's database. An autovacuum worker busy on it (a run writes thousands of rows) is not the test role's to
    /// terminate, so FORCE is refused until the worker is done: tried again for up to a minute.
    /// </summary>
    private static async Task DropAsync(string admin, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AdminAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)").ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private sealed class NoOpGrader : ISubmissionGrader
    {
        public Task<GradedSubmission> GradeAsync(GradingAssignment assignment, IProgress<string> progress, CancellationToken cancellationToken) =>
            Task.FromResult(new GradedSubmission(new PublishableResult
            {
                Title = "Passed: 100/100",
                Summary = "No-op grading (dispatch benchmark).",
                Conclusion = PublishConclusion.Success,
                ReviewEvent = Grader.Rubrics.Model.ReviewEvent.Approve,
                ReviewBody = "ok",
            }));
    }
}

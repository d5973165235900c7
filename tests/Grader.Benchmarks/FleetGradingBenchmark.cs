using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grader.Evidence.Signing;
using Grader.Runner.Docker;
using Grader.Server.Tests.Serve;
using Grader.Testing.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Benchmarks;

/// <summary>
/// End-to-end grading throughput of the fleet with two runner processes against one (scripts/bench-fleet-grading.sh):
/// each run is a fresh PostgreSQL database, the webhook front (<c>grader-server serve --no-runner</c>) and one or two
/// <c>grader-server work</c> runners (same <c>--concurrency</c> each), grading the MOD-101 Lab 2 examples as pull requests
/// of their own learners' repositories in the GitHub emulator behind prism, as the fleet tests run them. Timed from the
/// first webhook delivery to the last completed check run; one-runner and two-runner runs alternate. Every submission
/// copy carries a Dockerfile <c>LABEL</c> nonce of its own, so no run reuses another's build cache or reusable image.
/// A measurement, not a test.
/// </summary>
public static partial class FleetGradingBenchmark
{
    /// <summary>
    /// hanging-tests is left out by default: it waits out the unit tests' 3 min timeout, which costs no CPU, so it measures
    /// the timeout (two runners overlap the waits at no cost on any machine), not the fleet's throughput.
    /// </summary>
    private static readonly string[] DefaultExamples = ["passing", "failing-tests", "broken-dockerfile", "oversized-image"];

    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = Settings.Parse(args);
        var root = RubricBenchmarks.RepositoryRoot();
        var examples = Example.Read(root, settings.Examples);
        using var stop = new CancellationTokenSource();
        // SIGINT and SIGTERM stop the run and clean up (processes, Docker objects, databases, folders) before exiting.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

        var set = Enumerable.Range(1, settings.Copies).SelectMany(copy => examples.Select(example => (Example: example, Copy: copy))).ToList();
        var startLoad = LoadAverage();
        Console.WriteLine($"Fleet grading throughput: {set.Count} submissions ({string.Join(", ", examples.Select(e => e.Name))}; {settings.Copies} of each) per run, "
                          + $"one vs two `grader-server work` runners at --concurrency {settings.Concurrency}, {settings.Runs} runs each, alternated.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} CPUs (nproc), {MemoryGiB():0.0} GiB memory, load average {startLoad} at start.");

        var results = new List<RunResult>();
        var github = await GitHubTestEnvironment.GetAsync(stop.Token).ConfigureAwait(false);
        try
        {
            // Not measured: the first grading meets cold page caches and a fresh prism; both sides start after it.
            var warmUp = await RunOnceAsync(github, settings, "warmup", runners: 1, [(examples[0], 1)], stop.Token).ConfigureAwait(false);
            Console.WriteLine(Invariant($"warm-up (not measured): 1 runner, 1 submission, {warmUp.Seconds:0.0} s"));
            for (var i = 1; i <= settings.Runs; i++)
            {
                foreach (var runners in new[] { 1, 2 })
                {
                    var result = await RunOnceAsync(github, settings, Invariant($"r{i}x{runners}"), runners, set, stop.Token).ConfigureAwait(false);
                    results.Add(result);
                    Console.WriteLine(Invariant($"run {i}, {runners} runner{(runners == 1 ? " " : "s")}: {result.Seconds,7:0.0} s, {result.JobsPerMinute,5:0.00} jobs/min, CPU busy {result.CpuBusy:P0}, load {result.LoadBefore} -> {result.LoadAfter}, gradings per runner {result.GradingsPerRunner}"));
                    Console.WriteLine("  in progress (s, mean per example): " + string.Join(", ", result.GradingSeconds.Select(g => Invariant($"{g.Key} {g.Value:0.0}"))));
                    foreach (var wrong in result.Unexpected)
                    {
                        Console.WriteLine("  unexpected result: " + wrong);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped: everything the benchmark started was removed.").ConfigureAwait(false);
            return 130;
        }
        finally
        {
            await GitHubTestEnvironment.ShutdownAsync().ConfigureAwait(false);
        }

        var one = results.Where(r => r.Runners == 1).Select(r => r.Seconds).ToList();
        var two = results.Where(r => r.Runners == 2).Select(r => r.Seconds).ToList();
        var (medianOne, medianTwo) = (Median(one), Median(two));
        Console.WriteLine();
        Console.WriteLine("| runners | runs (s, first delivery to last completed check run) | median (s) | jobs/min (median) |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(Invariant($"| one | {string.Join(", ", one.Select(s => s.ToString("0.0", CultureInfo.InvariantCulture)))} | {medianOne:0.0} | {set.Count * 60 / medianOne:0.00} |"));
        Console.WriteLine(Invariant($"| two | {string.Join(", ", two.Select(s => s.ToString("0.0", CultureInfo.InvariantCulture)))} | {medianTwo:0.0} | {set.Count * 60 / medianTwo:0.00} |"));
        // Each one-runner run against the two-runner run right after it: what drift in the machine's load leaves of the ratio.
        var paired = Median(one.Zip(two, (a, b) => a / b).ToList());
        Console.WriteLine(Invariant($"Two runners: {medianOne / medianTwo:0.00}x the throughput of one (ratio of the medians; median of the paired runs' ratios {paired:0.00}x; goal: >= 1.7x on a machine with the cores for it)."));
        Console.WriteLine(Invariant($"Ceiling for this set in this order: {Ceiling(results, set, settings.Concurrency):0.00}x (one runner's grading times placed first come, first served on twice the slots, nothing slowed by sharing the machine)."));
        // Where the time goes: a grading's own duration with one runner against two side by side (the same work: contention).
        Console.WriteLine();
        Console.WriteLine("| example | in progress, one runner (s, median of run means) | two runners | two / one |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var example in examples.Select(e => e.Name))
        {
            var (alone, sideBySide) = (Median(Means(1, example)), Median(Means(2, example)));
            Console.WriteLine(Invariant($"| {example} | {alone:0.0} | {sideBySide:0.0} | {sideBySide / alone:0.00}x |"));
        }

        Console.WriteLine($"Machine: {Environment.ProcessorCount} CPUs, {MemoryGiB():0.0} GiB; load average {startLoad} at start, {LoadAverage()} at end.");
        var unexpected = results.Sum(r => r.Unexpected.Count);
        if (unexpected > 0)
        {
            Console.WriteLine($"{unexpected} gradings ended with another verdict than examples.txt expects (listed above): the figures are not comparable.");
            return 1;
        }

        return 0;

        List<double> Means(int runners, string example) => results.Where(r => r.Runners == runners).Select(r => r.GradingSeconds[example]).ToList();
    }

    /// <summary>
    /// What two runners could reach at best with these submissions: the one-runner runs' grading times per example (plus
    /// their share of the time outside gradings) scheduled in delivery order on <paramref name="concurrency"/> slots and
    /// on twice as many. A few long gradings near the end of the queue keep it well under 2x for a small set.
    /// </summary>
    private static double Ceiling(List<RunResult> results, IReadOnlyList<(Example Example, int Copy)> set, int concurrency)
    {
        var alone = results.Where(r => r.Runners == 1).ToList();
        var grading = set.Select(s => s.Example.Name).Distinct().ToDictionary(name => name, name => Median(alone.Select(r => r.GradingSeconds[name]).ToList()), StringComparer.Ordinal);
        var outside = Math.Max(0, Median(alone.Select(r => r.Seconds - set.Sum(s => r.GradingSeconds[s.Example.Name])).ToList()) / set.Count);
        var durations = set.Select(s => grading[s.Example.Name] + outside).ToList();
        return Makespan(durations, concurrency) / Makespan(durations, 2 * concurrency);

        static double Makespan(List<double> durations, int slots)
        {
            var free = new PriorityQueue<int, double>();
            var end = 0.0;
            for (var i = 0; i < slots; i++)
            {
                free.Enqueue(i, 0);
            }

            foreach (var duration in durations)
            {
                free.TryDequeue(out var slot, out var at);
                end = Math.Max(end, at + duration);
                free.Enqueue(slot, at + duration);
            }

            return end;
        }
    }

    private static Task<RunResult> RunOnceAsync(GitHubTestEnvironment github, Settings settings, string label, int runners, IReadOnlyList<(Example Example, int Copy)> set, CancellationToken cancellationToken) =>
        FleetDispatchBenchmark.WithDatabaseAsync(FleetDispatchBenchmark.AdminConnectionString,
            connectionString => new FleetRun(github, settings, label, connectionString).RunAsync(runners, set, cancellationToken), settings.DatabasePrefix);

    /// <summary>One run: its folder, emulated App and repositories, config, processes; all removed in <see cref="RunAsync"/>'s finally.</summary>
    private sealed class FleetRun(GitHubTestEnvironment github, Settings settings, string label, string connectionString)
    {
        private readonly string _root = Directory.CreateTempSubdirectory("grader-fleet-grading-").FullName;
        private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        private readonly List<GraderServeProcess> _processes = [];
        private readonly List<string> _runnerIds = [];

        public async Task<RunResult> RunAsync(int runners, IReadOnlyList<(Example Example, int Copy)> set, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var (config, environment, submissions) = await ArrangeAsync(set).ConfigureAwait(false);
                var front = GraderServeProcess.Start(config, environment, ["serve", "--no-runner"]);
                _processes.Add(front);
                for (var i = 0; i < runners; i++)
                {
                    var runnerId = $"{settings.RunnerPrefix}-{label}-{(char)('a' + i)}";
                    _runnerIds.Add(runnerId);
                    _processes.Add(GraderServeProcess.Start(config, environment, ["work", "--runner-id", runnerId, "--queues", "cpu", "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture)]));
                }

                foreach (var process in _processes)
                {
                    await process.WaitHealthyAsync(http, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                }

                var loadBefore = LoadAverage();
                var cpuBefore = CpuTimes();
                var watch = Stopwatch.StartNew();
                foreach (var submission in submissions)
                {
                    using var request = GitHubWebhook.Request(new Uri(front.BaseUrl, "api/github/webhooks"), "pull_request", Guid.NewGuid().ToString(), Encoding.UTF8.GetBytes(submission.Payload), _secret);
                    using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
                    {
                        throw new InvalidOperationException($"The front answered {(int)response.StatusCode} to {submission.Name}'s delivery.\n{Diagnostics()}");
                    }
                }

                // When GitHub first shows each check run in progress and completed: how long a grading took (to a relay poll, 1 s).
                var started = new Dictionary<Submission, double>();
                var ended = new Dictionary<Submission, double>();
                while (ended.Count < submissions.Count)
                {
                    if (watch.Elapsed > RunDeadline || _processes.Any(p => p.HasExited))
                    {
                        var pending = string.Join(", ", submissions.Where(s => !ended.ContainsKey(s)).Select(s => s.Name));
                        throw new TimeoutException($"Run {label}: not graded after {watch.Elapsed:mm\\:ss} (or a process exited): {pending}.\n{Diagnostics()}");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
                    var now = watch.Elapsed.TotalSeconds;
                    foreach (var submission in submissions.Where(s => !ended.ContainsKey(s)))
                    {
                        var status = github.Emulator.CheckRuns(submission.Repository).Where(c => c.HeadSha == submission.HeadSha).Select(c => c.Status).ToList();
                        if (status.Contains("in_progress") || status.Contains("completed"))
                        {
                            started.TryAdd(submission, now);
                        }

                        if (status.Contains("completed"))
                        {
                            ended[submission] = now;
                        }
                    }
                }

                var seconds = ended.Values.Max();
                var graded = submissions.GroupBy(s => s.Example.Name).ToDictionary(g => g.Key, g => g.Average(s => ended[s] - started[s]), StringComparer.Ordinal);
                var busy = CpuBusy(cpuBefore, CpuTimes());
                var unexpected = submissions
                    .Select(s => (s.Name, Expected: s.Example.Conclusion, Run: Completed(s)!))
                    .Where(s => s.Run.Conclusion != s.Expected)
                    .Select(s => $"{label} {s.Name}: {s.Run.Conclusion} (expected {s.Expected}): {s.Run.Title}")
                    .ToList();
                var gradings = string.Join(" ", _processes.Skip(1).Select((p, i) => $"{(char)('a' + i)}={WorkerStarted().Matches(p.Output).Count}"));
                return new RunResult(runners, seconds, submissions.Count * 60 / seconds, busy, loadBefore, LoadAverage(), gradings, graded, unexpected);
            }
            finally
            {
                await CleanUpAsync().ConfigureAwait(false);
            }

            EmulatedCheckRun? Completed(Submission submission) =>
                github.Emulator.CheckRuns(submission.Repository).FirstOrDefault(c => c.HeadSha == submission.HeadSha && c.Status == "completed");
        }

        /// <summary>The learners' repositories and pull requests in the emulator, the course config, the signing keys; nothing is timed here.</summary>
        private async Task<(string Config, Dictionary<string, string> Environment, List<Submission> Submissions)> ArrangeAsync(IReadOnlyList<(Example Example, int Copy)> set)
        {
            var suffix = Guid.NewGuid().ToString("N")[..8];
            var app = github.Emulator.CreateApp("grader-bench-" + suffix);
            var installation = github.Emulator.AddInstallation(app, "course-" + suffix);
            var fixture = await File.ReadAllTextAsync(Path.Combine(RubricBenchmarks.RepositoryRoot(), "tests", "Grader.Bot.Tests", "Fixtures", "pull_request", "opened.payload.json")).ConfigureAwait(false);
            var submissions = new List<Submission>();
            foreach (var (example, copy) in set)
            {
                // One learner, repository and pull request per submission, as a course's learners submit.
                var name = $"{example.Name}-{copy.ToString(CultureInfo.InvariantCulture)}";
                var learner = await LearnerRepository.CreateAsync(Path.Combine(_root, "learners", name)).ConfigureAwait(false);
                var sha = await learner.PushToPullRequestAsync(1, example.Files($"{settings.RunnerPrefix}-{label}-{suffix}-{name}"), "Lab 2 submission").ConfigureAwait(false);
                var repository = github.Emulator.AddRepository(installation, "course-" + suffix, "lab2-" + name, learner.GitDirectory);
                github.Emulator.AddPullRequest(repository, new EmulatedPullRequest(1, sha, "learner-" + name, HeadRef: "pr-1"));
                var payload = GitHubWebhook.Address(GitHubWebhook.PullRequest(JsonNode.Parse(fixture)!.AsObject(), "opened", 1, sha), installation, repository).ToJsonString();
                submissions.Add(new Submission(name, example, repository, sha, payload));
            }

            var keyPath = Path.Combine(_root, "app.pem");
            await File.WriteAllTextAsync(keyPath, app.PrivateKeyPem).ConfigureAwait(false);
            // Every runner signs evidence with the same key file, made before any process starts (bot/README.md, "The fleet").
            var signingKey = Path.Combine(_root, "evidence-key.pem");
            using (var key = EvidenceSigningKey.Generate())
            {
                key.Save(signingKey);
            }

            var rubric = Path.Combine(RubricBenchmarks.RepositoryRoot(), "rubrics", "courses", "mod-101-lab2.yaml");
            var config = Path.Combine(_root, "grader.yaml");
            await File.WriteAllTextAsync(config, $$"""
                bot:
                  app_slug: {{app.Slug}}
                  postgres: "{{connectionString}}"
                  evidence: { signing_key_path: {{signingKey}} }
                  queue_poll_interval: "00:00:00.500"
                  runner_heartbeat_interval: "00:00:01"
                  schedule_polling_interval: "00:00:01"
                  clone_url_template: "{{github.Emulator.BaseUrl}}{repository}.git"
                github:
                  app_id: {{app.Id.ToString(CultureInfo.InvariantCulture)}}
                  api_base_url: {{github.ApiBaseUrl}}
                  publishing: { outbox_poll_interval: "00:00:01" }
                runner:
                  runner_id: {{settings.RunnerPrefix}}-{{label}}-front
                  work_root: {{Path.Combine(_root, "work")}}
                  mirror_cache: {{Path.Combine(_root, "mirrors")}}
                rubrics:
                  mod-101-lab2: { rubric: {{rubric}} }
                repositories:
                  - pattern: course-{{suffix}}/*
                    rubric: mod-101-lab2
                """).ConfigureAwait(false);
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Grader__Bot__WebhookSecret"] = _secret,
                ["Grader__GitHub__PrivateKeyPath"] = keyPath,
            };
            return (config, environment, submissions);
        }

        private string Diagnostics()
        {
            var text = new StringBuilder();
            foreach (var process in _processes)
            {
                var output = process.Output;
                text.AppendLine("==== grader-server process output (last 4,000 characters) ====").AppendLine(output[Math.Max(0, output.Length - 4000)..]);
            }

            return text.ToString();
        }

        /// <summary>Kills the processes, sweeps every Docker object labelled with this run's runner ids (reusable images too) and deletes the folder.</summary>
        private async Task CleanUpAsync()
        {
            foreach (var process in _processes)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var runnerId in _runnerIds.Append($"{settings.RunnerPrefix}-{label}-front"))
            {
                await using var provider = new ServiceCollection().AddGraderRunner(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Grader:Runner:RunnerId"] = runnerId,
                    ["Grader:Runner:WorkRoot"] = Path.Combine(_root, "work"),
                    ["Grader:Runner:MirrorCache"] = Path.Combine(_root, "mirrors"),
                }).Build()).BuildServiceProvider();
                await provider.GetRequiredService<IDockerJanitor>().SweepAsync(runnerId, includeReusableImages: true, CancellationToken.None).ConfigureAwait(false);
            }

            Directory.Delete(_root, recursive: true);
        }
    }

    private sealed record Submission(string Name, Example Example, EmulatedRepository Repository, string HeadSha, string Payload);

    /// <param name="GradingSeconds">Per example, the mean time its check runs were in progress (started to completed, as GitHub saw them).</param>
    private sealed record RunResult(int Runners, double Seconds, double JobsPerMinute, double CpuBusy, string LoadBefore, string LoadAfter, string GradingsPerRunner,
        IReadOnlyDictionary<string, double> GradingSeconds, IReadOnlyList<string> Unexpected);

    /// <summary>An example of examples/mod-101-lab2 with the check run conclusion its verdict in examples.txt publishes.</summary>
    private sealed record Example(string Name, string Folder, string Conclusion)
    {
        public static List<Example> Read(string root, IReadOnlyList<string> names)
        {
            var folder = Path.Combine(root, "examples", "mod-101-lab2");
            var verdicts = File.ReadAllLines(Path.Combine(folder, "examples.txt"))
                .Where(line => line.Length > 0 && !line.StartsWith('#'))
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .ToDictionary(fields => fields[0], fields => fields[2], StringComparer.Ordinal);
            return names.Select(name => verdicts.TryGetValue(name, out var verdict)
                    ? new Example(name, Path.Combine(folder, name), verdict switch { "passed" => "success", "failed" => "failure", _ => "neutral" })
                    : throw new ArgumentException($"No example {name} in {folder}/examples.txt (there are {string.Join(", ", verdicts.Keys)}).")).ToList();
        }

        /// <summary>The submission's files, its Dockerfile with <c>LABEL bench.nonce</c> right after FROM: no layer or reusable image from another copy or run.</summary>
        public Dictionary<string, string> Files(string nonce)
        {
            var files = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
                .Where(path => !path.Contains("__pycache__", StringComparison.Ordinal))
                .ToDictionary(path => Path.GetRelativePath(Folder, path).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
            files["Dockerfile"] = FromLine().Replace(files["Dockerfile"], match => $"{match.Value}\nLABEL bench.nonce=\"{nonce}\"", 1);
            return files;
        }
    }

    private sealed record Settings(int Runs, int Copies, int Concurrency, IReadOnlyList<string> Examples, string RunnerPrefix, string DatabasePrefix)
    {
        /// <summary><c>[runs] [copies] [--concurrency N] [--examples a,b,...]</c>; GRADER_BENCH_PREFIX names the runner ids and databases (the script's backstop sweeps it).</summary>
        public static Settings Parse(string[] args)
        {
            var positional = new List<int>();
            var (concurrency, examples) = (1, (IReadOnlyList<string>)DefaultExamples);
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--concurrency":
                        concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--examples":
                        examples = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        break;
                    default:
                        positional.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
                        break;
                }
            }

            var prefix = Environment.GetEnvironmentVariable("GRADER_BENCH_PREFIX") is { Length: > 0 } given ? given : "fleetgrading-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            return new Settings(positional.ElementAtOrDefault(0) is > 0 and var runs ? runs : 3, positional.ElementAtOrDefault(1) is > 0 and var copies ? copies : 4,
                concurrency, examples, prefix, prefix.Replace('-', '_') + "_");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg).</summary>
    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    private static double MemoryGiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / (1024.0 * 1024.0);

    /// <summary>The machine's total and idle (idle + iowait) CPU time so far (/proc/stat), to tell how busy a run kept it.</summary>
    private static (long Total, long Idle) CpuTimes()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Sum(), fields[3] + fields[4]);
    }

    private static double CpuBusy((long Total, long Idle) before, (long Total, long Idle) after) =>
        1 - ((double)(after.Idle - before.Idle) / Math.Max(1, after.Total - before.Total));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"grading in worker process \d+")]
    private static partial Regex WorkerStarted();

    [GeneratedRegex("^FROM .*$", RegexOptions.Multiline)]
    private static partial Regex FromLine();
}

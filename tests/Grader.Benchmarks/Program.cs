using BenchmarkDotNet.Running;
using Grader.Benchmarks;

// `evidence [runs]`: the evidence export measurement (scripts/bench-evidence.sh); `fleet`, `fleet-grading`: see below; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "evidence") return await EvidenceExportBenchmark.RunAsync(args[1..]);
// `fleet [runs] [jobs]`: dispatch through Hangfire on PostgreSQL against a bare Hangfire.PostgreSql loop (scripts/bench-fleet.sh).
if (args.Length > 0 && args[0] == "fleet") return await FleetDispatchBenchmark.RunAsync(args[1..]);
// `fleet-grading [runs] [copies] [--concurrency N] [--examples a,b]`: MOD-101 Lab 2 gradings through the front and one vs two runner processes (scripts/bench-fleet-grading.sh).
if (args.Length > 0 && args[0] == "fleet-grading") return await FleetGradingBenchmark.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(RubricBenchmarks).Assembly).Run(args);
return 0;

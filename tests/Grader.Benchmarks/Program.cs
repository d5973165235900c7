using BenchmarkDotNet.Running;
using Grader.Benchmarks;

// `evidence [runs]`: the evidence export measurement (scripts/bench-evidence.sh); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "evidence") return await EvidenceExportBenchmark.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

using System.Text.RegularExpressions;

namespace Grader.Runner.Benchmarks;

/// <summary>How benchmark containers run (options pattern: section "Grader:Benchmark").</summary>
public sealed partial class BenchmarkOptions
{
    public const string SectionName = "Grader:Benchmark";

    /// <summary>
    /// CPUs every benchmark container (the learner's and the reference's alike) is pinned to, in cpuset syntax
    /// ("2-3", "2,3"); null or empty: not pinned. Pin to cores no other job's benchmarks use, and keep the rubric's
    /// <c>limits.cpus</c> at most the set's size.
    /// </summary>
    public string? CpusetCpus { get; set; }

    /// <summary>Whether <see cref="CpusetCpus"/> is empty or a cpuset list the engine accepts.</summary>
    public bool HasValidCpuset() => string.IsNullOrWhiteSpace(CpusetCpus) || CpusetSyntax().IsMatch(CpusetCpus);

    [GeneratedRegex(@"^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$")]
    private static partial Regex CpusetSyntax();
}

namespace Grader.Runner.Reports;

public enum TestOutcome
{
    Passed,
    Failed,
    /// <summary>The test errored (JUnit &lt;error&gt;): counted as failed.</summary>
    Error,
    Skipped,
}

/// <summary>One test case of a JUnit report. Texts are raw (learner-controlled, possibly Markdown or HTML) and bounded.</summary>
public sealed record JUnitTestCase(
    string Name,
    string? ClassName,
    string? Suite,
    TestOutcome Outcome,
    string? Message,
    string? Details,
    string? File,
    int? Line,
    double? TimeSeconds,
    string? SystemOut,
    string? SystemErr)
{
    /// <summary>Class and name the way test runners print them.</summary>
    public string FullName => string.IsNullOrEmpty(ClassName) ? Name : $"{ClassName}.{Name}";
}

/// <summary>The test cases read from the configured JUnit file, and the first problem met reading it.</summary>
public sealed record JUnitReport(IReadOnlyList<JUnitTestCase> Cases, string? Error)
{
    public static JUnitReport Empty { get; } = new([], null);

    public int Passed => Cases.Count(c => c.Outcome == TestOutcome.Passed);
    public int Failed => Cases.Count(c => c.Outcome is TestOutcome.Failed or TestOutcome.Error);
    public int Skipped => Cases.Count(c => c.Outcome == TestOutcome.Skipped);

    /// <summary>Tests that ran (skipped ones do not count).</summary>
    public int Total => Passed + Failed;
}

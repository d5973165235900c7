namespace Grader.Runner.Reports;

/// <summary>
/// Bounds on what a JUnit report may make the runner read and keep: reports are written by learner code (options
/// pattern: section "Grader:TestReports", <c>test_reports:</c> in a config file).
/// </summary>
public sealed record JUnitParserOptions
{
    public const string SectionName = "Grader:TestReports";

    /// <summary>Larger files are refused before parsing.</summary>
    public long MaxFileBytes { get; init; } = 32L << 20;

    public int MaxDepth { get; init; } = 32;
    public int MaxTestCases { get; init; } = 20_000;

    /// <summary>Test names and class names are cut to this many characters.</summary>
    public int MaxNameLength { get; init; } = 300;

    /// <summary>Failure messages and details, system-out and system-err are cut to this many characters.</summary>
    public int MaxTextLength { get; init; } = 4_000;
}

using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Reports;

namespace Grader.Runner.Testing;

/// <summary>
/// The result of a <c>tests</c> check, carrying only what its <see cref="TestRunPlan.Visibility"/> allows: a hidden
/// run shows counts and failing test names unless the instructor opts in to messages or output, so neither the
/// tests' source, their assertions nor their output reach the review, the check run or result.json.
/// </summary>
internal static class TestsCheckResults
{
    private const int MaxListedFailures = 25;
    private const int OutputExcerptChars = 6_000;

    public static CheckResult Graded(Criterion criterion, TestsCheck spec, GradingContext context, TestRunPlan plan, JUnitReport report, SandboxRunResult run)
    {
        var ratio = report.Total == 0 ? 0 : (double)report.Passed / report.Total;
        var failures = report.Cases.Where(c => c.Outcome is TestOutcome.Failed or TestOutcome.Error).ToList();
        var details = failures.Take(MaxListedFailures)
            .Select(c => !plan.ShowsMessages || string.IsNullOrWhiteSpace(c.Message ?? c.Details)
                ? c.FullName
                : $"{c.FullName}: {CheckText.FirstLine(c.Message ?? c.Details, 300)}")
            .ToList();
        if (failures.Count > MaxListedFailures) details.Add($"… and {failures.Count - MaxListedFailures} more failing tests");
        if (report.Error is not null && plan.ShowsMessages) details.Add($"Part of the report could not be read: {report.Error}");
        var annotations = plan.ShowsMessages
            ? failures.Select(c => Annotate(c, context.SubmissionDirectory, plan.Hidden)).OfType<Annotation>().Take(MaxListedFailures).ToList()
            : [];

        string message;
        CheckStatus status;
        var tooFew = report.Total < spec.MinTests;
        if (tooFew)
        {
            status = CheckStatus.Failed;
            message = $"Only {report.Total} {(report.Total == 1 ? "test" : "tests")} ran; at least {spec.MinTests} must run.";
        }
        else if (ratio + 1e-9 >= spec.MinPassRatio)
        {
            status = CheckStatus.Passed;
            message = $"{report.Passed} of {report.Total} tests passed.";
        }
        else
        {
            status = CheckStatus.Failed;
            message = $"{report.Passed} of {report.Total} tests passed ({PercentBelow(ratio, spec.MinPassRatio)}; {Percent(spec.MinPassRatio)} required).";
        }
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = status,
            Measure = ratio,
            RequirementFailed = tooFew,
            Values = Values(report.Passed, report.Failed, spec),
            Message = message,
            Details = details,
            Annotations = annotations,
            Logs = status == CheckStatus.Passed ? [] : Logs(plan, run),
            Duration = run.Duration,
        };
    }

    /// <summary>Exit-code mode: the exit code decides.</summary>
    public static CheckResult FromExitCode(Criterion criterion, TestsCheck spec, TestRunPlan plan, SandboxRunResult run)
    {
        var passed = run.ExitCode == 0;
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = passed ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = passed ? 1 : 0,
            Values = Values(passed ? 1 : 0, passed ? 0 : 1, spec),
            Message = passed ? "The tests passed (exit code 0)." : $"The tests failed (exit code {run.ExitCode}).",
            Logs = Logs(plan, run),
            Duration = run.Duration,
        };
    }

    public static CheckResult Failed(Criterion criterion, TestsCheck spec, TestRunPlan plan, string message, SandboxRunResult run) => new()
    {
        CriterionId = criterion.Id,
        Status = CheckStatus.Failed,
        Measure = 0,
        Values = Values(0, 0, spec),
        Message = message,
        Logs = Logs(plan, run),
        Duration = run.Duration,
    };

    /// <summary>The tail of the run's output, when the plan shows output (always for the learner's own run).</summary>
    public static LogExcerpt[] Logs(TestRunPlan plan, SandboxRunResult run)
    {
        if (!plan.ShowsOutput) return [];
        var (tail, cut) = CheckText.Tail(run.Output, OutputExcerptChars);
        return [new LogExcerpt("Test output", tail, cut || run.OutputTruncated)];
    }

    private static Dictionary<string, string> Values(int passed, int failed, TestsCheck spec)
    {
        var total = passed + failed;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["passed"] = passed.ToString(CultureInfo.InvariantCulture),
            ["failed"] = failed.ToString(CultureInfo.InvariantCulture),
            ["total"] = total.ToString(CultureInfo.InvariantCulture),
            ["ratio"] = Percent(total == 0 ? 0 : (double)passed / total),
            ["min_ratio"] = Percent(spec.MinPassRatio),
        };
    }

    private static string Percent(double ratio) => (ratio * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// A pass ratio that missed <paramref name="required"/>, shown so that it reads as missing it: rounded as usual
    /// (77.8%), but with more decimals, rounded down, where rounding would reach the requirement (10014 of 10017 is
    /// 99.97%, never "100%; 100% required").
    /// </summary>
    private static string PercentBelow(double ratio, double required)
    {
        var shown = Percent(ratio);
        var requiredPercent = required * 100;
        // decimal: 0.9995 * 100 in binary floating point is 99.94999..., which would floor to 99.94.
        var percent = (decimal)ratio * 100;
        for (var decimals = 2; decimals <= 6 && Shown(shown) >= requiredPercent - 1e-9; decimals++)
        {
            var scale = (decimal)Math.Pow(10, decimals);
            shown = (Math.Floor(percent * scale) / scale).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture) + "%";
        }
        return shown;

        static double Shown(string percent) => double.Parse(percent.TrimEnd('%'), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A failing test's file and line as a path in the submission. Reports name files as the container saw
    /// them (e.g. <c>/app/tests/test_api.py</c>); the longest suffix that exists in the submission is used.
    /// Files that are not in the submission (hidden tests) get no annotation; a hidden run annotates only files it
    /// names under <see cref="HiddenTestsSpec.SubmissionMountPath"/>, so a learner's file that happens to share a
    /// hidden test's name never gets the hidden test's line.
    /// </summary>
    internal static Annotation? Annotate(JUnitTestCase test, string submissionDirectory, bool hidden = false)
    {
        if (test.File is null || test.Line is null) return null;
        var file = test.File.Replace('\\', '/');
        if (hidden)
        {
            if (!file.StartsWith(HiddenTestsSpec.SubmissionMountPath + "/", StringComparison.Ordinal)) return null;
            file = file[(HiddenTestsSpec.SubmissionMountPath.Length + 1)..];
        }
        var parts = file.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p == "..")) return null;
        var root = Path.GetFullPath(submissionDirectory);
        // A hidden run names the file exactly; the learner's own reports may use any prefix (/app/...).
        var suffixes = hidden ? Math.Min(1, parts.Length) : parts.Length;
        for (var i = 0; i < suffixes; i++)
        {
            var relative = string.Join('/', parts[i..]);
            var full = Path.GetFullPath(Path.Combine(root, relative));
            if (full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full))
            {
                return new Annotation(relative, test.Line.Value, test.Line.Value, AnnotationLevel.Failure,
                    CheckText.FirstLine(test.Message ?? test.Details ?? "Test failed", 500), CheckText.FirstLine(test.FullName, 200));
            }
        }
        return null;
    }
}

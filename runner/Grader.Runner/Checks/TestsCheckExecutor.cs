using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Docker;
using Grader.Runner.Reports;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Checks;

/// <summary>
/// <c>tests</c>: runs the rubric's test command in a sandboxed container of the built image, with the hidden
/// tests copied in only now (never at build time) and the JUnit report folder a fresh, empty writable mount
/// (a report baked into the image cannot be picked up); the report is copied out and parsed, or the exit
/// code decides. Measure: pass ratio.
/// </summary>
/// <remarks>
/// Hidden tests from a <c>repository</c> are fetched by the pipeline, which passes the checkout as
/// <see cref="GradingContext.HiddenTestsDirectory"/>; this executor only copies a folder in.
/// </remarks>
public sealed partial class TestsCheckExecutor(IContainerSandbox sandbox, ILogger<TestsCheckExecutor> logger, JUnitParserOptions? parserOptions = null) : ICheckExecutor
{
    private const int MaxListedFailures = 25;
    private const int OutputExcerptChars = 6_000;
    private readonly JUnitParserOptions _parserOptions = parserOptions ?? new JUnitParserOptions();

    public string Kind => TestsCheck.KindName;

    public async Task<CheckResult> ExecuteAsync(Criterion criterion, GradingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(context);
        var spec = (TestsCheck)criterion.Check;
        if (context.Image is null) return CheckResult.NotRunBecause(criterion.Id, "The image did not build, so the tests could not run.");
        if (spec.Command.Count == 0) return CheckResult.GraderError(criterion.Id, "The rubric's test command is empty.");
        if (spec.Gpu && (context.Gpus is null || context.Gpus.Devices.Count == 0))
        {
            return CheckResult.GraderError(criterion.Id, "The tests need a GPU and this runner has none leased to the job.");
        }

        var copyIn = new List<SandboxCopyIn>();
        if (spec.Hidden is not null || context.HiddenTestsDirectory is not null)
        {
            var hidden = ResolveHiddenTests(criterion.Id, spec.Hidden, context);
            if (hidden.Error is not null) return CheckResult.GraderError(criterion.Id, hidden.Error);
            copyIn.Add(new SandboxCopyIn(hidden.Folder!, spec.Hidden?.MountPath ?? "/grader/hidden"));
        }

        var junit = spec.Report == TestReportFormat.JUnit;
        var reportFolder = junit ? ReportFolder(spec.ReportPath) : null;
        var destination = Path.Combine(context.WorkDirectory, "tests-" + SafeName(criterion.Id));
        if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);

        var limits = context.Rubric.Limits;
        var request = new SandboxRunRequest
        {
            Image = context.Image.Id,
            Command = spec.Command,
            Labels = context.LabelsFor("test"),
            Limits = limits,
            Timeout = spec.Timeout,
            WorkingDirectory = spec.WorkingDirectory,
            CopyIn = copyIn,
            WritablePaths = reportFolder is null ? [] : [reportFolder],
            CopyOutPath = reportFolder,
            CopyOutDestination = reportFolder is null ? null : destination,
            MaxCopyOutBytes = Math.Max(_parserOptions.MaxFileBytes * 2, 1L << 20),
            GpuDeviceIds = spec.Gpu ? [.. context.Gpus!.Devices.Select(d => d.Uuid)] : [],
        };

        context.Progress?.Report($"tests: running {CheckText.FirstLine(string.Join(' ', spec.Command), 120)}");
        SandboxRunResult run;
        try
        {
            run = await sandbox.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (GraderInfrastructureException e)
        {
            LogInfrastructureFailure(logger, criterion.Id, e);
            return CheckResult.GraderError(criterion.Id, $"The grader could not run the tests: {e.Message}");
        }

        var (tail, cut) = CheckText.Tail(run.Output, OutputExcerptChars);
        var logs = new[] { new LogExcerpt("Test output", tail, cut || run.OutputTruncated) };
        if (run.TimedOut)
        {
            return Failed(criterion, spec, $"The tests did not finish within {CheckText.Duration(spec.Timeout)}; the container was killed.", logs, run);
        }
        if (run.OomKilled)
        {
            return Failed(criterion, spec, $"The tests ran out of memory (limit {ByteSize.Format(limits.Memory.Bytes)}) and were killed.", logs, run);
        }
        if (!junit)
        {
            var passed = run.ExitCode == 0;
            return new CheckResult
            {
                CriterionId = criterion.Id,
                Status = passed ? CheckStatus.Passed : CheckStatus.Failed,
                Measure = passed ? 1 : 0,
                Values = Values(passed ? 1 : 0, passed ? 0 : 1, spec),
                Message = passed ? "The tests passed (exit code 0)." : $"The tests failed (exit code {run.ExitCode}).",
                Logs = logs,
                Duration = run.Duration,
            };
        }

        var report = run switch
        {
            { CopyOutError: { } error } => new JUnitReport([], $"the report could not be copied out: {error}"),
            { CopiedOut: { } copied } => JUnitParser.ParsePath(copied, _parserOptions),
            _ => new JUnitReport([], "no JUnit report was written"),
        };
        if (report.Total == 0 && report.Error is not null)
        {
            return Failed(criterion, spec, $"The JUnit report could not be used: {report.Error} (exit code {run.ExitCode}).", logs, run);
        }
        return Graded(criterion, spec, context, report, logs, run);
    }

    private static CheckResult Graded(Criterion criterion, TestsCheck spec, GradingContext context, JUnitReport report, LogExcerpt[] logs, SandboxRunResult run)
    {
        var ratio = report.Total == 0 ? 0 : (double)report.Passed / report.Total;
        var failures = report.Cases.Where(c => c.Outcome is TestOutcome.Failed or TestOutcome.Error).ToList();
        var details = failures.Take(MaxListedFailures)
            .Select(c => string.IsNullOrWhiteSpace(c.Message ?? c.Details)
                ? c.FullName
                : $"{c.FullName}: {CheckText.FirstLine(c.Message ?? c.Details, 300)}")
            .ToList();
        if (failures.Count > MaxListedFailures) details.Add($"… and {failures.Count - MaxListedFailures} more failing tests");
        if (report.Error is not null) details.Add($"Part of the report could not be read: {report.Error}");
        var annotations = failures
            .Select(c => Annotate(c, context.SubmissionDirectory))
            .OfType<Annotation>()
            .Take(MaxListedFailures)
            .ToList();

        string message;
        CheckStatus status;
        if (report.Total < spec.MinTests)
        {
            status = CheckStatus.Failed;
            message = $"Only {report.Total} tests ran; at least {spec.MinTests} must run.";
        }
        else if (ratio + 1e-9 >= spec.MinPassRatio)
        {
            status = CheckStatus.Passed;
            message = $"{report.Passed} of {report.Total} tests passed.";
        }
        else
        {
            status = CheckStatus.Failed;
            message = $"{report.Passed} of {report.Total} tests passed ({Percent(ratio)}; {Percent(spec.MinPassRatio)} required).";
        }
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = status,
            Measure = ratio,
            Values = Values(report.Passed, report.Failed, spec),
            Message = message,
            Details = details,
            Annotations = annotations,
            Logs = status == CheckStatus.Passed ? [] : logs,
            Duration = run.Duration,
        };
    }

    private static CheckResult Failed(Criterion criterion, TestsCheck spec, string message, LogExcerpt[] logs, SandboxRunResult run) => new()
    {
        CriterionId = criterion.Id,
        Status = CheckStatus.Failed,
        Measure = 0,
        Values = Values(0, 0, spec),
        Message = message,
        Logs = logs,
        Duration = run.Duration,
    };

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
    /// A failing test's file and line as a path in the submission. Reports name files as the container saw
    /// them (e.g. <c>/app/tests/test_api.py</c>); the longest suffix that exists in the submission is used.
    /// Files that are not in the submission (hidden tests) get no annotation.
    /// </summary>
    internal static Annotation? Annotate(JUnitTestCase test, string submissionDirectory)
    {
        if (test.File is null || test.Line is null) return null;
        var parts = test.File.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p == "..")) return null;
        var root = Path.GetFullPath(submissionDirectory);
        for (var i = 0; i < parts.Length; i++)
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

    private static (string? Folder, string? Error) ResolveHiddenTests(string criterionId, HiddenTestsSpec? spec, GradingContext context)
    {
        string? folder = context.HiddenTestsDirectory;
        if (folder is null && context.HiddenTestFolders.TryGetValue(criterionId, out var fetched)) folder = fetched;
        if (folder is null && spec?.Path is { } path)
        {
            folder = Path.IsPathRooted(path) ? path : Path.Combine(context.RubricDirectory, path);
        }
        if (folder is null)
        {
            return (null, "The hidden tests come from a repository that was not fetched for this job.");
        }
        return Directory.Exists(folder) ? (Path.GetFullPath(folder), null) : (null, $"The hidden tests folder '{folder}' does not exist on this runner.");
    }

    /// <summary>The folder the report is written to: the report path itself, or the folder of a report file.</summary>
    private static string ReportFolder(string reportPath)
    {
        var path = reportPath.TrimEnd('/');
        return path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(path)!.Replace('\\', '/') : path;
    }

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tests of criterion {CriterionId} could not run")]
    private static partial void LogInfrastructureFailure(ILogger logger, string criterionId, Exception exception);
}

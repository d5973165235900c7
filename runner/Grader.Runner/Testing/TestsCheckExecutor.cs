using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Grader.Runner.Reports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Testing;

/// <summary>
/// <c>tests</c>: runs the rubric's test command in a sandboxed container and grades the configured JUnit report
/// (or the exit code). The learner's own tests run in the built image; hidden tests run in a grader-owned image
/// (<see cref="HiddenTestRun"/>) that never executes learner code. The report folder is a fresh, empty writable
/// mount (a report baked into the image cannot be picked up), and only the configured report file is copied out
/// and read: it must be a regular file within the size limit, so extra, linked or special files count for nothing.
/// Measure: pass ratio.
/// </summary>
/// <remarks>
/// Hidden tests from a <c>repository</c> are fetched by the pipeline, which passes the checkout as
/// <see cref="GradingContext.HiddenTestFolders"/>; this executor only copies a folder in.
/// </remarks>
public sealed partial class TestsCheckExecutor(
    IContainerSandbox sandbox,
    ILogger<TestsCheckExecutor> logger,
    IOptions<SandboxOptions>? sandboxOptions = null,
    IOptions<JUnitParserOptions>? parserOptions = null) : CheckExecutor<TestsCheck>(CheckKind.Tests)
{
    private readonly SandboxOptions _sandboxOptions = sandboxOptions?.Value ?? new SandboxOptions();
    private readonly JUnitParserOptions _parserOptions = parserOptions?.Value ?? new JUnitParserOptions();

    protected override async Task<CheckResult> ExecuteAsync(Criterion criterion, TestsCheck spec, GradingContext context, CancellationToken cancellationToken)
    {
        if (context.Image is null) return CheckResult.NotRunBecause(criterion.Id, "The image did not build, so the tests could not run.");
        if (spec.Command.Count == 0) return CheckResult.GraderError(criterion.Id, "The rubric's test command is empty.");

        TestRunPlan plan;
        if (spec.Hidden is { } hidden)
        {
            if (!HiddenTestRun.TryPlan(criterion, hidden, context, _sandboxOptions, out plan, out var instead)) return instead;
        }
        else
        {
            if (spec.Gpu && (context.Gpus is null || context.Gpus.Devices.Count == 0))
            {
                return CheckResult.GraderError(criterion.Id, "The tests need a GPU and this runner has none leased to the job.");
            }
            plan = TestRunPlan.Own(context.Image.Id);
        }

        var junit = spec.Report == TestReportFormat.JUnit;
        var destination = Path.Combine(context.WorkDirectory, "tests-" + SafeName(criterion.Id));
        if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
        var limits = context.Rubric.Limits;
        var request = new SandboxRunRequest
        {
            Image = plan.Image,
            Command = spec.Command,
            Labels = context.LabelsFor("test"),
            Limits = limits,
            Timeout = spec.Timeout,
            WorkingDirectory = spec.WorkingDirectory,
            Environment = plan.Environment,
            Network = plan.Network,
            CopyIn = plan.CopyIn,
            WritablePaths = junit ? [ReportFolder(spec.ReportPath)] : [],
            CopyOutPath = junit ? spec.ReportPath : null,
            CopyOutDestination = junit ? destination : null,
            CopyOutRegularFileOnly = true,
            MaxCopyOutBytes = _parserOptions.MaxFileBytes,
            GpuDeviceIds = !plan.Hidden && spec.Gpu ? [.. context.Gpus!.Devices.Select(d => d.Uuid)] : [],
            // The grader's own image runs as nobody; the learner's as its own non-root USER (else nobody).
            User = plan.Hidden ? SandboxRunRequest.Nobody : context.Image.RunAs(SandboxRunRequest.Nobody),
        };

        context.Progress?.Report($"tests: running {CheckText.FirstLine(string.Join(' ', spec.Command), 120)}{(plan.Hidden ? " (hidden tests, grader's image)" : "")}");
        SandboxRunResult run;
        try
        {
            run = await sandbox.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageCommandUnavailableException e) when (!plan.Hidden)
        {
            // The learner's image lacks what their own test command needs: their submission to fix, not a grader fault.
            var message = $"The test command could not start in your image: {e.RuntimeMessage}. Install '{e.Command}' in the image (or change the command the rubric runs).";
            return TestsCheckResults.Failed(criterion, spec, plan, message, new SandboxRunResult(127, false, false, e.RuntimeMessage, false, TimeSpan.Zero, null, null));
        }
        catch (ImageCommandUnavailableException e)
        {
            LogInfrastructureFailure(logger, criterion.Id, e);
            return CheckResult.GraderError(criterion.Id, $"The hidden tests' command cannot start in the grader's image ({e.RuntimeMessage}); check the rubric's hidden image and command.");
        }
        catch (SandboxCopyInTooLargeException e) when (e.CopyIn.ContainerPath == HiddenTestsSpec.SubmissionMountPath)
        {
            return CheckResult.NotRunBecause(criterion.Id, $"The submission is too large for the hidden tests to inspect: {e.Message}");
        }
        catch (Exception e) when (e is GraderInfrastructureException or SandboxCopyInTooLargeException)
        {
            LogInfrastructureFailure(logger, criterion.Id, e);
            return CheckResult.GraderError(criterion.Id, $"The grader could not run the tests: {e.Message}");
        }

        if (run.TimedOut)
        {
            return TestsCheckResults.Failed(criterion, spec, plan, $"The tests did not finish within {CheckText.Duration(spec.Timeout)}; the container was killed.", run);
        }
        if (run.OomKilled)
        {
            return TestsCheckResults.Failed(criterion, spec, plan, $"The tests ran out of memory (limit {limits.Memory}) and were killed.", run);
        }
        if (!junit) return TestsCheckResults.FromExitCode(criterion, spec, plan, run);

        var report = run switch
        {
            { CopyOutError: { } error } => new JUnitReport([], error),
            { CopiedOut: { } copied } => JUnitParser.ParseFile(copied, _parserOptions),
            _ => new JUnitReport([], "no JUnit report was written"),
        };
        if (report.Total == 0 && report.Error is not null)
        {
            if (plan.Hidden)
            {
                // The grader's own harness wrote (or failed to write) this report: not the learner's doing.
                LogHiddenReportUnusable(logger, criterion.Id, report.Error, run.ExitCode);
                return CheckResult.GraderError(criterion.Id, $"The hidden tests wrote no usable report at {spec.ReportPath} (exit code {run.ExitCode}); check the rubric's test command.")
                    with { Logs = TestsCheckResults.Logs(plan, run) };
            }
            return TestsCheckResults.Failed(criterion, spec, plan, $"The JUnit report could not be used: {report.Error} (exit code {run.ExitCode}).", run);
        }
        return TestsCheckResults.Graded(criterion, spec, context, plan, report, run);
    }

    /// <summary>The folder the report file is written to: a fresh writable mount, empty at the start.</summary>
    private static string ReportFolder(string reportPath) => Path.GetDirectoryName(reportPath)!.Replace('\\', '/');

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tests of criterion {CriterionId} could not run")]
    private static partial void LogInfrastructureFailure(ILogger logger, string criterionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hidden tests of criterion {CriterionId} wrote no usable report ({Error}, exit code {ExitCode})")]
    private static partial void LogHiddenReportUnusable(ILogger logger, string criterionId, string error, long? exitCode);
}

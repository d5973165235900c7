using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checkout;
using Grader.Runner.Checks;

namespace Grader.Runner.Pipeline;

/// <summary>The checkout step: the learner's submission into the job's folder, and hidden tests kept in instructor repositories beside it.</summary>
internal sealed class CheckoutStep(ISubmissionCheckout checkout)
{
    public async Task<CheckedOutSubmission?> CheckoutAsync(PipelineJob job, string workDirectory, CancellationToken cancellationToken)
    {
        var step = job.Steps.Start(GradingSteps.Checkout);
        try
        {
            var submission = await checkout.CheckoutAsync(job.Request.Submission, workDirectory, cancellationToken).ConfigureAwait(false);
            job.CommitSha = submission.CommitSha;
            step.End(StepStatus.Succeeded, CheckoutDetails(submission));
            return submission;
        }
        catch (SubmissionRefusedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The learner's repository is over a limit: nothing was written, every criterion is not met.
            var message = "the submission was refused: " + ex.Message;
            step.End(StepStatus.Failed, message);
            foreach (var c in job.Request.Rubric.Criteria) job.Results[c.Id] = CheckResult.NotRunBecause(c.Id, message);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            var message = "could not check out the submission: " + InfrastructureFailures.Describe(ex);
            step.End(StepStatus.GraderError, message);
            job.GraderErrors.Add(new GraderErrorRecord(GradingSteps.Checkout, message));
            foreach (var c in job.Request.Rubric.Criteria) job.Results[c.Id] = CheckResult.GraderError(c.Id, message);
            return null;
        }
        catch (OperationCanceledException)
        {
            step.End(StepStatus.Cancelled);
            throw;
        }
    }

    /// <summary>The checkout step's details: the commit, and what was left out (the learner must know a link was dropped).</summary>
    private static string? CheckoutDetails(CheckedOutSubmission submission)
    {
        var commit = submission.CommitSha is null ? null : $"commit {submission.CommitSha[..Math.Min(12, submission.CommitSha.Length)]}";
        if (submission.Dropped.Count == 0) return commit;
        const int Shown = 10;
        var dropped = string.Join("; ", submission.Dropped.Take(Shown))
            + (submission.Dropped.Count > Shown ? $"; and {submission.Dropped.Count - Shown} more" : "");
        return (commit is null ? "" : commit + "; ") + dropped;
    }

    /// <summary>
    /// Hidden tests kept in an instructor repository are fetched on the runner (never into the learner's build
    /// context) and copied into the test container only at test time. A folder given for the job replaces them.
    /// A fetch failure is the grader's: the criterion becomes a grader error, never the learner's failure.
    /// </summary>
    public async Task FetchHiddenTestRepositoriesAsync(PipelineJob job, GradingContext context, string workDirectory, CancellationToken cancellationToken)
    {
        if (context.HiddenTestsDirectory is not null) return;
        foreach (var criterion in job.Request.Rubric.Criteria)
        {
            if (criterion.Check is not TestsCheck { Hidden: { Repository: { } repository } hidden }) continue;
            var step = job.Steps.Start(GradingSteps.Check(criterion.Id) + ":hidden-tests");
            try
            {
                var target = Path.Combine(workDirectory, "hidden", criterion.Id);
                Directory.CreateDirectory(target);
                var fetched = await checkout.CheckoutAsync(new RemoteRepositorySubmission(new Uri(repository), hidden.Ref), target, cancellationToken).ConfigureAwait(false);
                var folder = Path.GetFullPath(Path.Combine(fetched.Directory, hidden.Subfolder ?? "."));
                if (!folder.StartsWith(Path.GetFullPath(fetched.Directory), StringComparison.Ordinal) || !Directory.Exists(folder))
                {
                    throw new GraderInfrastructureException($"the hidden tests repository has no folder '{hidden.Subfolder}'");
                }
                context.HiddenTestFolders[criterion.Id] = folder;
                step.End(StepStatus.Succeeded, fetched.CommitSha is null ? null : $"commit {fetched.CommitSha[..Math.Min(12, fetched.CommitSha.Length)]}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var message = "could not fetch the hidden tests: " + InfrastructureFailures.Describe(ex);
                step.End(StepStatus.GraderError, message);
                job.AddGraderError(new GraderErrorRecord(GradingSteps.Check(criterion.Id), message, criterion.Id));
            }
        }
    }
}

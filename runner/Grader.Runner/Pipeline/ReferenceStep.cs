using Grader.Rubrics.Model;
using Grader.Runner.Checkout;
using Grader.Runner.Checks;
using Grader.Runner.Docker;

namespace Grader.Runner.Pipeline;

/// <summary>
/// Builds the images of benchmark references (the instructor's reference solution, or the pull request's base commit)
/// once per job, after the learner's image, with the same hardened builder and limits. A reference that cannot be had is
/// the grader's problem (the rubric's or the job's), never the learner's: its criteria become grader errors.
/// </summary>
internal sealed class ReferenceStep(ImageStep images, IImageInspector inspector, ISubmissionCheckout checkout)
{
    public async Task BuildAsync(PipelineJob job, GradingContext context, string workDirectory, CancellationToken cancellationToken)
    {
        var buildSpec = job.Request.Rubric.Criteria.Select(c => c.Check).OfType<BuildCheck>().FirstOrDefault() ?? new BuildCheck();
        // Two criteria measuring against the same reference share one image.
        var built = new Dictionary<string, ReferenceImage>(StringComparer.Ordinal);
        foreach (var criterion in job.Request.Rubric.Criteria)
        {
            if (criterion.Check is not BenchmarkCheck { Reference: { } reference }) continue;
            var key = reference.Solution is { } solution ? "solution:" + Path.GetFullPath(solution, context.RubricDirectory) : "base";
            if (!built.TryGetValue(key, out var image))
            {
                var step = job.Steps.Start(GradingSteps.Check(criterion.Id) + ":reference");
                try
                {
                    image = await BuildOneAsync(job, context, reference, buildSpec, workDirectory, built.Count, cancellationToken).ConfigureAwait(false);
                    step.End(image.Problem is null ? StepStatus.Succeeded : StepStatus.GraderError, image.Problem ?? image.Description);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    image = new ReferenceImage(null, Describe(reference), $"the benchmark reference could not be prepared: {InfrastructureFailures.Describe(ex)}");
                    step.End(StepStatus.GraderError, image.Problem);
                }
                catch (OperationCanceledException)
                {
                    step.End(StepStatus.Cancelled);
                    throw;
                }
                built[key] = image;
            }
            context.ReferenceImages[criterion.Id] = image;
        }
    }

    private async Task<ReferenceImage> BuildOneAsync(PipelineJob job, GradingContext context, BenchmarkReferenceSpec reference, BuildCheck buildSpec, string workDirectory, int index, CancellationToken cancellationToken)
    {
        var description = Describe(reference);
        string folder;
        if (reference.Solution is { } solution)
        {
            folder = Path.GetFullPath(solution, context.RubricDirectory);
            if (!Directory.Exists(folder)) return new ReferenceImage(null, description, $"the rubric's reference solution {solution} is not a folder on the runner ({folder})");
        }
        else
        {
            if (job.Request.BaseCommit is not { } baseCommit)
                return new ReferenceImage(null, description, "the benchmark compares with the pull request's base commit, but this job names none (the bot passes it for pull requests; the CLI takes --base)");
            SubmissionSource? source = job.Request.Submission switch
            {
                LocalRepositorySubmission local => local with { Revision = baseCommit },
                RemoteRepositorySubmission remote => remote with { CommitSha = baseCommit },
                _ => null,
            };
            if (source is null) return new ReferenceImage(null, description, "the benchmark compares with the base commit, but the submission is a plain folder, not a git repository");
            var target = Path.Combine(workDirectory, "reference-base");
            Directory.CreateDirectory(target);
            var checkedOut = await checkout.CheckoutAsync(source, target, cancellationToken).ConfigureAwait(false);
            folder = checkedOut.Directory;
            description = $"base commit {checkedOut.CommitSha?[..Math.Min(12, checkedOut.CommitSha.Length)] ?? baseCommit}";
        }

        var contextDirectory = Path.GetFullPath(Path.Combine(folder, buildSpec.Context));
        if (!Directory.Exists(contextDirectory)) return new ReferenceImage(null, description, $"the {description} has no build context folder '{buildSpec.Context}'");
        var tag = images.JobTag(job, "-reference-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        job.ImageTags.Add(tag);
        var outcome = await images.BuildOrReuseAsync(job, context, buildSpec, contextDirectory, tag, null, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            var why = outcome.TimedOut ? "the build timed out" : outcome.Error ?? "the build failed";
            return new ReferenceImage(null, description, $"the {description} did not build: {why}");
        }
        var image = await inspector.InspectAsync(tag, cancellationToken).ConfigureAwait(false);
        return new ReferenceImage(image, description + (outcome.Reused ? " (image reused)" : ""));
    }

    private static string Describe(BenchmarkReferenceSpec reference) =>
        reference.Solution is { } solution ? $"reference solution {solution}" : "base commit";
}

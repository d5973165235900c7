using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Docker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Pipeline;

/// <summary>The image step: build the learner's image (or reuse the one built from the same files), then inspect it.</summary>
internal sealed partial class ImageStep(IImageBuilder builder, IImageInspector inspector, ImageReuse reuse, IOptions<RunnerOptions> options, ILogger<ImageStep> logger)
{
    public async Task<Blocker?> RunAsync(PipelineJob job, GradingContext context, CancellationToken cancellationToken)
    {
        var buildSpec = job.Request.Rubric.Criteria.Select(c => c.Check).OfType<BuildCheck>().FirstOrDefault() ?? new BuildCheck();
        var contextDirectory = Path.GetFullPath(Path.Combine(context.SubmissionDirectory, buildSpec.Context));
        var relative = Path.GetRelativePath(context.SubmissionDirectory, contextDirectory);
        var outside = Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (outside || !Directory.Exists(contextDirectory))
        {
            var missing = $"the build context '{buildSpec.Context}' is not a folder of the submission";
            job.Steps.Skip(GradingSteps.Build, missing);
            context.Build = new ImageBuildOutcome(false, null, "", false, TimeSpan.Zero, false, missing);
            return Blocker.NotRun("the image did not build: " + missing);
        }

        var blocker = await StepGuard.RunAsync(job, GradingSteps.Build, "the build failed because of the grader: ", async step =>
        {
            var outcome = await BuildOrReuseAsync(job, context, buildSpec, contextDirectory, cancellationToken).ConfigureAwait(false);
            context.Build = outcome;
            if (outcome.Log.Length > 0) job.Logs.Add(new LogExcerpt("build log", outcome.Log, outcome.LogTruncated));
            if (!outcome.Succeeded)
            {
                var why = outcome.TimedOut ? $"the build took longer than {DurationText.Format(buildSpec.MaxTime)}" : outcome.Error ?? "the build failed";
                step.End(StepStatus.Failed, why);
                return Blocker.NotRun("the image did not build: " + why);
            }
            step.End(StepStatus.Succeeded, job.ImageReused ? "reused the image built from the same context" : null);
            return null;
        }, cancellationToken).ConfigureAwait(false);
        if (blocker is not null) return blocker;

        return await StepGuard.RunAsync(job, GradingSteps.Inspect, "inspecting the image failed: ", async step =>
        {
            context.Image = await inspector.InspectAsync(job.ImageTag!, cancellationToken).ConfigureAwait(false);
            step.End(StepStatus.Succeeded, ByteSize.Format(context.Image.Size));
            return null;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImageBuildOutcome> BuildOrReuseAsync(PipelineJob job, GradingContext context, BuildCheck spec, string contextDirectory, CancellationToken cancellationToken)
    {
        var jobTag = JobTag(job, "");
        job.ImageTag = jobTag;
        job.ImageTags.Add(jobTag);
        var outcome = await BuildOrReuseAsync(job, context, spec, contextDirectory, jobTag, job.Steps.MessagesFor(GradingSteps.Build), cancellationToken).ConfigureAwait(false);
        job.ImageReused = outcome.Reused;
        return outcome;
    }

    /// <summary>The job's tag of an image; <paramref name="suffix"/> tells the job's images apart (the learner's has none).</summary>
    public string JobTag(PipelineJob job, string suffix) =>
        $"grader-job/{ImageReuse.SafeName(options.Value.RunnerId)}:{ImageReuse.SafeName(job.Request.JobId + suffix)}";

    /// <summary>
    /// Builds <paramref name="contextDirectory"/> as <paramref name="jobTag"/> with the runner's hardened builder and
    /// limits, or reuses the image built from the same files. The learner's image and benchmark references both come here.
    /// </summary>
    public async Task<ImageBuildOutcome> BuildOrReuseAsync(PipelineJob job, GradingContext context, BuildCheck spec, string contextDirectory, string jobTag, IProgress<string>? messages, CancellationToken cancellationToken)
    {
        var runner = options.Value;
        string? reuseTag = null;
        if (runner.ReuseImages)
        {
            var digest = await ImageReuse.DigestAsync(contextDirectory, spec.Dockerfile, runner.MaxContextBytes, cancellationToken).ConfigureAwait(false);
            if (digest is not null)
            {
                digest = await reuse.WithBaseImagesAsync(digest, Path.Combine(contextDirectory, spec.Dockerfile), cancellationToken, runner.AllowedBaseImages).ConfigureAwait(false);
            }

            if (digest is not null)
            {
                reuseTag = ImageReuse.TagFor(runner.RunnerId, digest);
                var existing = await reuse.FindAsync(reuseTag, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    await reuse.TagAsync(reuseTag, jobTag, cancellationToken).ConfigureAwait(false);
                    LogImageReused(logger, job.Request.JobId, reuseTag);
                    return new ImageBuildOutcome(true, existing, "", false, TimeSpan.Zero, false, null) { Reused = true };
                }
            }
        }

        var request = new ImageBuildRequest(
            contextDirectory, spec.Dockerfile, jobTag, context.LabelsFor("build"), spec.MaxTime, runner.MaxContextBytes, runner.MaxBuildLogBytes)
        {
            MemoryBytes = runner.BuildMemoryBytes,
            Cpus = runner.BuildCpus,
            Pids = runner.BuildPids,
            DiskBytes = runner.BuildDiskBytes,
            NoFile = runner.BuildNoFile,
            Network = runner.BuildNetwork,
            AllowedBaseImages = runner.AllowedBaseImages,
            CgroupLimits = runner.BuildCgroupLimits,
        };
        var outcome = await builder.BuildAsync(request, messages, cancellationToken).ConfigureAwait(false);
        if (outcome.Succeeded && reuseTag is not null && await reuse.FitsAsync(jobTag, job.Request.Rubric, cancellationToken).ConfigureAwait(false))
        {
            await reuse.TagAsync(jobTag, reuseTag, cancellationToken).ConfigureAwait(false);
            await reuse.TrimAsync(runner.RunnerId, cancellationToken).ConfigureAwait(false);
        }
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: reusing image {Tag} built from the same context")]
    private static partial void LogImageReused(ILogger logger, string jobId, string tag);
}

using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;

namespace Grader.Runner.Images;

/// <summary>
/// <c>image_config</c>: what the built image will run as and announce, from its configuration rather than the
/// Dockerfile's text, so a base image's USER or HEALTHCHECK counts and a later <c>USER root</c> (or <c>USER 0:0</c>,
/// or a name the image maps to uid 0) does too. Measure: the fraction of the rubric's requirements met.
/// </summary>
public sealed class ImageConfigCheckExecutor() : CheckExecutor<ImageConfigCheck>(CheckKind.ImageConfig)
{
    protected override Task<CheckResult> ExecuteAsync(Criterion criterion, ImageConfigCheck spec, GradingContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (context.Image is not { } image)
            return Task.FromResult(CheckResult.NotRunBecause(criterion.Id, "The image did not build, so its configuration could not be read."));

        var met = new List<string>();
        var missed = new List<string>();
        if (spec.NonRoot)
        {
            var user = image.ResolvedUser;
            var who = string.IsNullOrWhiteSpace(image.User) ? "no USER" : $"USER {image.User}";
            if (user is { Uid: > 0 }) met.Add($"runs as a non-root user ({who}, uid {user.Uid!.Value.ToString(CultureInfo.InvariantCulture)})");
            else if (user is { Problem: { } problem }) missed.Add($"its user cannot be resolved ({who}): {problem}");
            else missed.Add($"it runs as root ({who}); add a USER with a non-zero uid after the last step that needs root");
        }
        if (spec.Healthcheck)
        {
            if (image.HasHealthcheck) met.Add("declares a HEALTHCHECK");
            else missed.Add("it declares no HEALTHCHECK (or HEALTHCHECK NONE); add one that calls the service's health endpoint");
        }
        foreach (var port in spec.Exposes)
        {
            if (image.ExposedPorts.Contains(port, StringComparer.OrdinalIgnoreCase)) met.Add($"exposes {port}");
            else missed.Add($"it does not EXPOSE {port}");
        }

        var total = met.Count + missed.Count;
        var share = total == 0 ? 1 : (double)met.Count / total;
        return Task.FromResult(new CheckResult
        {
            CriterionId = criterion.Id,
            Status = missed.Count == 0 ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = share,
            Values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["user"] = string.IsNullOrWhiteSpace(image.User) ? "root (no USER)" : image.User,
                ["healthcheck"] = image.HasHealthcheck ? "yes" : "no",
                ["exposes"] = image.ExposedPorts.Count == 0 ? "none" : string.Join(", ", image.ExposedPorts),
                ["met"] = met.Count.ToString(CultureInfo.InvariantCulture),
                ["total"] = total.ToString(CultureInfo.InvariantCulture),
            },
            Message = missed.Count == 0
                ? $"The image {string.Join(", ", met)}."
                : $"{met.Count} of {total} image requirements met: {string.Join("; ", missed)}.",
            Details = [.. met.Select(m => "met: " + m), .. missed.Select(m => "missed: " + m)],
        });
    }
}

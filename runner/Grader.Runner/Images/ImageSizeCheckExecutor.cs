using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;

namespace Grader.Runner.Images;

/// <summary>
/// <c>image_size</c>: the built image is no larger than <see cref="ImageSizeCheck.Max"/>. Measure: bytes.
/// The details list the largest layers with the instruction behind each, so the learner sees why.
/// </summary>
public sealed class ImageSizeCheckExecutor() : CheckExecutor<ImageSizeCheck>(CheckKind.ImageSize)
{
    private const int MaxInstructionChars = 160;

    protected override Task<CheckResult> ExecuteAsync(Criterion criterion, ImageSizeCheck spec, GradingContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var image = context.Image;
        if (image is null)
        {
            return Task.FromResult(CheckResult.NotRunBecause(criterion.Id, "The image did not build, so its size could not be measured."));
        }

        // In the units the rubric wrote the limit in: "1.02 GiB, over the limit of 1 GiB", never "limit 1.07 GB".
        var size = ByteSize.FormatLike(image.Size, spec.Max);
        var max = spec.Max.ToString();
        var largest = image.Layers
            .Where(l => l.Size > 0)
            .OrderByDescending(l => l.Size)
            .Take(Math.Max(spec.ShowLayers, 0))
            .Select(l => $"{ByteSize.FormatLike(l.Size, spec.Max)}: {CheckText.FirstLine(l.CreatedBy, MaxInstructionChars)}")
            .ToList();
        var passed = image.Size <= spec.Max.Bytes;
        return Task.FromResult(new CheckResult
        {
            CriterionId = criterion.Id,
            Status = passed ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = image.Size,
            Values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["size"] = size,
                ["max"] = max,
                ["layers"] = image.Layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Message = passed
                ? $"The image is {size}, within the limit of {max}."
                : $"The image is {size}, over the limit of {max}. Its largest layers are listed below.",
            Details = largest,
        });
    }
}

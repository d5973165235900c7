using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;

namespace Grader.Runner.Documents;

/// <summary>
/// <c>files</c>: required files and documents (runbooks, SLO docs, postmortems) exist in the submission with
/// the required sections and enough prose. Measure: share of requirements met.
/// </summary>
public sealed class FilesCheckExecutor() : CheckExecutor<FilesCheck>(CheckKind.Files)
{
    protected override Task<CheckResult> ExecuteAsync(Criterion criterion, FilesCheck spec, GradingContext context, CancellationToken cancellationToken)
    {
        var details = new List<string>();
        var missing = new List<string>();
        var annotations = new List<Annotation>();
        int requirements = 0, met = 0;

        foreach (var file in spec.Require)
        {
            cancellationToken.ThrowIfCancellationRequested();
            requirements++;
            var path = SubmissionFiles.FindFirst(context.SubmissionDirectory, file.Path);
            string text = "";
            string? error = null;
            if (path is null || !SubmissionFiles.TryReadText(context.SubmissionDirectory, path, out text, out error))
            {
                var why = path is null ? $"no file matches '{file.Path}'" : error!;
                details.Add($"✗ {file.Path}: {why}");
                missing.Add(file.Path);
                requirements += file.Sections.Count + (file.MinWords > 0 ? 1 : 0);
                continue;
            }
            met++;
            details.Add($"✓ {path} found");
            var (headings, words) = MarkdownOutline.Read(text);
            foreach (var section in file.Sections)
            {
                requirements++;
                if (headings.Any(h => MarkdownOutline.Matches(h.Text, section)))
                {
                    met++;
                    continue;
                }
                missing.Add($"{path} § {section}");
                details.Add($"✗ {path}: no '{section}' section (headings found: {(headings.Count == 0 ? "none" : string.Join(", ", headings.Select(h => h.Text)))})");
                annotations.Add(new Annotation(path, 1, 1, AnnotationLevel.Failure, $"Add a '{section}' section (a Markdown heading).", "Missing section"));
            }
            if (file.MinWords > 0)
            {
                requirements++;
                if (words >= file.MinWords)
                {
                    met++;
                }
                else
                {
                    missing.Add($"{path} (too short)");
                    details.Add(string.Create(CultureInfo.InvariantCulture, $"✗ {path}: {words} words of prose; at least {file.MinWords} expected"));
                    annotations.Add(new Annotation(path, 1, 1, AnnotationLevel.Warning, string.Create(CultureInfo.InvariantCulture, $"Only {words} words; the rubric expects at least {file.MinWords}."), "Document too short"));
                }
            }
        }

        var share = requirements == 0 ? 1.0 : (double)met / requirements;
        var passed = missing.Count == 0;
        return Task.FromResult(new CheckResult
        {
            CriterionId = criterion.Id,
            Status = passed ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = share,
            Values = new Dictionary<string, string>
            {
                ["missing"] = missing.Count == 0 ? "nothing" : string.Join(", ", missing),
                ["found"] = string.Create(CultureInfo.InvariantCulture, $"{met}/{requirements}"),
            },
            Message = passed ? "All required documents and sections are present." : $"Missing: {string.Join(", ", missing)}.",
            Details = details,
            Annotations = annotations,
        });
    }
}

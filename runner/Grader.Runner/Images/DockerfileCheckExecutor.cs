using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Dockerfiles;
using Grader.Runner.Documents;

namespace Grader.Runner.Images;

/// <summary><c>dockerfile</c>: Dockerfile practices, each violation annotated at its line. Measure: share of practices followed.</summary>
public sealed class DockerfileCheckExecutor() : CheckExecutor<DockerfileCheck>(CheckKind.Dockerfile)
{
    protected override Task<CheckResult> ExecuteAsync(Criterion criterion, DockerfileCheck spec, GradingContext context, CancellationToken cancellationToken)
    {
        if (!SubmissionFiles.TryReadText(context.SubmissionDirectory, spec.Path, out var text, out var error))
        {
            return Task.FromResult(new CheckResult
            {
                CriterionId = criterion.Id,
                Status = CheckStatus.Failed,
                Measure = 0,
                Values = new Dictionary<string, string> { ["violations"] = error! },
                Message = $"Cannot read the Dockerfile: {error}",
            });
        }

        IReadOnlyList<DockerfileInstruction> instructions;
        try
        {
            instructions = DockerfileParser.Parse(text!);
        }
        catch (DockerfileFormatException e)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{spec.Path}:{e.Line}");
            return Task.FromResult(new CheckResult
            {
                CriterionId = criterion.Id,
                Status = CheckStatus.Failed,
                Measure = 0,
                Values = new Dictionary<string, string> { ["violations"] = $"{where}: {e.Message}" },
                Message = $"Cannot read the Dockerfile: {e.Message}",
                Details = [$"{where}: {e.Message}"],
                Annotations = [new Annotation(spec.Path, e.Line, e.Line, AnnotationLevel.Failure, e.Message, "Unreadable Dockerfile")],
            });
        }

        var selection = new PracticeSelection(spec.PinnedBase, spec.NonRootUser, spec.Healthcheck, spec.NoSecrets);
        // When the image was built, non-root is judged on the uid it really runs as (its config and /etc/passwd).
        var violations = DockerfilePractices.Evaluate(instructions, selection, context.Image?.ResolvedUser);
        var selected = new[] { spec.PinnedBase, spec.NonRootUser, spec.Healthcheck, spec.NoSecrets }.Count(x => x);
        var broken = violations.Select(v => v.Practice).Distinct(StringComparer.Ordinal).Count();
        var share = selected == 0 ? 1.0 : (double)(selected - broken) / selected;
        return Task.FromResult(new CheckResult
        {
            CriterionId = criterion.Id,
            Status = violations.Count == 0 ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = share,
            Values = new Dictionary<string, string>
            {
                ["violations"] = violations.Count == 0 ? "none" : string.Join("; ", violations.Select(v => string.Create(CultureInfo.InvariantCulture, $"line {v.Line}: {v.Message}"))),
                ["followed"] = string.Create(CultureInfo.InvariantCulture, $"{selected - broken}/{selected}"),
            },
            Message = violations.Count == 0
                ? "The Dockerfile follows the required practices."
                : string.Create(CultureInfo.InvariantCulture, $"{violations.Count} Dockerfile practice violation(s)."),
            Details = violations.Select(v => string.Create(CultureInfo.InvariantCulture, $"{spec.Path}:{v.Line}: {v.Message}")).ToList(),
            Annotations = violations.Select(v => new Annotation(spec.Path, v.Line, v.Line, AnnotationLevel.Failure, v.Message, TitleOf(v.Practice))).ToList(),
        });
    }

    private static string TitleOf(string practice) => practice switch
    {
        DockerfilePractices.PinnedBase => "Unpinned base image",
        DockerfilePractices.NonRoot => "Runs as root",
        DockerfilePractices.Healthcheck => "No HEALTHCHECK",
        _ => "Secret in the image",
    };
}

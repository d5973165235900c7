using Grader.Bot.Configuration;
using Grader.Bot.Publishing;

namespace Grader.Bot.Intake;

/// <summary>
/// Decides what a repository is graded with: the bot config's first matching pattern, refined by the repository's
/// <c>.grader.yml</c> only where that rule sets <c>allow_repository_override</c> (learners often own their default
/// branch, so the file is theirs). The file is read from the DEFAULT branch, never the PR head; it may choose only a
/// rubric the rule lists in <c>allowed_rubrics</c>, and switch grading off only where the rule sets
/// <c>allow_opt_out</c>. Anything else it asks for is refused, logged and named in <see cref="ResolvedCourse.RefusedOverrides"/>.
/// The job's queue is the config's, or derived from the rubric (GPU criteria: gpu); the rubric's deadline comes with it.
/// </summary>
public sealed partial class CourseResolver(CourseConfiguration configuration, IRepositoryGateway gateway, RubricCatalog catalog, ILogger<CourseResolver> logger)
{
    public const string RepositoryFileName = ".grader.yml";

    /// <summary>Null when the repository is not graded.</summary>
    public async Task<ResolvedCourse?> ResolveAsync(long installationId, string repository, CancellationToken cancellationToken)
    {
        var rule = configuration.Match(repository);
        if (rule is null)
        {
            return null;
        }

        var rubricName = rule.Rubric;
        var gradeDrafts = rule.GradeDrafts;
        var refused = new List<string>();
        if (rule.AllowRepositoryOverride
            && await gateway.GetDefaultBranchFileAsync(installationId, repository, RepositoryFileName, cancellationToken).ConfigureAwait(false) is { } file)
        {
            var settings = CourseConfigurationLoader.ParseRepositoryFile(file, out var error);
            if (settings is null)
            {
                LogBadRepositoryFile(logger, repository, error ?? "not valid");
                refused.Add($"{RepositoryFileName} on the default branch is not valid ({error ?? "not valid"}), so it was ignored.");
            }
            else
            {
                if (!settings.Enabled && rule.AllowOptOut)
                {
                    LogOptedOut(logger, repository);
                    return null;
                }

                if (!settings.Enabled)
                {
                    LogOverrideRefused(logger, repository, "enabled: false", rule.Pattern);
                    refused.Add($"{RepositoryFileName} asks to switch grading off; this course does not allow that, so this commit is graded.");
                }

                if (settings.Rubric is { } requested && requested != rule.Rubric)
                {
                    if (rule.AllowedRubrics.Contains(requested, StringComparer.Ordinal))
                    {
                        rubricName = requested;
                    }
                    else
                    {
                        LogOverrideRefused(logger, repository, "rubric: " + requested, rule.Pattern);
                        refused.Add($"{RepositoryFileName} asks for rubric '{requested}'; this course allows {Allowed(rule)}, so '{rule.Rubric}' is used.");
                    }
                }

                gradeDrafts = settings.GradeDrafts ?? gradeDrafts;
            }
        }

        var rubric = configuration.Rubrics[rubricName];
        var queue = rubric.Queue ?? await catalog.QueueForAsync(rubric.Rubric, cancellationToken).ConfigureAwait(false);
        var deadline = await catalog.DeadlineForAsync(rubric.Rubric, cancellationToken).ConfigureAwait(false);
        var moduleId = await catalog.ModuleIdForAsync(rubric.Rubric, cancellationToken).ConfigureAwait(false);
        return new ResolvedCourse(rubricName, rubric.Rubric, rubric.HiddenTests, queue, gradeDrafts)
        {
            RefusedOverrides = refused,
            Deadline = deadline,
            ModuleId = moduleId,
            Entry = rubric,
        };
    }

    private static string Allowed(RepositoryRule rule) =>
        rule.AllowedRubrics.Count == 0 ? "no other rubric" : "only " + string.Join(", ", rule.AllowedRubrics.Select(r => $"'{r}'"));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Repository}: .grader.yml on the default branch is not valid ({Reason}); using the bot config")]
    private static partial void LogBadRepositoryFile(ILogger logger, string repository, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Repository}: .grader.yml asks for '{Requested}', which the course does not allow for pattern '{Pattern}'; refused, using the bot config")]
    private static partial void LogOverrideRefused(ILogger logger, string repository, string requested, string pattern);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository}: grading switched off by .grader.yml (the course allows opting out)")]
    private static partial void LogOptedOut(ILogger logger, string repository);
}

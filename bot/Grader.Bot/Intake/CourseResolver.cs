using Grader.Bot.Configuration;
using Grader.Bot.Publishing;

namespace Grader.Bot.Intake;

/// <summary>
/// Decides what a repository is graded with: the bot config's first matching pattern, optionally refined by
/// the repository's <c>.grader.yml</c> read from its DEFAULT branch (never the PR head, so a learner cannot
/// change how they are graded). The job's queue is the config's, or derived from the rubric (GPU criteria: gpu).
/// </summary>
public sealed partial class CourseResolver(CourseConfiguration configuration, IRepositoryGateway gateway, RubricQueues queues, ILogger<CourseResolver> logger)
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
        var file = await gateway.GetDefaultBranchFileAsync(installationId, repository, RepositoryFileName, cancellationToken).ConfigureAwait(false);
        if (file is not null)
        {
            var settings = CourseConfigurationLoader.ParseRepositoryFile(file);
            if (settings is null)
            {
                LogBadRepositoryFile(logger, repository);
            }
            else if (!settings.Enabled)
            {
                return null;
            }
            else if (rule.AllowRepositoryOverride)
            {
                if (settings.Rubric is not null && configuration.Rubrics.ContainsKey(settings.Rubric))
                {
                    rubricName = settings.Rubric;
                }
                else if (settings.Rubric is not null)
                {
                    LogUnknownRubric(logger, repository, settings.Rubric);
                }

                gradeDrafts = settings.GradeDrafts ?? gradeDrafts;
            }
        }

        var rubric = configuration.Rubrics[rubricName];
        var queue = rubric.Queue ?? await queues.QueueForAsync(rubric.Rubric, cancellationToken).ConfigureAwait(false);
        return new ResolvedCourse(rubricName, rubric.Rubric, rubric.HiddenTests, queue, gradeDrafts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Repository}: .grader.yml on the default branch is not valid; using the bot config")]
    private static partial void LogBadRepositoryFile(ILogger logger, string repository);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Repository}: .grader.yml names rubric '{Rubric}', which the bot config does not list; using the bot config")]
    private static partial void LogUnknownRubric(ILogger logger, string repository, string rubric);
}

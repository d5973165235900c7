using Grader.Bot.Configuration;
using Grader.Bot.Intake;
using Grader.Bot.Storage;
using Grader.GitHub.Outbox;

namespace Grader.Bot.Visibility;

/// <summary>
/// Keeps what learners see the current truth when visibility changes after grading (a learner's due date passed, the
/// instructor published the module's results): for each pull request's latest graded submission whose rubric defers
/// criteria, the result of the state it is in now is put in the outbox as an edit of the check run and the review
/// posted for it (<see cref="PublicationKind.VisibilityUpdate"/>). Nothing is graded again. Moving a grading to a state
/// is one compare-and-set with its outbox entry, so running it twice, or in two processes, edits once.
/// </summary>
public sealed partial class VisibilityRefresher(
    GraderStore store,
    CourseConfiguration courses,
    RubricCatalog catalog,
    OutboxSignal outbox,
    TimeProvider time,
    ILogger<VisibilityRefresher> logger)
{
    /// <summary>Refreshes the gradings of one rubric (by its course configuration name), or of all when null; returns how many were edited.</summary>
    public async Task<int> RefreshAsync(string? rubricName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var edited = 0;
        foreach (var (job, visible, shown) in await store.GetVisibilityCandidatesAsync(rubricName, cancellationToken).ConfigureAwait(false))
        {
            var entry = courses.Rubrics.GetValueOrDefault(job.RubricName);
            var deadline = visible.DueMatters
                ? await catalog.DeadlineForAsync(entry?.Rubric ?? job.RubricPath, cancellationToken).ConfigureAwait(false)
                : null;
            var pastDue = deadline?.IsPastDue(now, job.ExtensionWith(entry)) ?? false;
            var published = visible.PublishedMatters && await store.IsModulePublishedAsync(job.RubricName, cancellationToken).ConfigureAwait(false);
            var key = visible.KeyFor(pastDue, published);
            if (key == shown || !visible.Results.TryGetValue(key, out var result))
            {
                continue;
            }

            var edit = Publication.ForVisibility($"{job.JobKey}/run-{job.Run}/visibility/{key}", job.PublishTarget, result);
            if (await store.RefreshVisibilityAsync(job.JobKey, shown, key, edit, cancellationToken).ConfigureAwait(false))
            {
                edited++;
                LogRefreshed(logger, job.JobKey, shown ?? "none", key);
            }
        }

        if (edited > 0)
        {
            outbox.Notify();
        }

        return edited;
    }

    /// <summary>Publishes the module's results (idempotent) and refreshes its gradings; returns whether it was newly published and how many were edited.</summary>
    public async Task<(bool NewlyPublished, int Edited)> PublishAsync(string rubricName, CancellationToken cancellationToken)
    {
        var newly = await store.PublishModuleAsync(rubricName, cancellationToken).ConfigureAwait(false);
        return (newly, await RefreshAsync(rubricName, cancellationToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobKey}: published result moves from visibility {From} to {To}; check run and review edited")]
    private static partial void LogRefreshed(ILogger logger, string jobKey, string from, string to);
}

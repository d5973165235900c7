using Grader.Rubrics.Model;

namespace Grader.Bot.Jobs;

/// <summary>
/// Deadline extensions the program's roster grants (its <c>extensions</c> column, in the evidence store): asked at intake
/// when the course configuration gives the learner none for the module.
/// </summary>
public interface IRosterExtensions
{
    /// <summary>The extension of the learner with GitHub login <paramref name="login"/> for module <paramref name="moduleId"/>, or null.</summary>
    Task<DeadlineExtension?> ForAsync(string login, string moduleId, CancellationToken cancellationToken);
}

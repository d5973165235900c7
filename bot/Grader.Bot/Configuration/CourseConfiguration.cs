using System.IO.Enumeration;
using Grader.Rubrics.Model;

namespace Grader.Bot.Configuration;

/// <summary>
/// The bot config file: which repositories are graded against which rubric. Instructors own it; learners
/// can never change it. A repository's optional <c>.grader.yml</c> (read from its default branch) counts only
/// where the matching rule allows it, and then may only pick a rubric the rule allows, switch drafts on or off,
/// and switch grading off if the rule allows that too.
/// </summary>
public sealed class CourseConfiguration
{
    /// <summary>Named rubrics a repository can select with <c>.grader.yml</c>.</summary>
    public Dictionary<string, CourseRubric> Rubrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Repository patterns (<c>owner/name</c> globs, first match wins) to the rubric they are graded with.</summary>
    public List<RepositoryRule> Repositories { get; init; } = [];

    public RepositoryRule? Match(string repositoryFullName) =>
        Repositories.FirstOrDefault(r => FileSystemName.MatchesSimpleExpression(r.Pattern, repositoryFullName, ignoreCase: true));

    /// <summary>Why the repository rules' override settings cannot work as written, or null.</summary>
    public string? OverrideProblem()
    {
        foreach (var rule in Repositories)
        {
            if (!rule.AllowRepositoryOverride && (rule.AllowedRubrics.Count > 0 || rule.AllowOptOut))
            {
                return $"repository pattern '{rule.Pattern}' sets allowed_rubrics or allow_opt_out, which only apply with allow_repository_override: true.";
            }

            if (rule.AllowedRubrics.FirstOrDefault(name => !Rubrics.ContainsKey(name)) is { } unknown)
            {
                return $"repository pattern '{rule.Pattern}' allows rubric '{unknown}', which is not listed under rubrics.";
            }
        }

        return null;
    }
}

/// <summary>A rubric and what goes with it.</summary>
public sealed class CourseRubric
{
    /// <summary>Path of the rubric YAML on the runner (relative to the bot config file).</summary>
    public string Rubric { get; set; } = "";

    /// <summary>Hidden tests folder (relative to the bot config file), never in the learner's repository.</summary>
    public string? HiddenTests { get; set; }

    /// <summary>The runner queue (capability): <c>cpu</c> or <c>gpu</c>. When unset, derived from the rubric's GPU criteria.</summary>
    public string? Queue { get; set; }

    /// <summary>
    /// Per-learner deadline extensions for this module, by GitHub login (any case): more time (<c>2d</c>) or a new due
    /// date with an offset. They move the rubric's due date and hard close for that learner only.
    /// </summary>
    public Dictionary<string, DeadlineExtension> Extensions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// At most <see cref="SubmissionLimit.Gradings"/> gradings per learner per <see cref="SubmissionLimit.Per"/> for this
    /// module (null: unlimited), so hidden tests cannot be brute-forced and the runners cannot be flooded.
    /// </summary>
    public SubmissionLimit? SubmissionLimit { get; set; }

    /// <summary>The extension of <paramref name="login"/>, or null. Logins are matched ignoring case, as GitHub does.</summary>
    public DeadlineExtension? ExtensionFor(string? login) =>
        login is null ? null : Extensions.FirstOrDefault(e => string.Equals(e.Key, login, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A module's submission limit, a token bucket per learner: <see cref="Gradings"/> tokens, each grading that starts takes
/// one, and each token comes back <see cref="Per"/> after the grading that took it started.
/// </summary>
public sealed record SubmissionLimit(int Gradings, TimeSpan Per)
{
    /// <summary>How the limit reads to a learner: "3 gradings per 24h".</summary>
    public override string ToString() => $"{Gradings} grading{(Gradings == 1 ? "" : "s")} per {Window(Per)}";

    // The window as an instructor writes it: 24h, 7d, 30m, 90s.
    private static string Window(TimeSpan per) => per switch
    {
        _ when per.Ticks % TimeSpan.TicksPerHour == 0 && per.TotalHours <= 48 => $"{per.TotalHours:0}h",
        _ when per.Ticks % TimeSpan.TicksPerDay == 0 => $"{per.TotalDays:0}d",
        _ when per.Ticks % TimeSpan.TicksPerMinute == 0 => $"{per.TotalMinutes:0}m",
        _ => Grader.Rubrics.Model.DurationText.Format(per),
    };
}

public sealed class RepositoryRule
{
    /// <summary>Glob over <c>owner/name</c>, e.g. <c>ml-course/mod-101-*</c>.</summary>
    public string Pattern { get; set; } = "";

    /// <summary>Key into <see cref="CourseConfiguration.Rubrics"/>.</summary>
    public string Rubric { get; set; } = "";

    /// <summary>Whether draft PRs are graded.</summary>
    public bool GradeDrafts { get; set; }

    /// <summary>
    /// Whether the repository's <c>.grader.yml</c> is read at all. Off by default: learners often own their
    /// repository's default branch, so whatever it says is theirs to say.
    /// </summary>
    public bool AllowRepositoryOverride { get; set; }

    /// <summary>Rubrics (keys of <see cref="CourseConfiguration.Rubrics"/>) that <c>.grader.yml</c> may choose instead of <see cref="Rubric"/>.</summary>
    public List<string> AllowedRubrics { get; set; } = [];

    /// <summary>Whether <c>.grader.yml</c> may switch grading off (<c>enabled: false</c>).</summary>
    public bool AllowOptOut { get; set; }
}

/// <summary>The optional <c>.grader.yml</c> at the root of a repository's default branch.</summary>
public sealed class RepositoryGraderFile
{
    /// <summary>False switches grading off for the repository.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>One of the rubric names in the bot config.</summary>
    public string? Rubric { get; set; }

    public bool? GradeDrafts { get; set; }
}

/// <summary>What a repository is graded with, after the bot config and <c>.grader.yml</c> are combined.</summary>
public sealed record ResolvedCourse(string RubricName, string RubricPath, string? HiddenTestsPath, string Queue, bool GradeDrafts)
{
    /// <summary>The rubric's deadline (null: none), for refusing pushes after the hard close at intake.</summary>
    public Deadline? Deadline { get; init; }

    /// <summary>The rubric's module id (null when the rubric does not load): the roster's extensions name modules by it.</summary>
    public string? ModuleId { get; init; }

    /// <summary>The course's entry for the rubric, with the module's per-learner extensions.</summary>
    public CourseRubric? Entry { get; init; }

    /// <summary>What <c>.grader.yml</c> asked for and the course did not allow, one sentence each, for the learner.</summary>
    public IReadOnlyList<string> RefusedOverrides { get; init; } = [];
}

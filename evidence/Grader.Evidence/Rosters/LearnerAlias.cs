using System.Text.RegularExpressions;

namespace Grader.Evidence.Rosters;

/// <summary>
/// The alias a learner chose for leaderboards (the roster's <c>alias</c> column): 1-32 letters, digits, spaces,
/// <c>_ . -</c>, starting with a letter or digit. Bounded so a board stays a board; outputs escape it anyway.
/// </summary>
public static partial class LearnerAlias
{
    public const int MaxLength = 32;

    /// <summary>What is wrong with the alias (completing "alias ..."), or null when it is acceptable.</summary>
    public static string? Problem(string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        if (alias.Length > MaxLength) return $"'{Shorten(alias)}' is longer than {MaxLength} characters";
        return Pattern().IsMatch(alias) ? null : $"'{Shorten(alias)}' may hold only letters, digits, spaces, '_', '.' and '-', starting with a letter or digit";
    }

    /// <summary>The alias when it is acceptable, else null (a row written around the importer is never shown as it is).</summary>
    public static string? Sanitize(string? alias) => alias is not null && Problem(alias.Trim()) is null ? alias.Trim() : null;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} _.\-]*$")]
    private static partial Regex Pattern();
}

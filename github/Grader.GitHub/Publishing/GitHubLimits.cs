using System.Globalization;

namespace Grader.GitHub.Publishing;

/// <summary>Limits GitHub enforces on what we send.</summary>
public static class GitHubLimits
{
    /// <summary>Maximum characters of a check run's output.summary and output.text, and of a review body.</summary>
    public const int MaxOutputCharacters = 65535;

    /// <summary>Maximum annotations accepted per check run create/update request.</summary>
    public const int MaxAnnotationsPerRequest = 50;

    /// <summary>
    /// Cuts markdown to GitHub's limit, replacing the tail with a note saying how much was cut and where the
    /// full text is. Never splits a surrogate pair.
    /// </summary>
    public static string Truncate(string text, int limit = MaxOutputCharacters, string whereFull = "the full report is in the job's artifacts")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= limit)
        {
            return text;
        }

        // The note's length depends on the number it reports; size it for the largest possible count.
        var noteTemplate = "\n\n---\n*Truncated: {0} characters omitted because GitHub limits this field to {1} characters; " + whereFull + ".*";
        var note = string.Format(CultureInfo.InvariantCulture, noteTemplate, text.Length, limit);
        var keep = limit - note.Length;
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        keep = Math.Max(0, keep);
        return text[..keep] + string.Format(CultureInfo.InvariantCulture, noteTemplate, text.Length - keep, limit);
    }
}

using System.Globalization;
using System.Security.Cryptography;

namespace Grader.GitHub.Actions;

/// <summary>
/// GitHub Actions workflow commands (<c>::error file=...,line=...::message</c>) with the escaping the runner
/// expects, so messages with newlines, commas or colons reach the annotation intact.
/// </summary>
public static class WorkflowCommands
{
    /// <param name="level">error, warning or notice.</param>
    public static string Annotation(string level, string message, string? file = null, int? line = null, int? endLine = null, int? column = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(level);
        var properties = new List<string>();
        if (file is not null) properties.Add("file=" + EscapeProperty(file));
        if (line is not null) properties.Add(string.Create(CultureInfo.InvariantCulture, $"line={line}"));
        if (endLine is not null) properties.Add(string.Create(CultureInfo.InvariantCulture, $"endLine={endLine}"));
        if (column is not null) properties.Add(string.Create(CultureInfo.InvariantCulture, $"col={column}"));
        if (title is not null) properties.Add("title=" + EscapeProperty(title));
        var head = properties.Count == 0 ? level : level + " " + string.Join(',', properties);
        return $"::{head}::{EscapeData(message)}";
    }

    /// <summary>
    /// <c>::stop-commands::TOKEN</c>: the runner processes no command (<c>::x::</c> or legacy <c>##[x]</c>) until a
    /// line <see cref="ResumeCommands"/> with the same token; learner text cannot resume without knowing it.
    /// </summary>
    public static string StopCommands(string token) => "::stop-commands::" + RequireToken(token);

    /// <summary><c>::TOKEN::</c>: the runner processes commands again after <see cref="StopCommands"/>.</summary>
    public static string ResumeCommands(string token) => $"::{RequireToken(token)}::";

    /// <summary>A fresh unguessable stop token (128 random bits, hex).</summary>
    public static string NewStopToken() => "grader-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string EscapeData(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("%", "%25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);
    }

    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    private static string RequireToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        // The runner takes the token as a command name: no spaces, colons or line breaks.
        if (token.Any(c => char.IsWhiteSpace(c) || c is ':' or ',' or '[' or ']' || char.IsControl(c))) throw new ArgumentException($"'{token}' cannot be a stop token.", nameof(token));
        return token;
    }

    /// <summary>Appends <c>name=value</c> to a GITHUB_OUTPUT file, with a heredoc delimiter when the value spans lines.</summary>
    public static async Task AppendOutputAsync(string outputFile, string name, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var delimiter = "GRADER_EOF_" + Guid.NewGuid().ToString("N");
        var text = value.Contains('\n', StringComparison.Ordinal)
            ? $"{name}<<{delimiter}\n{value}\n{delimiter}\n"
            : $"{name}={value}\n";
        await File.AppendAllTextAsync(outputFile, text, cancellationToken).ConfigureAwait(false);
    }
}

using System.Text.RegularExpressions;

namespace Grader.GitHub;

/// <summary>Removes GitHub credentials (tokens, JWTs, Basic/Bearer values, credentials in URLs) from text meant for logs.</summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        text = UrlCredentials().Replace(text, "${scheme}" + Mask + "@");
        text = AuthorizationValue().Replace(text, "${scheme} " + Mask);
        text = GitHubToken().Replace(text, Mask);
        return Jwt().Replace(text, Mask);
    }

    /// <summary>The exception's type and redacted message chain, for logging failures without leaking secrets.</summary>
    public static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {Redact(e.Message)}");
        }

        return string.Join(" ---> ", parts);
    }

    // ghs_ (installation), ghp_ (personal), gho_, ghu_, ghr_ and fine-grained github_pat_ tokens.
    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic|token))\s+[A-Za-z0-9._~+/=-]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.-]*://)[^/@\s:]+:[^/@\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlCredentials();
}

using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>
/// An image reference in Docker's grammar (distribution/reference), reduced to its familiar repository name:
/// <c>docker.io/library/python:3.11</c> and <c>python:3.11</c> are both <c>python</c>.
/// </summary>
/// <param name="Repository">The familiar repository name (registry kept unless it is Docker Hub), without tag or digest.</param>
public sealed partial record ImageName(string Repository, string? Tag, string? Digest)
{
    private const int MaxNameLength = 255;

    private const string Component = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
    private const string DomainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";

    [GeneratedRegex("^(?:(?<domain>" + DomainComponent + @"(?:\." + DomainComponent + ")*(?::[0-9]+)?)/)?(?<path>" + Component + "(?:/" + Component + ")*)"
        + @"(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$")]
    private static partial Regex Reference();

    /// <summary>Parses a reference; null when it is not valid reference syntax (the engine refuses it, or reads it otherwise).</summary>
    public static ImageName? Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var match = Reference().Match(reference);
        if (!match.Success) return null;
        var domain = match.Groups["domain"].Success ? match.Groups["domain"].Value : null;
        var path = match.Groups["path"].Value;
        // Docker reads the first component as a registry only when it looks like a host name; otherwise it is a path.
        if (domain is not null && !domain.Contains('.', StringComparison.Ordinal) && !domain.Contains(':', StringComparison.Ordinal) && domain != "localhost")
        {
            if (domain.Any(char.IsAsciiLetterUpper)) return null;
            path = domain + "/" + path;
            domain = null;
        }
        if ((domain is null ? path.Length : domain.Length + 1 + path.Length) > MaxNameLength) return null;
        if (domain is "docker.io" or "index.docker.io") domain = null;
        if (domain is null && path.StartsWith("library/", StringComparison.Ordinal) && path.Count(c => c == '/') == 1) path = path["library/".Length..];
        return new ImageName(domain is null ? path : domain + "/" + path,
            match.Groups["tag"].Success ? match.Groups["tag"].Value : null,
            match.Groups["digest"].Success ? match.Groups["digest"].Value : null);
    }

    /// <summary>
    /// Whether <paramref name="repository"/> matches a pattern: <c>*</c> stands for any characters but <c>/</c>,
    /// <c>**</c> for any characters; the rest must match exactly (e.g. <c>grader/*</c>, <c>*</c> for Docker Hub's
    /// official images, <c>ghcr.io/my-course/**</c>).
    /// </summary>
    public static bool Matches(string repository, string pattern)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = "^" + Regex.Escape(pattern.Trim()).Replace(@"\*\*", "\u0001", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace("\u0001", ".*", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(repository, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

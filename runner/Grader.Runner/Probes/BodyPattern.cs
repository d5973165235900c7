using System.Text.RegularExpressions;

namespace Grader.Runner.Probes;

/// <summary>
/// The rubric's body regex, matched safely against a hostile body: the linear-time engine when the pattern
/// allows it (no catastrophic backtracking at all), else the backtracking engine with a match timeout.
/// </summary>
public sealed class BodyPattern
{
    private readonly Regex _regex;

    public BodyPattern(string pattern, TimeSpan timeout)
    {
        try
        {
            _regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds and the like need backtracking; the timeout bounds it.
            _regex = new Regex(pattern, RegexOptions.CultureInvariant, timeout);
        }
    }

    /// <summary>True/false, or null when matching took longer than the timeout.</summary>
    public bool? IsMatch(string body)
    {
        try
        {
            return _regex.IsMatch(body);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}

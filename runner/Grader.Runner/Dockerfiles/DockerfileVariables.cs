using System.Text;

namespace Grader.Runner.Dockerfiles;

/// <summary>A word after variable expansion, or why it could not be expanded with certainty.</summary>
public sealed record ExpandedWord(string? Value, string? Problem)
{
    public bool Succeeded => Problem is null;
}

/// <summary>
/// The global build arguments of a Dockerfile (<c>ARG</c> before the first <c>FROM</c>) and the expansion of a word
/// with them, as the engine expands a <c>FROM</c> line: no build arguments are passed, so only defaults count.
/// </summary>
/// <remarks>
/// Only a subset of the engine's shell-word rules is followed, on purpose: <c>$NAME</c>, <c>${NAME}</c>,
/// <c>${NAME:-word}</c>, <c>${NAME:+word}</c>, and (in ARG defaults) one pair of surrounding quotes. Anything else
/// (escape characters, nested or partial quotes, other modifiers, a variable without a default) is reported as a
/// problem instead of guessed, so a caller deciding security refuses what it cannot be sure of.
/// </remarks>
public sealed class DockerfileVariables
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _problems = new(StringComparer.Ordinal);

    /// <summary>Both possible escape characters (the <c>escape</c> directive picks one): never evaluated, always a problem.</summary>
    private static bool IsEscapeOrQuote(char c) => c is '"' or '\'' or '`' or '\\';

    /// <summary>The global ARGs (before the first FROM), each default expanded with the ones before it.</summary>
    public static DockerfileVariables Global(IReadOnlyList<DockerfileInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        var variables = new DockerfileVariables();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM") break;
            if (instruction.Keyword == "ARG") variables.Declare(instruction.Arguments);
        }
        return variables;
    }

    private void Declare(string arguments)
    {
        var text = arguments.Trim();
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var name = (eq < 0 ? text : text[..eq]).Trim();
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            return; // the engine refuses such an ARG: the build fails on its own
        }
        _problems.Remove(name);
        if (eq < 0)
        {
            _values[name] = null;
            return;
        }
        var value = Unquote(text[(eq + 1)..], out var literal);
        if (value is null)
        {
            _values.Remove(name);
            _problems[name] = $"the default of build argument {name} uses quotes or escapes the grader does not evaluate";
            return;
        }
        if (literal)
        {
            _values[name] = value;
            return;
        }
        var expanded = Expand(value);
        if (expanded.Succeeded) _values[name] = expanded.Value;
        else
        {
            _values.Remove(name);
            _problems[name] = expanded.Problem!;
        }
    }

    /// <summary>A value with one pair of surrounding quotes removed; null when it holds other quotes or escape characters.</summary>
    private static string? Unquote(string value, out bool literal)
    {
        literal = false;
        if (value.Length >= 2 && value[0] == value[^1] && value[0] is '"' or '\'')
        {
            literal = value[0] == '\'';
            value = value[1..^1];
        }
        return value.Any(c => IsEscapeOrQuote(c) || char.IsWhiteSpace(c)) ? null : value;
    }

    /// <summary>Expands the variables of a word; any construct outside the supported subset is a problem.</summary>
    public ExpandedWord Expand(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var result = new StringBuilder();
        var i = 0;
        while (i < word.Length)
        {
            var c = word[i];
            if (IsEscapeOrQuote(c))
            {
                return new ExpandedWord(null, $"'{word}' uses quotes or escape characters, which the grader does not evaluate");
            }
            if (c != '$')
            {
                result.Append(c);
                i++;
                continue;
            }
            var problem = ExpandVariable(word, ref i, result);
            if (problem is not null) return new ExpandedWord(null, problem);
        }
        return new ExpandedWord(result.ToString(), null);
    }

    private string? ExpandVariable(string word, ref int i, StringBuilder result)
    {
        i++; // past '$'
        var braced = i < word.Length && word[i] == '{';
        if (braced) i++;
        var start = i;
        while (i < word.Length && (char.IsAsciiLetterOrDigit(word[i]) || word[i] == '_')) i++;
        var name = word[start..i];
        if (name.Length == 0 || char.IsAsciiDigit(name[0])) return $"'{word}' uses a '$' the grader does not evaluate";
        string? modifier = null;
        string? alternative = null;
        if (braced)
        {
            var close = word.IndexOf('}', i);
            if (close < 0) return $"'{word}' has an unterminated '${{'";
            var rest = word[i..close];
            i = close + 1;
            if (rest.Length > 0)
            {
                if (rest.Length < 2 || rest[0] != ':' || rest[1] is not ('-' or '+')) return $"'{word}' uses a variable modifier the grader does not evaluate";
                modifier = rest[..2];
                alternative = rest[2..];
                if (alternative.Any(c => c is '$' or '{' || IsEscapeOrQuote(c))) return $"'{word}' nests variables, which the grader does not evaluate";
            }
        }
        if (_problems.TryGetValue(name, out var argProblem)) return argProblem;
        _values.TryGetValue(name, out var value);
        switch (modifier)
        {
            case ":-":
                result.Append(string.IsNullOrEmpty(value) ? alternative : value);
                return null;
            case ":+":
                result.Append(string.IsNullOrEmpty(value) ? "" : alternative);
                return null;
            default:
                if (value is null)
                {
                    return _values.ContainsKey(name)
                        ? $"build argument {name} has no default value, and the grader passes no build arguments"
                        : $"{name} is not a build argument declared before the first FROM";
                }
                result.Append(value);
                return null;
        }
    }
}

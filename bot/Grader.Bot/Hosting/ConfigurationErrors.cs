using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Hosting;

/// <summary>
/// Turns a failed options validation into one line per setting, named as an operator writes it: the config file key
/// (<c>bot.webhook_secret</c>) and the environment variable (<c>Bot__WebhookSecret</c>), never a stack trace.
/// </summary>
public static partial class ConfigurationErrors
{
    [GeneratedRegex(@"members: '(?<member>[^']+)' with the error: '(?<error>.*?)'\.?$")]
    private static partial Regex DataAnnotationFailure();

    public static IReadOnlyList<string> Describe(OptionsValidationException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var section = exception.OptionsType.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        var lines = new List<string>();
        foreach (var failure in exception.Failures)
        {
            var match = DataAnnotationFailure().Match(failure);
            if (section is null || !match.Success)
            {
                lines.Add($"invalid {section ?? exception.OptionsType.Name} settings: {failure}");
                continue;
            }
            var member = match.Groups["member"].Value;
            var key = $"{section}:{member}";
            lines.Add($"{FileKey(key)}: {match.Groups["error"].Value} Set '{FileKey(key)}' in the config file or the environment variable {EnvironmentVariable(key)}.");
        }
        return lines;
    }

    /// <summary>Whether <paramref name="exception"/> says the config file itself is missing, unreadable or invalid (its message is located).</summary>
    public static bool IsConfigFileError(Exception exception) =>
        exception is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or YamlDotNet.Core.YamlException;

    /// <summary><c>Bot:WebhookSecret</c> as the config file spells it: <c>bot.webhook_secret</c>.</summary>
    public static string FileKey(string configurationKey)
    {
        ArgumentNullException.ThrowIfNull(configurationKey);
        var parts = configurationKey.Split(':');
        // The file's sections are short names for configuration prefixes (YamlSettings): Grader:Runner is runner.
        var skip = parts.Length > 2 && parts[0] == "Grader" ? 1 : 0;
        return string.Join('.', parts.Skip(skip).Select(Snake));
    }

    /// <summary><c>Bot:WebhookSecret</c> as an environment variable: <c>Bot__WebhookSecret</c>.</summary>
    public static string EnvironmentVariable(string configurationKey)
    {
        ArgumentNullException.ThrowIfNull(configurationKey);
        return configurationKey.Replace(":", "__", StringComparison.Ordinal);
    }

    private static string Snake(string pascal)
    {
        if (pascal == "GitHub") return "github";
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1])))) builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}

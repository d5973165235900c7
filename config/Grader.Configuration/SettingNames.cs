using System.Text;

namespace Grader.Configuration;

/// <summary>
/// The one naming rule of Grader's settings. Every setting is a configuration key below the <c>Grader</c> prefix
/// (<c>Grader:Bot:WebhookSecret</c>); the config file spells it without the prefix, snake_case, one YAML level per
/// segment (<c>bot: { webhook_secret: ... }</c>, written <c>bot.webhook_secret</c> in messages and <c>--set</c>); the
/// environment spells it with <c>__</c> for <c>:</c> (<c>Grader__Bot__WebhookSecret</c>, .NET's standard mapping).
/// </summary>
public static class SettingNames
{
    /// <summary>The prefix of every section: each options class's <c>SectionName</c> starts with it.</summary>
    public const string Prefix = "Grader";

    /// <summary><c>bot.webhook_secret</c> (the config file's spelling) to <c>Grader:Bot:WebhookSecret</c>.</summary>
    public static string ConfigurationKey(string fileKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileKey);
        return Prefix + ":" + string.Join(':', fileKey.Split('.').Select(Pascal));
    }

    /// <summary><c>Grader:Bot:WebhookSecret</c> as the config file spells it: <c>bot.webhook_secret</c>.</summary>
    public static string FileKey(string configurationKey)
    {
        ArgumentNullException.ThrowIfNull(configurationKey);
        var parts = configurationKey.Split(':');
        var skip = parts.Length > 1 && string.Equals(parts[0], Prefix, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        return string.Join('.', parts.Skip(skip).Select(Snake));
    }

    /// <summary><c>Grader:Bot:WebhookSecret</c> as an environment variable: <c>Grader__Bot__WebhookSecret</c>.</summary>
    public static string EnvironmentVariable(string configurationKey)
    {
        ArgumentNullException.ThrowIfNull(configurationKey);
        return configurationKey.Replace(":", "__", StringComparison.Ordinal);
    }

    /// <summary><c>webhook_secret</c> to <c>WebhookSecret</c>; a list index stays as it is; <c>github</c> is <c>GitHub</c>.</summary>
    public static string Pascal(string snake)
    {
        ArgumentNullException.ThrowIfNull(snake);
        if (snake == "github") return "GitHub";
        var builder = new StringBuilder(snake.Length);
        var upper = true;
        foreach (var c in snake)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }

    /// <summary><c>WebhookSecret</c> to <c>webhook_secret</c>; <c>GitHub</c> is one word (<c>github</c>), as the file writes it.</summary>
    public static string Snake(string pascal)
    {
        ArgumentNullException.ThrowIfNull(pascal);
        if (string.Equals(pascal, "GitHub", StringComparison.OrdinalIgnoreCase)) return "github";
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

using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Grader.Bot.Hosting;

/// <summary>
/// Turns the bot config file's settings sections (snake_case YAML) into configuration keys: <c>bot:</c> to
/// <c>Bot:*</c>, <c>github:</c> to <c>GitHub:*</c>, <c>runner:</c> to <c>Grader:Runner:*</c>, <c>docker:</c> to
/// <c>Grader:Docker:*</c>. The <c>rubrics</c> and <c>repositories</c> sections are the course mapping, read by
/// <see cref="Configuration.CourseConfigurationLoader"/>.
/// </summary>
public static class YamlSettings
{
    private static readonly Dictionary<string, string> Sections = new(StringComparer.Ordinal)
    {
        ["bot"] = "Bot",
        ["github"] = "GitHub",
        ["runner"] = "Grader:Runner",
        ["docker"] = "Grader:Docker",
        ["sandbox"] = "Grader:Sandbox",
    };

    public static Dictionary<string, string?> Flatten(string yaml)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return settings;
        }

        foreach (var (key, value) in root.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && Sections.TryGetValue(name, out var prefix))
            {
                Add(settings, prefix, value);
            }
        }

        return settings;
    }

    private static void Add(Dictionary<string, string?> settings, string path, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                settings[path] = scalar.Value;
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Add(settings, path + ":" + i.ToString(CultureInfo.InvariantCulture), sequence.Children[i]);
                }

                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    Add(settings, path + ":" + Pascal(((YamlScalarNode)key).Value ?? ""), value);
                }

                break;
        }
    }

    /// <summary><c>webhook_secret</c> to <c>WebhookSecret</c>.</summary>
    public static string Pascal(string snake)
    {
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
}

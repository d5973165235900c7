using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Grader.Configuration;

/// <summary>
/// Turns a config file's settings into configuration keys with one rule for every section (<see cref="SettingNames"/>):
/// a top-level key is a section below <c>Grader</c> and every key below it a PascalCase segment, list entries indexed:
/// <c>bot: { webhook_secret: s }</c> is <c>Grader:Bot:WebhookSecret</c>, <c>bot: { queues: [cpu] }</c> is
/// <c>Grader:Bot:Queues:0</c>. The course mapping's keys (<c>rubrics</c>, <c>repositories</c>) are left to
/// the course configuration loader (bot). A key that names no setting of any options class is an error at its line,
/// never silently dropped.
/// </summary>
public static class YamlSettings
{
    /// <summary>The course mapping's top-level keys: read by the bot's course configuration loader, not settings.</summary>
    public static readonly IReadOnlyList<string> CourseKeys = ["rubrics", "repositories"];

    public static Dictionary<string, string?> Flatten(string yaml, string source)
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
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (CourseKeys.Contains(name)) continue;
            if (!GraderSections.FileSections.Contains(name, StringComparer.Ordinal))
            {
                throw Unknown(source, key, $"'{name}' is not a section of the config file: its sections are {string.Join(", ", GraderSections.FileSections)}, and {string.Join(" and ", CourseKeys)} for the course mapping");
            }
            Add(settings, SettingNames.ConfigurationKey(name), key, value, source);
        }

        return settings;
    }

    /// <param name="at">Where the key (or list entry) is written, for the error.</param>
    private static void Add(Dictionary<string, string?> settings, string path, YamlNode at, YamlNode node, string source)
    {
        if (!GraderSections.IsSetting(path))
        {
            throw Unknown(source, at, $"'{SettingNames.FileKey(path)}' is not a setting of Grader (misspelt? `grader config check` lists every setting)");
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                settings[path] = scalar.Value;
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Add(settings, path + ":" + i.ToString(CultureInfo.InvariantCulture), sequence.Children[i], sequence.Children[i], source);
                }

                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    Add(settings, path + ":" + SettingNames.Pascal((key as YamlScalarNode)?.Value ?? ""), key, value, source);
                }

                break;
        }
    }

    private static InvalidDataException Unknown(string source, YamlNode node, string reason) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{source}:{node.Start.Line}:{node.Start.Column}: {reason}."));
}

using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Grader.Bot.Configuration;

/// <summary>Reads the bot config file and <c>.grader.yml</c> files (snake_case YAML).</summary>
public static class CourseConfigurationLoader
{
    // The bot config file also holds the settings sections (bot, github, runner): those are read by YamlSettings.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    /// <summary>Loads the bot config; relative rubric and hidden-test paths resolve against the file's folder.</summary>
    public static CourseConfiguration Load(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var config = Parse(File.ReadAllText(path), path);
        foreach (var rubric in config.Rubrics.Values)
        {
            rubric.Rubric = Path.GetFullPath(rubric.Rubric, directory);
            if (rubric.HiddenTests is not null)
            {
                rubric.HiddenTests = Path.GetFullPath(rubric.HiddenTests, directory);
            }
        }

        return config;
    }

    public static CourseConfiguration Parse(string yaml, string source)
    {
        CourseConfiguration config;
        try
        {
            config = Deserializer.Deserialize<CourseConfiguration?>(yaml) ?? new CourseConfiguration();
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }

        foreach (var rule in config.Repositories)
        {
            if (!config.Rubrics.ContainsKey(rule.Rubric))
            {
                throw new InvalidDataException($"{source}: repository pattern '{rule.Pattern}' names rubric '{rule.Rubric}', which is not listed under rubrics.");
            }
        }

        foreach (var (name, rubric) in config.Rubrics)
        {
            if (rubric.Queue is not null and not JobQueues.Cpu and not JobQueues.Gpu)
            {
                throw new InvalidDataException($"{source}: rubric '{name}' has queue '{rubric.Queue}'; use cpu or gpu.");
            }
        }

        return config;
    }

    /// <summary>Parses a repository's <c>.grader.yml</c>; null when it is not valid YAML of that shape.</summary>
    public static RepositoryGraderFile? ParseRepositoryFile(string yaml)
    {
        try
        {
            return Deserializer.Deserialize<RepositoryGraderFile?>(yaml) ?? new RepositoryGraderFile();
        }
        catch (YamlException)
        {
            return null;
        }
    }
}

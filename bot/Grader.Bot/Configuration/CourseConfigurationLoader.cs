using Grader.Configuration;
using Grader.Rubrics.Model;
using Grader.Runner.Documents;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Grader.Bot.Configuration;

/// <summary>Reads the bot config file and <c>.grader.yml</c> files (snake_case YAML).</summary>
public static class CourseConfigurationLoader
{
    // Strict: a misspelt key (e.g. `hiden_tests`) is an error at its line, never silently dropped.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithTypeConverter(new DeadlineExtensionConverter())
        .WithTypeConverter(new SubmissionLimitConverter())
        .Build();

    /// <summary>
    /// The config file's keys for the course mapping; every other top-level key is a settings section
    /// (<see cref="YamlSettings"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> CourseKeys = YamlSettings.CourseKeys;

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
            var file = Deserializer.Deserialize<BotConfigFile?>(new TopLevelKeysParser(new Parser(new StringReader(yaml)), CourseKeys)) ?? new BotConfigFile();
            config = new CourseConfiguration { Rubrics = file.Rubrics, Repositories = file.Repositories };
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException(LearnerYaml.FromYamlException(ex).In(source), ex);
        }

        foreach (var rule in config.Repositories)
        {
            if (!config.Rubrics.ContainsKey(rule.Rubric))
            {
                throw new InvalidDataException($"{source}: repository pattern '{rule.Pattern}' names rubric '{rule.Rubric}', which is not listed under rubrics.");
            }
        }

        if (config.OverrideProblem() is { } problem)
        {
            throw new InvalidDataException($"{source}: {problem}");
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

    /// <summary>The course mapping of the bot config file (its settings sections are <see cref="YamlSettings"/>'s).</summary>
    private sealed class BotConfigFile
    {
        public Dictionary<string, CourseRubric> Rubrics { get; set; } = new(StringComparer.Ordinal);
        public List<RepositoryRule> Repositories { get; set; } = [];
    }

    /// <summary>
    /// A <c>.grader.yml</c> is a handful of keys; learners control it, so anything larger or deeper is refused
    /// before the deserializer (which recurses per nesting level) sees it.
    /// </summary>
    public static readonly YamlBounds RepositoryFileBounds = new(MaxChars: 16 * 1024, MaxDepth: 4, MaxNodes: 64);

    /// <summary>Parses a repository's <c>.grader.yml</c>; null when it is not valid YAML of that shape.</summary>
    public static RepositoryGraderFile? ParseRepositoryFile(string yaml) => ParseRepositoryFile(yaml, out _);

    /// <summary>
    /// Parses a repository's <c>.grader.yml</c>; null when it is not valid YAML of that shape or passes
    /// <see cref="RepositoryFileBounds"/>, with <paramref name="error"/> saying why at <c>.grader.yml:line:column</c>.
    /// </summary>
    public static RepositoryGraderFile? ParseRepositoryFile(string yaml, out string? error)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        error = null;
        try
        {
            LearnerYaml.Check(yaml, RepositoryFileBounds);
            return Deserializer.Deserialize<RepositoryGraderFile?>(yaml) ?? new RepositoryGraderFile();
        }
        catch (LearnerFileException ex)
        {
            error = ex.In(RepositoryFileName);
            return null;
        }
        catch (YamlException ex)
        {
            error = LearnerYaml.FromYamlException(ex).In(RepositoryFileName);
            return null;
        }
    }

    private const string RepositoryFileName = ".grader.yml";

    /// <summary>Reads an extension scalar (<c>2d</c>, <c>2026-12-20T23:59+01:00</c>); a bad one is an error at its line and column.</summary>
    private sealed class DeadlineExtensionConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(DeadlineExtension);

        public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
        {
            var scalar = parser.Consume<YamlDotNet.Core.Events.Scalar>();
            return DeadlineExtension.TryParse(scalar.Value, out var extension)
                ? extension
                : throw new YamlException(scalar.Start, scalar.End, $"extension '{scalar.Value}' is not {DeadlineExtension.Syntax}");
        }

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) => throw new NotSupportedException();
    }

    /// <summary>
    /// Reads <c>submission_limit: { gradings: 3, per: 24h }</c>: both keys required, a positive count and a positive
    /// duration; anything else is an error at its line and column.
    /// </summary>
    private sealed class SubmissionLimitConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(SubmissionLimit);

        public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
        {
            var start = parser.Current!;
            if (!parser.TryConsume<YamlDotNet.Core.Events.MappingStart>(out _))
            {
                throw new YamlException(start.Start, start.End, "submission_limit is a mapping: { gradings: 3, per: 24h }");
            }

            int? gradings = null;
            TimeSpan? per = null;
            while (!parser.TryConsume<YamlDotNet.Core.Events.MappingEnd>(out _))
            {
                var key = parser.Consume<YamlDotNet.Core.Events.Scalar>();
                var at = parser.Current!;
                if (!parser.TryConsume<YamlDotNet.Core.Events.Scalar>(out var value))
                {
                    throw new YamlException(at.Start, at.End, $"submission_limit.{key.Value} must be a single value");
                }

                switch (key.Value)
                {
                    case "gradings":
                        gradings = int.TryParse(value.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0
                            ? count
                            : throw new YamlException(value.Start, value.End, $"submission_limit.gradings '{value.Value}' is not a positive whole number");
                        break;
                    case "per":
                        per = DurationText.TryParse(value.Value, out var duration) && duration > TimeSpan.Zero
                            ? duration
                            : throw new YamlException(value.Start, value.End, $"submission_limit.per '{value.Value}' is not a positive duration (e.g. 30m, 24h, 7d)");
                        break;
                    default:
                        throw new YamlException(key.Start, key.End, $"submission_limit has no key '{key.Value}'; use gradings and per");
                }
            }

            return gradings is { } n && per is { } window
                ? new SubmissionLimit(n, window)
                : throw new YamlException(start.Start, start.End, "submission_limit needs both gradings and per, e.g. { gradings: 3, per: 24h }");
        }

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) => throw new NotSupportedException();
    }
}

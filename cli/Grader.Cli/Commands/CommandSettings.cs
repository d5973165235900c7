using System.CommandLine;
using Grader.Configuration;

namespace Grader.Cli.Commands;

/// <summary>
/// The options every command that reads settings shares (<see cref="GraderConfiguration"/>: defaults, then the config
/// file, then environment variables, then the command line): <c>--config FILE</c> and <c>--set KEY=VALUE</c>.
/// </summary>
public static class CommandSettings
{
    public static Option<FileInfo?> ConfigFile(string description = "A config file (config/grader.example.yaml); its settings apply below environment variables and flags.") =>
        new("--config") { Description = description };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "A setting as the config file spells it, e.g. runner.reuse_images=false or gpu.enabled=false; wins over the file and the environment. Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary><c>--set</c>'s values as configuration keys, or the usage error naming the one that is not a setting.</summary>
    public static bool TryParse(IEnumerable<string>? assignments, out Dictionary<string, string?> settings, out string? error)
    {
        settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        error = null;
        foreach (var assignment in assignments ?? [])
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var fileKey = equals > 0 ? assignment[..equals].Trim() : "";
            if (fileKey.Length == 0 || fileKey.Contains(':', StringComparison.Ordinal))
            {
                error = $"--set {assignment}: write KEY=VALUE with the key as the config file spells it, e.g. runner.reuse_images=false";
                return false;
            }
            var key = SettingNames.ConfigurationKey(fileKey);
            if (!GraderSections.IsSetting(key))
            {
                error = $"--set {assignment}: '{fileKey}' is not a setting of Grader (`grader config check` lists every setting)";
                return false;
            }
            settings[key] = assignment[(equals + 1)..];
        }
        return true;
    }
}

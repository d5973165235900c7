using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grader.Configuration;

/// <summary>
/// Turns a failed options validation into one line per setting, named as an operator writes it: the config file key
/// (<c>bot.webhook_secret</c>) and the environment variable (<c>Grader__Bot__WebhookSecret</c>), never a stack trace.
/// </summary>
public static partial class ConfigurationErrors
{
    [GeneratedRegex(@"members: '(?<member>[^']+)' with the error: '(?<error>.*?)'\.?$")]
    private static partial Regex DataAnnotationFailure();

    // Microsoft.Extensions.Configuration.Binder's message for a value of the wrong type.
    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    public static IReadOnlyList<string> Describe(OptionsValidationException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var section = GraderSections.SectionNameOf(exception.OptionsType);
        var lines = new List<string>();
        foreach (var failure in exception.Failures)
        {
            var match = DataAnnotationFailure().Match(failure);
            if (section is null || !match.Success)
            {
                lines.Add($"invalid {(section is null ? exception.OptionsType.Name : SettingNames.FileKey(section))} settings: {failure}");
                continue;
            }
            var key = $"{section}:{match.Groups["member"].Value}";
            lines.Add($"{SettingNames.FileKey(key)}: {match.Groups["error"].Value} {WhereToSet(key)}");
        }
        return lines;
    }

    /// <summary>
    /// The line for a setting whose value does not convert to its type (<c>worker_count: many</c>), which binding reports
    /// as an <see cref="InvalidOperationException"/>; null for any other exception.
    /// </summary>
    public static string? DescribeConversion(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var match = exception is InvalidOperationException ? ConversionFailure().Match(exception.Message) : Match.Empty;
        if (!match.Success) return null;
        var key = match.Groups["key"].Value;
        var type = match.Groups["type"].Value;
        return $"{SettingNames.FileKey(key)}: '{match.Groups["value"].Value}' is not a valid {type[(type.LastIndexOf('.') + 1)..]}. {WhereToSet(key)}";
    }

    /// <summary>
    /// Validates what <paramref name="provider"/> validates on start (<c>ValidateOnStart</c>), as a host does when it
    /// starts: one line per invalid setting, none when all are valid.
    /// </summary>
    public static IReadOnlyList<string> ValidateOnStart(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (Exception ex) when (Describe(ex) is { Count: > 0 } lines)
        {
            return lines;
        }
    }

    /// <summary>The lines for an exception of options validation or binding (several, aggregated, included); empty for any other.</summary>
    public static IReadOnlyList<string> Describe(Exception exception) => exception switch
    {
        OptionsValidationException invalid => Describe(invalid),
        AggregateException all when all.InnerExceptions.All(e => Describe(e).Count > 0) => [.. all.InnerExceptions.SelectMany(Describe).Distinct(StringComparer.Ordinal)],
        _ when DescribeConversion(exception) is { } line => [line],
        _ => [],
    };

    /// <summary>Whether <paramref name="exception"/> says the config file itself (or a renamed environment variable) is wrong; its message is located.</summary>
    public static bool IsConfigFileError(Exception exception) =>
        exception is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or YamlDotNet.Core.YamlException;

    private static string WhereToSet(string key) =>
        $"Set '{SettingNames.FileKey(key)}' in the config file or the environment variable {SettingNames.EnvironmentVariable(key)}.";
}

using Grader.Rubrics.Model;

namespace Grader.Evidence.Rosters;

/// <summary>
/// A learner's deadline extensions as the roster's <c>extensions</c> column writes them:
/// <c>MOD-101=2d; MOD-523=2026-12-20T23:59+01:00; *=1d</c>, a module id (any case) or <c>*</c> (every module) each with
/// an extension as <see cref="DeadlineExtension.TryParse"/> reads it. A module's own entry wins over <c>*</c>.
/// </summary>
public sealed class ModuleExtensions : IEquatable<ModuleExtensions>
{
    /// <summary>The key that applies to every module without an entry of its own (a standing accommodation).</summary>
    public const string EveryModule = "*";

    private readonly Dictionary<string, DeadlineExtension> _byModule;

    private ModuleExtensions(Dictionary<string, DeadlineExtension> byModule) => _byModule = byModule;

    public IReadOnlyDictionary<string, DeadlineExtension> ByModule => _byModule;

    /// <summary>The learner's extension for <paramref name="moduleId"/>, or null.</summary>
    public DeadlineExtension? For(string moduleId) =>
        _byModule.GetValueOrDefault(moduleId) ?? _byModule.GetValueOrDefault(EveryModule);

    /// <summary>Reads a cell; <paramref name="problem"/> completes "extensions ..." for a located error.</summary>
    public static bool TryParse(string text, out ModuleExtensions? extensions, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        extensions = null;
        problem = null;
        var byModule = new Dictionary<string, DeadlineExtension>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var module = equals < 0 ? "" : part[..equals].Trim();
            if (module.Length == 0)
            {
                problem = $"'{Shorten(part)}' is not MODULE=EXTENSION (e.g. 'MOD-101=2d; *=1d', '*' for every module)";
                return false;
            }

            var value = part[(equals + 1)..].Trim();
            if (!DeadlineExtension.TryParse(value, out var extension))
            {
                problem = $"for {Shorten(module)}: '{Shorten(value)}' is not {DeadlineExtension.Syntax}";
                return false;
            }

            if (!byModule.TryAdd(module, extension))
            {
                problem = $"name module {Shorten(module)} twice";
                return false;
            }
        }

        extensions = new ModuleExtensions(byModule);
        return true;
    }

    /// <summary>The cell as <see cref="TryParse"/> reads it back, modules in order: how the roster table keeps it.</summary>
    public override string ToString() =>
        string.Join("; ", _byModule.OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase).Select(e => $"{e.Key}={e.Value}"));

    // Equal when they grant the same extensions (module ids in any case), so roster entries compare as values.
    public bool Equals(ModuleExtensions? other) =>
        other is not null && string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as ModuleExtensions);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

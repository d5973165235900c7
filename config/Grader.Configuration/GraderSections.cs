using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grader.Configuration;

/// <summary>
/// Every configuration section of Grader: one per options class, found by its <c>SectionName</c> constant in Grader's
/// assemblies rather than listed by hand, so a new options class is a section of the config file (and of
/// <c>grader config check</c>) as soon as it has one. The settings of a section are its class's writable properties.
/// </summary>
public static class GraderSections
{
    /// <summary>Grader's assemblies that hold options classes (a test fails when an options class lives anywhere else).</summary>
    public static readonly IReadOnlyList<string> AssemblyNames = ["Grader.Runner", "Grader.GitHub", "Grader.Evidence", "Grader.Bot"];

    /// <summary>
    /// Those of <see cref="AssemblyNames"/> this command ships: the lean <c>grader</c> has no bot, so the bot's sections
    /// are not settings of it (a config file naming them is refused there, as any unknown section is).
    /// </summary>
    public static IReadOnlyList<Assembly> Assemblies { get; } = Load();

    private static List<Assembly> Load()
    {
        var found = new List<Assembly>();
        foreach (var name in AssemblyNames)
        {
            try
            {
                found.Add(Assembly.Load(new AssemblyName(name)));
            }
            catch (FileNotFoundException)
            {
                // Not part of this command.
            }
        }
        return found;
    }

    /// <summary>Section name (<c>Grader:Runner</c>, nested ones such as <c>Grader:Bot:Retry</c> included) to its options class.</summary>
    public static IReadOnlyDictionary<string, Type> Types { get; } = Find();

    /// <summary>The config file's top-level keys for settings: <c>bot</c>, <c>github</c>, <c>runner</c>, ...</summary>
    public static IReadOnlyList<string> FileSections { get; } =
        [.. Types.Keys.Select(s => SettingNames.FileKey(s).Split('.')[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The <c>SectionName</c> constant of <paramref name="type"/>, or null.</summary>
    public static string? SectionNameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field ? field.GetRawConstantValue() as string : null;
    }

    /// <summary>
    /// The options classes <paramref name="services"/> binds from configuration (<c>Bind</c> and <c>Configure</c> register a
    /// change token source per class), in section order: what a composed command actually reads.
    /// </summary>
    public static IReadOnlyList<Type> Bound(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return [.. services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .OrderBy(t => SectionNameOf(t) ?? t.FullName, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Whether <paramref name="configurationKey"/> names a section or a setting (a list entry included) of an options class.</summary>
    public static bool IsSetting(string configurationKey)
    {
        ArgumentNullException.ThrowIfNull(configurationKey);
        var section = Types.Keys
            .Where(s => configurationKey.Equals(s, StringComparison.OrdinalIgnoreCase) || configurationKey.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))
            .MaxBy(s => s.Length);
        if (section is null) return false;
        var path = configurationKey.Length == section.Length ? [] : configurationKey[(section.Length + 1)..].Split(':');
        return Resolves(Types[section], path, 0);
    }

    /// <summary>The settings <paramref name="options"/> holds, as configuration keys below <paramref name="section"/> with their values in the file's text.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Values(string section, object options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var property in Settable(options.GetType()))
        {
            foreach (var value in ValuesOf(section + ":" + property.Name, property.GetValue(options)))
            {
                yield return value;
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, string?>> ValuesOf(string key, object? value)
    {
        if (value is null || IsScalar(value.GetType()))
        {
            return [new(key, Text(value))];
        }
        if (value is IEnumerable items)
        {
            var list = items.Cast<object?>().ToList();
            return list.Count == 0 ? [new(key, "[]")] : list.SelectMany((item, i) => ValuesOf(key + ":" + i.ToString(CultureInfo.InvariantCulture), item));
        }
        return Values(key, value);
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool Resolves(Type type, string[] path, int at)
    {
        if (at == path.Length) return true;
        if (IsScalar(type)) return false;
        if (ElementType(type) is { } element)
        {
            return int.TryParse(path[at], NumberStyles.None, CultureInfo.InvariantCulture, out _) && Resolves(element, path, at + 1);
        }
        var property = Settable(type).FirstOrDefault(p => p.Name.Equals(path[at], StringComparison.OrdinalIgnoreCase));
        return property is not null && Resolves(property.PropertyType, path, at + 1);
    }

    /// <summary>What configuration binding sets: public properties with a public setter (or init).</summary>
    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri)
            || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(Guid);
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    private static Dictionary<string, Type> Find()
    {
        var types = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in Assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsClass))
        {
            if (SectionNameOf(type) is { } section && section.StartsWith(SettingNames.Prefix + ":", StringComparison.Ordinal))
            {
                types.Add(section, type);
            }
        }
        return types;
    }
}

using System.Reflection;
using System.Text.RegularExpressions;

namespace Grader.Evidence.Database;

/// <summary>One versioned schema change of a component, in the SQL of one dialect.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// A component's migrations for one dialect, read from embedded resources named
/// <c>{prefix}.{sqlite|postgres}.{NNNN}_{name}.sql</c>: the same numbered steps exist for every dialect.
/// </summary>
public sealed partial record MigrationSet(string Component, IReadOnlyList<Migration> Migrations)
{
    public int LatestVersion => Migrations.Count == 0 ? 0 : Migrations.Max(m => m.Version);

    public static MigrationSet FromResources(string component, Assembly assembly, string resourcePrefix, DatabaseDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var folder = $"{resourcePrefix}.{(dialect == DatabaseDialect.Sqlite ? "sqlite" : "postgres")}.";
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(folder, StringComparison.Ordinal)))
        {
            var match = ResourceName().Match(name[folder.Length..]);
            if (!match.Success) throw new InvalidOperationException($"Migration resource '{name}' is not named NNNN_name.sql.");
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Version != i + 1) throw new InvalidOperationException($"The {component} migrations for {dialect} are not numbered 1..n without gaps.");
        }
        return new MigrationSet(component, ordered);
    }

    [GeneratedRegex(@"^(\d{4})_([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();
}

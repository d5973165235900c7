using System.Text;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Baselines;

/// <summary>Where baselines are kept (options pattern: section "Grader:Baselines").</summary>
public sealed class BaselineStoreOptions
{
    public const string SectionName = "Grader:Baselines";

    /// <summary>The runner's state folder; baselines live under <c>baselines/</c> in it.</summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "grader-state");
}

/// <summary>
/// Baselines as JSON files: <c>{state}/baselines/{repository}/{module}/{criterion}.json</c>, each name
/// reduced to safe characters so a repository or criterion id can never name a path outside the folder.
/// </summary>
public sealed class FileBaselineStore(IOptions<BaselineStoreOptions> options) : IBaselineStore
{
    private readonly string _root = Path.Combine(Path.GetFullPath(options.Value.StateDirectory), "baselines");

    public async Task<BaselineFile?> LoadAsync(BaselineKey key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        if (!File.Exists(path)) return null;
        return await BaselineFile.ReadAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public Task SaveAsync(BaselineKey key, BaselineFile baseline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        return baseline.WriteAsync(PathFor(key), cancellationToken);
    }

    internal string PathFor(BaselineKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Path.Combine(_root, SafeName(key.Repository), SafeName(key.ModuleId), SafeName(key.CriterionId) + ".json");
    }

    /// <summary>Letters, digits, '-', '_' and '.' kept; anything else (slashes included) becomes '_'; never "." or "..".</summary>
    private static string SafeName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name) builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        var safe = builder.ToString().Trim('.');
        return safe.Length == 0 ? "_" : safe;
    }
}

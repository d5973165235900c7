using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>What a file contributes once its own <c>extends</c> and <c>include</c> are resolved.</summary>
internal sealed class ComposedRubric
{
    public List<CompetencyDecl> Competencies { get; } = [];
    public List<CriterionDecl> Criteria { get; } = [];
    public double? PassMark { get; set; }
    public (double Value, SourceLocation Location)? TotalPoints { get; set; }
    public List<Setting<ReviewPolicy>> Review { get; } = [];
    public bool HasService { get; set; }
    public List<Setting<ServiceSpec>> Service { get; } = [];
    public List<Setting<SandboxLimits>> Limits { get; } = [];

    /// <summary>The deadline block of the nearest file that writes one (a block replaces the base's whole block).</summary>
    public bool HasDeadline { get; set; }
    public Deadline? Deadline { get; set; }

    /// <summary>The leaderboard block of the nearest file that writes one (replaced whole, like 'deadline').</summary>
    public bool HasLeaderboard { get; set; }
    public LeaderboardDecl? Leaderboard { get; set; }
    public List<string> SourceFiles { get; } = [];

    /// <summary>Whether any file of the assembly wrote 'criteria' or 'competencies' (so an empty result is already explained by other errors).</summary>
    public bool WritesCriteria { get; set; }
    public bool WritesCompetencies { get; set; }
}

/// <summary>
/// Resolves <c>extends</c> and <c>include</c> (FORMAT.md, "Reuse"): reads each file once, detects cycles at the
/// entry that closes them, and merges bases and fragments.
/// </summary>
internal sealed class RubricComposer(DiagnosticBag bag, Func<string, CancellationToken, ValueTask<string>> readFile)
{
    private readonly Dictionary<string, RubricLayer> _layers = new(StringComparer.Ordinal);
    private readonly List<string> _stack = [];

    public async ValueTask<(RubricLayer Root, ComposedRubric Composed)> ComposeAsync(string displayPath, string text, CancellationToken ct)
    {
        var fullPath = Path.GetFullPath(displayPath);
        var root = ParseLayer(displayPath, fullPath, text);
        var assembly = await ResolveAsync(root, asInclude: false, ct).ConfigureAwait(false);
        return (root, assembly);
    }

    private RubricLayer ParseLayer(string displayPath, string fullPath, string text)
    {
        var layer = RubricFileParser.Parse(new FileScope(displayPath, fullPath, bag), text);
        _layers[fullPath] = layer;
        return layer;
    }

    private async ValueTask<ComposedRubric> ResolveAsync(RubricLayer layer, bool asInclude, CancellationToken ct)
    {
        _stack.Add(layer.FullPath);
        try
        {
            var result = new ComposedRubric();
            if (layer.Extends is { } extendsRef && await ReferencedAsync(layer, extendsRef, ct).ConfigureAwait(false) is { } baseLayer)
            {
                var baseAssembly = await ResolveAsync(baseLayer, asInclude: false, ct).ConfigureAwait(false);
                MergeInto(result, baseAssembly);
            }
            if (asInclude)
            {
                foreach (var (key, location) in layer.SettingKeys)
                    bag.Add(location, $"'{key}' has no effect in an included fragment: include adds only competencies and criteria (settings come from the rubric itself or its 'extends' base)");
            }

            var own = new ComposedRubric
            {
                PassMark = layer.PassMark,
                TotalPoints = layer.TotalPoints,
                HasService = layer.HasService,
                HasDeadline = layer.HasDeadline && !asInclude,
                Deadline = asInclude ? null : layer.Deadline,
                HasLeaderboard = layer.HasLeaderboard && !asInclude,
                Leaderboard = asInclude ? null : layer.Leaderboard,
                WritesCriteria = layer.HasCriteriaKey || layer.Includes.Count > 0,
                WritesCompetencies = layer.HasCompetenciesKey || layer.Includes.Count > 0,
            };
            own.Review.AddRange(layer.Review);
            own.Service.AddRange(layer.Service);
            own.Limits.AddRange(layer.Limits);
            own.SourceFiles.Add(layer.DisplayPath);
            AddDeclared(own, layer.Competencies, layer.Criteria);

            foreach (var includeRef in layer.Includes)
            {
                if (await ReferencedAsync(layer, includeRef, ct).ConfigureAwait(false) is not { } fragment) continue;
                if (fragment.HasModule)
                {
                    bag.Add(includeRef.Location, $"'{includeRef.Path}' has a 'module', so it is a full rubric, not a fragment; include takes fragments only (use 'extends' to build on a full rubric)");
                    continue;
                }
                var fragmentAssembly = await ResolveAsync(fragment, asInclude: true, ct).ConfigureAwait(false);
                AddDeclared(own, fragmentAssembly.Competencies, fragmentAssembly.Criteria);
                foreach (var source in fragmentAssembly.SourceFiles.Where(s => !own.SourceFiles.Contains(s))) own.SourceFiles.Add(source);
            }

            MergeInto(result, own);
            // The file itself first, then what it builds on.
            result.SourceFiles.Remove(layer.DisplayPath);
            result.SourceFiles.Insert(0, layer.DisplayPath);
            return result;
        }
        finally
        {
            _stack.RemoveAt(_stack.Count - 1);
        }
    }

    /// <summary>Adds one file's declarations plus its fragments', where an id may appear only once.</summary>
    private void AddDeclared(ComposedRubric target, IEnumerable<CompetencyDecl> competencies, IEnumerable<CriterionDecl> criteria)
    {
        foreach (var competency in competencies)
        {
            var existing = target.Competencies.FirstOrDefault(c => c.Competency.Id == competency.Competency.Id);
            if (existing is null) target.Competencies.Add(competency);
            else if (existing.Location != competency.Location && existing.Competency != competency.Competency)
                bag.Add(competency.Location, $"competency '{competency.Competency.Id}' is declared differently at {Where.Of(existing.Location, competency.Location)}; declare it once (or identically)");
        }
        foreach (var criterion in criteria)
        {
            var existing = target.Criteria.FirstOrDefault(c => c.Id == criterion.Id);
            if (existing is null) target.Criteria.Add(criterion);
            // The same fragment reached along two include paths is the same criterion, not a duplicate.
            else if (existing.Location != criterion.Location)
                bag.Add(criterion.Location, $"duplicate criterion id '{criterion.Id}' (first defined at {Where.Of(existing.Location, criterion.Location)})");
        }
    }

    /// <summary>Layers <paramref name="layerOver"/> over <paramref name="target"/>: its settings override, same-id competencies and criteria replace.</summary>
    private static void MergeInto(ComposedRubric target, ComposedRubric layerOver)
    {
        foreach (var competency in layerOver.Competencies)
        {
            var index = target.Competencies.FindIndex(c => c.Competency.Id == competency.Competency.Id);
            if (index >= 0) target.Competencies[index] = competency;
            else target.Competencies.Add(competency);
        }
        foreach (var criterion in layerOver.Criteria)
        {
            var index = target.Criteria.FindIndex(c => c.Id == criterion.Id);
            if (index >= 0) target.Criteria[index] = criterion;
            else target.Criteria.Add(criterion);
        }
        if (layerOver.PassMark is { } passMark) target.PassMark = passMark;
        if (layerOver.TotalPoints is { } total) target.TotalPoints = total;
        target.Review.AddRange(layerOver.Review);
        target.HasService |= layerOver.HasService;
        if (layerOver.HasDeadline)
        {
            // Mixing a base's due date with this file's close would make a schedule nobody wrote: the block goes whole.
            target.HasDeadline = true;
            target.Deadline = layerOver.Deadline;
        }
        if (layerOver.HasLeaderboard)
        {
            target.HasLeaderboard = true;
            target.Leaderboard = layerOver.Leaderboard;
        }
        target.WritesCriteria |= layerOver.WritesCriteria;
        target.WritesCompetencies |= layerOver.WritesCompetencies;
        target.Service.AddRange(layerOver.Service);
        target.Limits.AddRange(layerOver.Limits);
        foreach (var source in layerOver.SourceFiles.Where(s => !target.SourceFiles.Contains(s))) target.SourceFiles.Add(source);
    }

    /// <summary>Reads the file an extends/include entry names, or reports why it cannot be used.</summary>
    private async ValueTask<RubricLayer?> ReferencedAsync(RubricLayer from, FileReference reference, CancellationToken ct)
    {
        var displayPath = RubricPaths.Combine(from.DisplayPath, reference.Path);
        var fullPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(from.FullPath) ?? ".", reference.Path));
        var cycleStart = _stack.IndexOf(fullPath);
        if (cycleStart >= 0)
        {
            var chain = _stack.Skip(cycleStart).Select(p => _layers.TryGetValue(p, out var l) ? l.DisplayPath : p).Append(displayPath);
            bag.Add(reference.Location, $"'{reference.Key}' cycle: {string.Join(" -> ", chain)}");
            return null;
        }
        if (_layers.TryGetValue(fullPath, out var cached)) return cached.Parsed ? cached : null;
        if (!File.Exists(fullPath))
        {
            var what = Directory.Exists(fullPath) ? "is a folder, not a rubric file" : "does not exist";
            bag.Add(reference.Location, $"{reference.Key} file '{reference.Path}' {what} (resolved to {displayPath}, relative to this file)");
            return null;
        }
        string text;
        try
        {
            text = await readFile(fullPath, ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            bag.Add(reference.Location, $"{reference.Key} file '{reference.Path}' cannot be read: {ex.Message}");
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            bag.Add(reference.Location, $"{reference.Key} file '{reference.Path}' cannot be read: {ex.Message}");
            return null;
        }
        var layer = ParseLayer(displayPath, fullPath, text);
        return layer.Parsed ? layer : null;
    }
}

/// <summary>Display paths: relative stays relative, joined and tidied lexically.</summary>
internal static class RubricPaths
{
    public static string Combine(string fromDisplayPath, string reference)
    {
        if (Path.IsPathRooted(reference)) return Normalize(reference);
        var directory = Path.GetDirectoryName(fromDisplayPath);
        return Normalize(string.IsNullOrEmpty(directory) ? reference : Path.Combine(directory, reference));
    }

    public static string Normalize(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
            else if (part == ".." && rooted) continue;
            else parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }
}

/// <summary>Names another location briefly: "line 6, column 5" in the same file, else file:line:column.</summary>
internal static class Where
{
    public static string Of(SourceLocation target, SourceLocation from) =>
        target.File == from.File ? $"line {target.Line}, column {target.Column}" : target.ToString();
}

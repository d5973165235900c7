using Grader.Rubrics.Loading.Yaml;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>Collects every problem found across the files of one load, without duplicates.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<RubricDiagnostic> _items = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public IReadOnlyList<RubricDiagnostic> Items => _items;

    public void Add(SourceLocation location, string message)
    {
        var diagnostic = new RubricDiagnostic(location, message);
        if (_seen.Add(diagnostic.ToString())) _items.Add(diagnostic);
    }
}

/// <summary>One rubric file being read: its display path and where its problems go.</summary>
internal sealed class FileScope(string displayPath, string fullPath, DiagnosticBag bag)
{
    public string DisplayPath => displayPath;
    public string FullPath => fullPath;
    public DiagnosticBag Bag => bag;

    /// <summary>Errors reported for this file so far (used to tell whether a part parsed clean).</summary>
    public int ErrorCount { get; private set; }

    public SourceLocation At(YNode node) => new(displayPath, node.Line, node.Column);
    public SourceLocation At(int line, int column) => new(displayPath, line, column);

    public void Error(YNode node, string message) => Error(At(node), message);

    public void Error(SourceLocation location, string message)
    {
        ErrorCount++;
        bag.Add(location, message);
    }
}

using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>A problem found while loading a rubric, located at a file, line and column.</summary>
public sealed record RubricDiagnostic(SourceLocation Location, string Message)
{
    /// <summary>Compiler-style form: <c>file:line:column: error: message</c>.</summary>
    public override string ToString() => $"{Location.File}:{Location.Line}:{Location.Column}: error: {Message}";
}

/// <summary>The outcome of loading: a rubric when there were no errors, and every problem found.</summary>
public sealed record RubricLoadResult(Rubric? Rubric, IReadOnlyList<RubricDiagnostic> Diagnostics)
{
    public bool Success => Rubric is not null && Diagnostics.Count == 0;
}

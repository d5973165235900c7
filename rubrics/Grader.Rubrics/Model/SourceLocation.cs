namespace Grader.Rubrics.Model;

/// <summary>A position in a rubric file (1-based line and column), used by diagnostics and annotations.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

namespace Grader.Rubrics.Rendering;

/// <summary>A check run's output (GitHub: title, summary and text, each of the last two at most 65535 characters).</summary>
public sealed record CheckRunOutput(string Title, string Summary, string Text);

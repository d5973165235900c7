using System.Globalization;

namespace Grader.Runner.Documents;

/// <summary>
/// A file a learner controls (YAML, JSON) refused, located at a line and column where there is one: the learner's
/// failure, reported as <c>file:line:column: reason</c>.
/// </summary>
public sealed class LearnerFileException : FormatException
{
    public LearnerFileException(long? line, long? column, string reason)
        : base(line is null ? reason : string.Create(CultureInfo.InvariantCulture, $"{line}:{column}: {reason}"))
    {
        Line = line;
        Column = column;
        Reason = reason;
    }

    public LearnerFileException() : this(null, null, "not a valid file") { }

    public LearnerFileException(string message) : this(null, null, message) { }

    public LearnerFileException(string message, Exception innerException) : base(message, innerException) => Reason = message;

    public long? Line { get; }

    public long? Column { get; }

    public string Reason { get; } = "";

    /// <summary>The error as <c>file:line:column: reason</c> (or <c>file: reason</c> without a location).</summary>
    public string In(string file) => Line is null ? $"{file}: {Reason}" : string.Create(CultureInfo.InvariantCulture, $"{file}:{Line}:{Column}: {Reason}");
}

namespace Grader.Runner;

/// <summary>
/// The submission itself is refused before anything is graded (too many files, too deep, too large, a fetch
/// over its limit): the learner's failure, never a grader error. The message says which limit, what was found
/// and what to do; the pipeline turns it into not-met results for every criterion.
/// </summary>
public sealed class SubmissionRefusedException : Exception
{
    public SubmissionRefusedException(string message) : base(message) { }
    public SubmissionRefusedException(string message, Exception innerException) : base(message, innerException) { }
    public SubmissionRefusedException() { }
}

namespace Grader.Runner;

/// <summary>
/// The grader itself failed (Docker engine unreachable, runner lost, grader timeout, no GPU): never the
/// learner's fault. The pipeline turns it into grader-error results, retried where safe.
/// </summary>
public sealed class GraderInfrastructureException : Exception
{
    public GraderInfrastructureException(string message) : base(message) { }
    public GraderInfrastructureException(string message, Exception innerException) : base(message, innerException) { }
    public GraderInfrastructureException() { }
}

namespace Grader.Runner.Docker;

/// <summary>
/// Labels put on every container, image, network and volume a grading job creates, so the sweeper can
/// find and remove leftovers of earlier jobs.
/// </summary>
public static class DockerLabels
{
    /// <summary>Present (value "true") on everything Grader creates.</summary>
    public const string Managed = "dev.grader.managed";

    /// <summary>The runner instance that created the object: a runner's start-up sweep removes only its own leftovers.</summary>
    public const string RunnerId = "dev.grader.runner";

    /// <summary>The grading job that created the object.</summary>
    public const string JobId = "dev.grader.job";

    /// <summary>What the object is for: build, test, service, benchmark, probe.</summary>
    public const string Role = "dev.grader.role";

    /// <summary>Labels for an object of job <paramref name="jobId"/> on runner <paramref name="runnerId"/> with the given <paramref name="role"/>.</summary>
    public static Dictionary<string, string> For(string runnerId, string jobId, string role) => new(StringComparer.Ordinal)
    {
        [Managed] = "true",
        [RunnerId] = runnerId,
        [JobId] = jobId,
        [Role] = role,
    };
}

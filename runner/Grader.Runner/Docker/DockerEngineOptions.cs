namespace Grader.Runner.Docker;

/// <summary>Where the Docker engine is (options pattern: section "Grader:Docker").</summary>
public sealed class DockerEngineOptions
{
    public const string SectionName = "Grader:Docker";

    /// <summary>Engine endpoint; default the local Unix socket (or DOCKER_HOST when set).</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint();

    private static Uri DefaultEndpoint()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        return string.IsNullOrWhiteSpace(host) ? new Uri("unix:///var/run/docker.sock") : new Uri(host);
    }
}

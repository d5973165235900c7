using Docker.DotNet;

namespace Grader.Runner.Docker;

/// <summary>Creates Docker.DotNet clients for the configured engine.</summary>
public static class DockerClientFactory
{
    public static DockerClient Create(DockerEngineOptions? options = null)
    {
        options ??= new DockerEngineOptions();
        return new DockerClientConfiguration(options.Endpoint).CreateClient();
    }
}

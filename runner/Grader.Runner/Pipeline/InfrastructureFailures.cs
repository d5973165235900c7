using System.Net.Sockets;
using Docker.DotNet;

namespace Grader.Runner.Pipeline;

/// <summary>Which exceptions mean the grader (engine, network to it, runner) failed rather than the learner.</summary>
internal static class InfrastructureFailures
{
    public static bool IsInfrastructure(Exception ex) =>
        ex is GraderInfrastructureException or DockerApiException or HttpRequestException or SocketException or IOException or TimeoutException
        || (ex.InnerException is not null && IsInfrastructure(ex.InnerException));

    public static string Describe(Exception ex) => ex switch
    {
        GraderInfrastructureException => ex.Message,
        DockerApiException docker => $"the Docker engine failed ({(int)docker.StatusCode}): {Trim(docker.ResponseBody)}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private static string Trim(string? text)
    {
        text = (text ?? "").Trim();
        return text.Length > 300 ? text[..300] + "..." : text;
    }
}

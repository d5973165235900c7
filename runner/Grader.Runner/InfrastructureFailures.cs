using System.Net.Sockets;
using Docker.DotNet;

namespace Grader.Runner;

/// <summary>Which exceptions mean the grader (engine, network to it, runner) failed rather than the learner.</summary>
internal static class InfrastructureFailures
{
    /// <summary>Any failure of the grader: its own (<see cref="GraderInfrastructureException"/>) or the engine's, also when wrapped.</summary>
    public static bool IsInfrastructure(Exception ex) =>
        ex is GraderInfrastructureException || IsEngineFailure(ex)
        || (ex.InnerException is not null && IsInfrastructure(ex.InnerException));

    /// <summary>
    /// The Docker engine, or the connection to it, failed. Every engine call site decides with this, so "the engine
    /// failed" means one thing: an API error, a broken or timed-out connection, a socket or stream error.
    /// </summary>
    public static bool IsEngineFailure(Exception ex) =>
        ex is DockerApiException or HttpRequestException or SocketException or IOException or TimeoutException;

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

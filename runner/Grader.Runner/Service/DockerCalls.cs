using Docker.DotNet;

namespace Grader.Runner.Service;

/// <summary>Turns engine failures into <see cref="GraderInfrastructureException"/>: never the learner's fault.</summary>
internal static class DockerCalls
{
    public static async Task<T> RunAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (IsEngineFailure(e))
        {
            throw new GraderInfrastructureException($"Docker engine failed to {what}: {e.Message}", e);
        }
    }

    public static async Task RunAsync(string what, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception e) when (IsEngineFailure(e))
        {
            throw new GraderInfrastructureException($"Docker engine failed to {what}: {e.Message}", e);
        }
    }

    public static bool IsEngineFailure(Exception e) =>
        e is DockerApiException or HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException;
}

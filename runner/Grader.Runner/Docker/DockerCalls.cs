namespace Grader.Runner.Docker;

/// <summary>Turns engine failures into <see cref="GraderInfrastructureException"/>: never the learner's fault.</summary>
internal static class DockerCalls
{
    public static async Task<T> RunAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e))
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
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e))
        {
            throw new GraderInfrastructureException($"Docker engine failed to {what}: {e.Message}", e);
        }
    }

}

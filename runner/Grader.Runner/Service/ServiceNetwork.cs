using Docker.DotNet;
using Grader.Runner.Docker;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Service;

/// <summary>The per-job internal network of a service, its bridge interface and the host rule on it.</summary>
internal sealed record ServiceNetwork(string Id, string Name, string BridgeInterface, string RunnerId, bool GuardInstalled)
{
    public async Task DisposeAsync(IDockerClient docker, HostIngressGuard? guard, ILogger logger, CancellationToken cancellationToken)
    {
        if (GuardInstalled && guard is not null)
        {
            try
            {
                await guard.RemoveAsync(BridgeInterface, RunnerId, cancellationToken).ConfigureAwait(false);
            }
            catch (GraderInfrastructureException e)
            {
                DockerRunningService.LogCleanupFailed(logger, "host rule", BridgeInterface, e);
            }
        }
        try
        {
            await docker.Networks.DeleteNetworkAsync(Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e) || e is OperationCanceledException)
        {
            DockerRunningService.LogCleanupFailed(logger, "network", Name, e);
        }
    }
}

using System.Text.RegularExpressions;
using Docker.DotNet;

namespace Grader.Runner.Docker;

/// <summary>Reads an image's size, layer history (with the instruction behind each layer), user (resolved to its uid) and health check.</summary>
public sealed partial class DockerImageInspector(IDockerClient docker) : IImageInspector
{
    private readonly ImageUserResolver _users = new(docker);

    public async Task<ImageDetails> InspectAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        try
        {
            var inspect = await docker.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            var history = await docker.Images.GetImageHistoryAsync(image, cancellationToken).ConfigureAwait(false);
            // The engine lists history newest first; the contract is oldest first.
            var layers = history.Reverse().Select(h => new ImageLayer(h.Size, CleanInstruction(h.CreatedBy))).ToList();
            var healthcheck = inspect.Config?.Healthcheck?.Test is { Count: > 0 } test
                && !string.Equals(test[0], "NONE", StringComparison.OrdinalIgnoreCase);
            var user = string.IsNullOrEmpty(inspect.Config?.User) ? null : inspect.Config.User;
            var resolved = await _users.ResolveAsync(inspect.ID, user, inspect.Config?.Labels, cancellationToken).ConfigureAwait(false);
            var exposed = inspect.Config?.ExposedPorts?.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
            return new ImageDetails(inspect.ID, image, inspect.Size, layers, user, healthcheck) { ResolvedUser = resolved, ExposedPorts = exposed };
        }
        catch (DockerImageNotFoundException e)
        {
            throw new GraderInfrastructureException($"The image {image} is gone: it was built but cannot be inspected.", e);
        }
        catch (Exception e) when (InfrastructureFailures.IsEngineFailure(e))
        {
            throw new GraderInfrastructureException($"The Docker engine failed to inspect {image}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Turns the engine's record of a layer's command into the Dockerfile instruction people wrote:
    /// <c>/bin/sh -c #(nop) COPY file:ab12 in /app</c> becomes <c>COPY file:ab12 in /app</c>, and a shell
    /// command <c>/bin/sh -c pip install ...</c> becomes <c>RUN pip install ...</c>.
    /// </summary>
    public static string CleanInstruction(string? createdBy)
    {
        if (string.IsNullOrWhiteSpace(createdBy)) return "(base layer)";
        var text = createdBy.Trim();
        var nop = NopPrefix().Match(text);
        if (nop.Success) return WhiteSpace().Replace(text[nop.Length..].Trim(), " ");
        text = BuildKitSuffix().Replace(text, "");
        var shell = ShellPrefix().Match(text);
        if (shell.Success) return "RUN " + text[shell.Length..].Trim();
        return text;
    }

    [GeneratedRegex(@"^(?:\|\d+ (?:\S+=\S* )*)?/bin/sh -c #\(nop\)\s*")]
    private static partial Regex NopPrefix();

    [GeneratedRegex(@"^(?:RUN )?(?:\|\d+ (?:\S+=\S* )*)?/bin/sh -c ")]
    private static partial Regex ShellPrefix();

    [GeneratedRegex(@" # buildkit$")]
    private static partial Regex BuildKitSuffix();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}

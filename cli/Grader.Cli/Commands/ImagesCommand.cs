using System.CommandLine;
using Grader.Runner.Docker;
using Spectre.Console;

namespace Grader.Cli.Commands;

/// <summary><c>grader images bootstrap</c>: makes the local base images the bundled examples use (no registry needed).</summary>
public static class ImagesCommand
{
    public static Command Build()
    {
        var force = new Option<bool>("--force") { Description = "Rebuild the images even when they exist." };
        var bootstrap = new Command("bootstrap", $"Build {BaseImages.Busybox} (busybox-static) and {BaseImages.Python} (debootstrap + docker import).") { force };
        bootstrap.SetAction((parse, cancellationToken) => BootstrapAsync(AnsiConsole.Console, parse.GetValue(force), cancellationToken));
        return new Command("images", "Local base images for the bundled examples.") { bootstrap };
    }

    public static async Task<int> BootstrapAsync(IAnsiConsole console, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        using var docker = DockerClientFactory.Create();
        try
        {
            if (force) await BaseImages.RemoveAsync(docker, BaseImages.Busybox, cancellationToken).ConfigureAwait(false);
            var hadBusybox = !force && await BaseImages.ExistsAsync(docker, BaseImages.Busybox, cancellationToken).ConfigureAwait(false);
            await BaseImages.EnsureBusyboxAsync(docker, cancellationToken).ConfigureAwait(false);
            console.MarkupLine(hadBusybox ? $"{BaseImages.Busybox}: present" : $"{BaseImages.Busybox}: built");

            var progress = new LineProgress(console);
            var built = await BaseImages.EnsurePythonAsync(docker, force, progress, cancellationToken).ConfigureAwait(false);
            console.MarkupLine(built ? $"{BaseImages.Python}: built" : $"{BaseImages.Python}: present");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or Docker.DotNet.DockerApiException or HttpRequestException or IOException)
        {
            console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return 1;
        }
    }

    /// <summary>debootstrap prints a line per package: show them dimmed, as they come.</summary>
    private sealed class LineProgress(IAnsiConsole console) : IProgress<string>
    {
        public void Report(string value) => console.MarkupLine($"[grey]{Markup.Escape(value)}[/]");
    }
}

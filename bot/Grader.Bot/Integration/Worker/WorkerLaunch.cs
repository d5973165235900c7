using System.Reflection;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// How to start <c>grader worker</c>: the configured <c>grader</c> executable or <c>grader.dll</c>, or else the program
/// this process runs (the apphost <c>grader</c>, or <c>dotnet grader.dll</c>).
/// </summary>
internal sealed record WorkerLaunch(string FileName, IReadOnlyList<string> Arguments)
{
    public static WorkerLaunch For(string? configured, string jobKey)
    {
        var target = configured ?? RunningProgram();
        IReadOnlyList<string> worker = [GradingWorker.Subcommand, "--job", jobKey];
        return target.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new WorkerLaunch(DotnetHost(), [target, .. worker])
            : new WorkerLaunch(target, worker);
    }

    private static string RunningProgram()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown: set bot.worker.command.");
        if (!IsDotnetHost(process))
        {
            return process;
        }

        return Assembly.GetEntryAssembly()?.Location is { Length: > 0 } entry
            ? entry
            : throw new InvalidOperationException("This process runs no entry assembly on disk: set bot.worker.command to the grader executable.");
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } process && IsDotnetHost(process) ? process
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    private static bool IsDotnetHost(string path) =>
        string.Equals(Path.GetFileNameWithoutExtension(path), "dotnet", StringComparison.OrdinalIgnoreCase);
}

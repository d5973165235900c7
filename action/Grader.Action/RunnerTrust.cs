using System.Text.Json;

namespace Grader.Action;

/// <summary>
/// What is known about who can reach this runner's disk: whether the runner is ephemeral (one job, then gone)
/// and whether the workflow is enforced from another repository, so learners cannot edit what runs.
/// </summary>
/// <param name="Ephemeral">How the runner is known to be ephemeral; null when it is not known to be.</param>
/// <param name="CentralWorkflow">Where the enforced workflow lives; null when the workflow is the graded repository's own.</param>
public sealed record RunnerTrust(string? Ephemeral, string? CentralWorkflow)
{
    /// <summary>The runner's settings file (written by config.sh, or decoded from a JIT configuration) is this small.</summary>
    private const long MaxSettingsBytes = 64 * 1024;

    public static RunnerTrust From(ActionEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new RunnerTrust(EphemeralEvidence(environment), CentralWorkflowOf(environment));
    }

    private static string? EphemeralEvidence(ActionEnvironment environment)
    {
        if (string.Equals(environment.RunnerEnvironment, "github-hosted", StringComparison.OrdinalIgnoreCase)) return "a GitHub-hosted runner";
        // actions/runner keeps its settings in RUNNER_ROOT/.runner ("ephemeral": true for --ephemeral and JIT
        // runners); RUNNER_TEMP is RUNNER_ROOT/_work/_temp unless the runner was configured with another --work.
        var folder = environment.RunnerTemp is { Length: > 0 } temp ? Path.GetDirectoryName(Path.GetFullPath(temp)) : null;
        for (var level = 0; level < 2 && folder is not null; level++, folder = Path.GetDirectoryName(folder))
        {
            var settings = Path.Combine(folder, ".runner");
            if (File.Exists(settings)) return IsEphemeral(settings) ? $"the runner's settings ({settings}) mark it ephemeral" : null;
        }
        return null;
    }

    private static bool IsEphemeral(string settingsFile)
    {
        try
        {
            if (new FileInfo(settingsFile).Length > MaxSettingsBytes) return false;
            using var document = JsonDocument.Parse(File.ReadAllText(settingsFile));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.EnumerateObject().Any(p => p.Name.Equals("ephemeral", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.True);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A workflow file from another repository (an organisation ruleset's required workflow) is out of the learners' reach.</summary>
    private static string? CentralWorkflowOf(ActionEnvironment environment)
    {
        if (environment.WorkflowRef is not { Length: > 0 } reference || environment.Repository is not { Length: > 0 } repository) return null;
        var parts = reference.Split('/', 3);
        if (parts.Length < 3) return null;
        var workflowRepository = parts[0] + "/" + parts[1];
        return workflowRepository.Equals(repository, StringComparison.OrdinalIgnoreCase) ? null : reference;
    }
}

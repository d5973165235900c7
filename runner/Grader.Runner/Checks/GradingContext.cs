using Grader.Rubrics.Model;

namespace Grader.Runner.Checks;

/// <summary>
/// What check executors can see of the job being graded. Filled in step by step by the pipeline
/// (checkout, build, service start); an executor reads it and must not change it.
/// </summary>
public sealed class GradingContext
{
    public required string JobId { get; init; }
    public required Rubric Rubric { get; init; }

    /// <summary>The checked-out submission on the runner (read-only for executors).</summary>
    public required string SubmissionDirectory { get; init; }

    /// <summary>The commit graded, when the submission came from git.</summary>
    public string? CommitSha { get; init; }

    /// <summary>The folder relative paths in the rubric resolve against (answer keys, baselines, hidden tests).</summary>
    public string RubricDirectory => Rubric.Directory ?? SubmissionDirectory;

    /// <summary>Labels every Docker object created for this job carries, so a sweeper can find them.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Reports progress of the step in flight (e.g. "load: repetition 2/3").</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Named artefacts produced by earlier steps (the built image, the running service, telemetry...).</summary>
    public IDictionary<string, object> Artefacts { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    public T? Get<T>(string key) where T : class => Artefacts.TryGetValue(key, out var v) ? v as T : null;
}

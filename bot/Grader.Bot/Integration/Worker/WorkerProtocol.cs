using System.Text.Json;
using System.Text.Json.Serialization;
using Grader.Bot.Storage;
using Grader.GitHub.Publishing;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// What the bot hands a grading worker: one JSON line on its stdin, which then stays open (its end tells the worker
/// the bot is gone). The installation token travels only here, never in the worker's arguments or environment.
/// </summary>
public sealed record WorkerAssignment
{
    public required string JobKey { get; init; }

    /// <summary>The id the runner labels the job's Docker objects with; the bot removes them by it after a worker dies.</summary>
    public required string DockerJobId { get; init; }

    public required string Repository { get; init; }
    public required string HeadSha { get; init; }
    public required string RubricPath { get; init; }
    public string? HiddenTestsPath { get; init; }
    public required Uri CloneUrl { get; init; }

    /// <summary>The ref fetched for the commit, e.g. <c>refs/pull/2/head</c>.</summary>
    public required string GitRef { get; init; }

    /// <summary>A short-lived installation token (contents: read) for the clone.</summary>
    public required string Token { get; init; }

    /// <summary>
    /// Whose work this is and where it lives on GitHub, for the evidence record the worker makes from the run; null when
    /// the bot records no evidence. The worker never holds the signing key: the bot signs what comes back.
    /// </summary>
    public Grader.Evidence.Recording.SubmissionIdentity? Evidence { get; init; }

    /// <summary>Where the learner's evidence is shown (the review links to it); null for no link.</summary>
    public Uri? EvidenceUrl { get; init; }

    /// <summary>When GitHub recorded the submission, for the rubric's late policy; null: unknown.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The learner's deadline extension; null: none.</summary>
    public Grader.Rubrics.Model.DeadlineExtension? Extension { get; init; }

    /// <summary>The pull request's base commit (fetched with the head's ref), for <c>base_commit</c> benchmark references.</summary>
    public string? BaseCommit { get; init; }

    /// <summary>Whether the module's results are published (<c>after_published</c> criteria shown).</summary>
    public bool ResultsPublished { get; init; }

    /// <summary>The runner's settings (configuration keys under <c>Grader:</c> and <c>Logging:</c>) as the bot has them.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Never the token.</summary>
    public override string ToString() => JobKey;
}

/// <summary>
/// One JSON line a worker writes on stdout: progress (the step in flight), or the final answer: a result (complete),
/// a result with an error (graded incompletely because of grader errors), or only an error (a grader error).
/// </summary>
public sealed record WorkerMessage
{
    public string? Progress { get; init; }
    public PublishableResult? Result { get; init; }
    public string? Error { get; init; }

    /// <summary>With a final answer that graded something: the unsigned evidence record of the run (EvidenceJson), when asked for.</summary>
    public string? Evidence { get; init; }

    /// <summary>With a final answer that graded something: how long each pipeline step took (the bot's step metrics), messages left out.</summary>
    public IReadOnlyList<Grader.Runner.Pipeline.StepTiming>? Steps { get; init; }

    /// <summary>With a complete result: the result in each visibility state, when the rubric defers some criteria.</summary>
    public Grader.Bot.Storage.VisibleResults? Visible { get; init; }

    [JsonIgnore]
    public bool IsFinal => Result is not null || Error is not null;
}

/// <summary>The wire format of the worker protocol: one JSON document per line, sizes bounded on both ends.</summary>
internal static class WorkerWire
{
    /// <summary>Largest line either side reads: a result is a few check run and review fields of at most 64 K characters each.</summary>
    public const int MaxLineBytes = 4 << 20;

    /// <summary>Longest progress text a worker sends; the check run shows less (CheckRunProgress).</summary>
    public const int MaxProgressChars = 1000;

    public static byte[] Encode<T>(T value)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, BotJson.Options);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Parses one line; <see cref="InvalidDataException"/> when it is not the expected JSON.</summary>
    public static T Decode<T>(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, BotJson.Options) ?? throw new InvalidDataException("a JSON null line");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"a line that is not a {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}

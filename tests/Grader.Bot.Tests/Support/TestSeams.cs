using System.Collections.Concurrent;
using Grader.Bot.Jobs;
using Grader.Bot.Publishing;
using Grader.Bot.Storage;

namespace Grader.Bot.Tests.Support;

/// <summary>
/// Stands in for the runner pipeline in bot tests that are about scheduling, not grading: each test says
/// what a grading does (block until cancelled, fail, succeed) and can watch the calls.
/// </summary>
internal sealed class ScriptedGrader : ISubmissionGrader
{
    public Func<GradingAssignment, IProgress<string>, CancellationToken, Task<GradingOutcome>> Behaviour { get; set; } =
        (_, _, _) => Task.FromResult(Passed());

    public ConcurrentQueue<GradingAssignment> Started { get; } = new();
    public ConcurrentQueue<GradingAssignment> Cancelled { get; } = new();

    public async Task<GradingOutcome> GradeAsync(GradingAssignment assignment, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Started.Enqueue(assignment);
        try
        {
            return await Behaviour(assignment, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Cancelled.Enqueue(assignment);
            throw;
        }
    }

    public static GradingOutcome Passed() => new()
    {
        Conclusion = "success",
        Title = "Passed: 10/10 (100%)",
        Summary = "| Criterion | Points |\n|---|---|\n| builds | 10/10 |",
        ReviewBody = "Passed: 10/10",
        ReviewEvent = "APPROVE",
    };

    public static GradingOutcome LearnerFailed() => new()
    {
        Conclusion = "failure",
        Title = "Failed: 2/10 (20%)",
        Summary = "| Criterion | Points |\n|---|---|\n| tests | 2/10 |",
        ReviewBody = "Failed: 2/10",
        ReviewEvent = "REQUEST_CHANGES",
    };
}

/// <summary>Records what would reach GitHub; can fail the next calls like an API answering 5xx or 429.</summary>
internal sealed class RecordingPublisher : IResultPublisher
{
    private long _nextId = 100;
    private int _failuresLeft;

    public ConcurrentQueue<(string Call, string HeadSha, string Detail)> Calls { get; } = new();

    /// <summary>The next <paramref name="count"/> calls throw.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public IEnumerable<(string Call, string HeadSha, string Detail)> Of(string call) => Calls.Where(c => c.Call == call);

    public Task<long> CreateQueuedCheckRunAsync(PullRequestRef pullRequest, string headSha, CancellationToken cancellationToken) =>
        Record("queued", headSha, "");

    public async Task ReportProgressAsync(PullRequestRef pullRequest, long checkRunId, string step, CancellationToken cancellationToken) =>
        await Record("progress", "", step).ConfigureAwait(false);

    public Task<long> CompleteCheckRunAsync(PullRequestRef pullRequest, string headSha, long? checkRunId, GradingOutcome outcome, CancellationToken cancellationToken) =>
        Record("completed", headSha, outcome.Conclusion);

    public Task<long> PostReviewAsync(PullRequestRef pullRequest, string headSha, GradingOutcome outcome, CancellationToken cancellationToken) =>
        Record("review", headSha, outcome.ReviewEvent);

    private Task<long> Record(string call, string headSha, string detail)
    {
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new HttpRequestException("GitHub answered 502 Bad Gateway", null, System.Net.HttpStatusCode.BadGateway);
        }

        Calls.Enqueue((call, headSha, detail));
        return Task.FromResult(Interlocked.Increment(ref _nextId));
    }
}

/// <summary>Repository facts as GitHub would answer them (default-branch files, permissions, PR heads).</summary>
internal sealed class TestRepositoryGateway : IRepositoryGateway
{
    public ConcurrentDictionary<string, string> DefaultBranchFiles { get; } = new();
    public ConcurrentDictionary<string, string> Permissions { get; } = new(StringComparer.OrdinalIgnoreCase);
    public PullRequestSnapshot PullRequest { get; set; } = new(2, WebhookFixtures.HeadSha, "Codertocat", Draft: false, Open: true);

    /// <summary>When set, calls wait on it: a GitHub that does not answer.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<string?> GetDefaultBranchFileAsync(long installationId, string repository, string path, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return DefaultBranchFiles.GetValueOrDefault(path);
    }

    public Task<string> GetCollaboratorPermissionAsync(long installationId, string repository, string login, CancellationToken cancellationToken) =>
        Task.FromResult(Permissions.GetValueOrDefault(login, "read"));

    public Task<PullRequestSnapshot> GetPullRequestAsync(long installationId, string repository, int number, CancellationToken cancellationToken) =>
        Task.FromResult(PullRequest);
}

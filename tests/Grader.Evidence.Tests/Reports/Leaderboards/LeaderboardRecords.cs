using Grader.Evidence.Model;
using Grader.Evidence.Tests.Support;

namespace Grader.Evidence.Tests.Reports.Leaderboards;

/// <summary>Records of a module whose rubric publishes a leaderboard of its benchmark criterion <c>latency</c>.</summary>
internal static class LeaderboardRecords
{
    public const string Module = "MOD-523";

    public static EvidenceRecord Bench(string login, string sha, double? measure, string? text, int minutes, long githubId,
        bool complete = true, string order = "lower_is_better", string show = "login", bool leaderboard = true, string outcome = "met") =>
        Records.Make(login: login, module: Module, sha: sha, minutes: minutes, githubId: githubId, complete: complete, repository: $"course/lab-{login}",
            criteria:
            [
                new CriterionEvidence("build", "The image builds", "met", 20, 20) { Gate = true },
                new CriterionEvidence("latency", "Batch latency", complete ? outcome : "grader_error", 80, 80) { Measure = measure, MeasuredValue = text },
            ]) with
        {
            Leaderboard = leaderboard ? new LeaderboardRef("latency", order, show) : null,
        };

    public static string Sha(char c) => new(c, 40);
}

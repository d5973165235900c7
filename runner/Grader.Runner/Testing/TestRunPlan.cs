using Grader.Rubrics.Model;
using Grader.Runner.Docker;

namespace Grader.Runner.Testing;

/// <summary>
/// Where one <c>tests</c> check runs and what its result may show: the learner's own tests in the learner's image
/// (they see everything of their own run), or hidden tests in a grader-owned image (<see cref="HiddenTestRun"/>).
/// </summary>
/// <param name="Image">Image id or grader-owned tag the sandbox pins.</param>
/// <param name="Network">The job's service network for black-box hidden tests; null = no network.</param>
/// <param name="Hidden">
/// The report and exit code come from the grader's own harness that no learner code ran in: a missing or unusable
/// report is the grader's problem, not the learner's.
/// </param>
/// <param name="Visibility">What the result may carry beyond counts (the learner's own run: everything).</param>
internal sealed record TestRunPlan(
    string Image,
    IReadOnlyList<SandboxCopyIn> CopyIn,
    IReadOnlyDictionary<string, string> Environment,
    string? Network,
    bool Hidden,
    HiddenTestVisibility Visibility)
{
    public static TestRunPlan Own(string image) =>
        new(image, [], new Dictionary<string, string>(), null, Hidden: false, HiddenTestVisibility.Output);

    public bool ShowsMessages => Visibility >= HiddenTestVisibility.Messages;
    public bool ShowsOutput => Visibility >= HiddenTestVisibility.Output;
}

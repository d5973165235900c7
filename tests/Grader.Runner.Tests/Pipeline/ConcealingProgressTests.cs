using Grader.Rubrics.Scoring;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace Grader.Runner.Tests.Pipeline;

public sealed class ConcealingProgressTests
{
    private static readonly DateTimeOffset Due = new(2026, 12, 15, 22, 59, 0, TimeSpan.Zero);

    private sealed class Collect : IProgress<GradingProgress>
    {
        public List<GradingProgress> Events { get; } = [];

        public void Report(GradingProgress value) => Events.Add(value);
    }

    private static List<GradingProgress> Report(DateTimeOffset now)
    {
        var rubric = PipelineHarness.Rubric("""
              - { id: open, title: Open, points: 10, check: { build: {} } }
              - { id: zanzibar-secret, title: Secret, points: 10, check: { build: {} }, visibility: hidden }
              - { id: later, title: Later, points: 10, check: { build: {} }, visibility: after_due_date }
            """, extra: "deadline: { due: 2026-12-15T23:59, time_zone: Europe/Berlin }");
        var sink = new Collect();
        var progress = new ConcealingProgress(sink, rubric, SubmissionContext.Create(new FakeTimeProvider(now)));
        foreach (var id in new[] { "open", "zanzibar-secret", "later" })
            progress.Report(new GradingProgress(GradingSteps.Check(id), StepStatus.Failed, TimeSpan.FromSeconds(1), $"quokka failure of {id}"));
        progress.Report(new GradingProgress(GradingSteps.Build, StepStatus.Succeeded, TimeSpan.FromSeconds(2), "built"));
        return sink.Events;
    }

    [Test]
    public void Report_BeforeTheDueDate_HiddenAndAfterDueStepsLoseTheirIdAndMessage()
    {
        var events = Report(Due.AddHours(-1));
        Assert.That(events.Select(e => (e.Step, e.Message)), Is.EqualTo(new (string, string?)[]
        {
            ("check:open", "quokka failure of open"), ("check", null), ("check", null), ("build", "built"),
        }));
    }

    [Test]
    public void Report_AfterTheDueDate_AfterDueStepsAreShownHiddenStillNot()
    {
        var events = Report(Due);
        Assert.That(events.Select(e => e.Step), Is.EqualTo(new[] { "check:open", "check", "check:later", "build" }));
    }
}

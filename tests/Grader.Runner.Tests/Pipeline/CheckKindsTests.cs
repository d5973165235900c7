using Grader.Rubrics.Model;
using Grader.Runner.Pipeline;

namespace Grader.Runner.Tests.Pipeline;

public class CheckKindsTests
{
    private static readonly TestsCheck Own = new() { Command = ["pytest"] };

    [Test]
    public void CanRunConcurrently_HiddenTestsProbingTheService_TrueAndNeedsTheService()
    {
        var hidden = Own with { Hidden = new HiddenTestsSpec("hidden", null, null, null) { Service = true } };

        Assert.That((hidden.NeedsService, CheckKinds.CanRunConcurrently(hidden)), Is.EqualTo((true, true)));
    }

    [Test]
    public void CanRunConcurrently_MeasuringServiceCheck_False()
    {
        Assert.That(CheckKinds.CanRunConcurrently(new HttpProbeCheck { Path = "/health" }), Is.False);
    }

    [Test]
    public void CanRunConcurrently_OwnTestsOnAGpu_False()
    {
        Assert.That(CheckKinds.CanRunConcurrently(Own with { Gpu = true }), Is.False);
    }
}

using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Docker;
using Grader.Runner.Images;

namespace Grader.Runner.Tests.Checks;

public class ImageSizeCheckExecutorTests
{
    private static Task<CheckResult> RunAsync(ImageDetails? image, string max, int showLayers = 2)
    {
        var check = new ImageSizeCheck { Max = ByteSize.Parse(max), ShowLayers = showLayers };
        var context = ExecutorContexts.For(check);
        context.Image = image;
        return new ImageSizeCheckExecutor().ExecuteAsync(TestRubrics.Criterion(check), context, CancellationToken.None);
    }

    private static readonly ImageDetails Heavy = new("sha256:1", "t", 2_410_000_000,
    [
        new ImageLayer(80_000_000, "(base layer)"),
        new ImageLayer(0, "WORKDIR /app"),
        new ImageLayer(1_900_000_000, "RUN pip install torch"),
        new ImageLayer(430_000_000, "COPY dir:abc in /app"),
    ], null, false);

    [Test]
    public async Task ExecuteAsync_OverLimit_FailedWithLargestLayersExplained()
    {
        var result = await RunAsync(Heavy, "2GB");

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed));
            Assert.That(result.Measure, Is.EqualTo(2_410_000_000));
            Assert.That(result.Values["size"], Is.EqualTo("2.41 GB"));
            Assert.That(result.Values["max"], Is.EqualTo("2 GB"));
            Assert.That(result.Values["layers"], Is.EqualTo("4"));
            Assert.That(result.Details, Is.EqualTo(new[] { "1.9 GB: RUN pip install torch", "430 MB: COPY dir:abc in /app" }));
        });
    }

    [Test]
    public async Task ExecuteAsync_LimitWrittenInGiB_SizesShownInBinaryUnitsAsTheRubricWroteThem()
    {
        var result = await RunAsync(Heavy, "1GiB", showLayers: 1);

        Assert.Multiple(() =>
        {
            Assert.That(result.Values["max"], Is.EqualTo("1 GiB"), "not 1.07 GB");
            Assert.That(result.Values["size"], Is.EqualTo("2.24 GiB"));
            Assert.That(result.Message, Is.EqualTo("The image is 2.24 GiB, over the limit of 1 GiB. Its largest layers are listed below."));
            Assert.That(result.Details, Is.EqualTo(new[] { "1.77 GiB: RUN pip install torch" }));
        });
    }

    [Test]
    public async Task ExecuteAsync_WithinLimit_Passed()
    {
        Assert.That((await RunAsync(Heavy, "3GB")).Status, Is.EqualTo(CheckStatus.Passed));
    }

    [Test]
    public async Task ExecuteAsync_NoImage_NotRun()
    {
        var result = await RunAsync(null, "2GB");

        Assert.That(result.Status, Is.EqualTo(CheckStatus.NotRun));
        Assert.That(result.Message, Does.Contain("did not build"));
    }
}

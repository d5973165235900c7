using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

public class DockerImageInspectorTests : DockerTestBase
{
    [Test]
    public async Task InspectAsync_BuiltImage_LayersOldestFirstWithInstructionsUserAndHealthcheck()
    {
        var submission = Submission("inspect", new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM grader/busybox:1\nRUN dd if=/dev/zero of=/big bs=1k count=3000\nUSER 65534\nHEALTHCHECK CMD true\n",
        });
        var build = await Builder.BuildAsync(BuildRequest(submission), null, CancellationToken.None);
        Assert.That(build.Succeeded, Is.True, build.Log);

        var image = await Inspector.InspectAsync(build.ImageId!, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(image.User, Is.EqualTo("65534"));
            Assert.That(image.HasHealthcheck, Is.True);
            Assert.That(image.Size, Is.GreaterThan(3_000_000));
            var big = image.Layers.MaxBy(l => l.Size)!;
            Assert.That(big.CreatedBy, Is.EqualTo("RUN dd if=/dev/zero of=/big bs=1k count=3000"));
            Assert.That(big.Size, Is.EqualTo(3_072_000));
            Assert.That(image.Layers.Select(l => l.CreatedBy), Has.Some.StartsWith("HEALTHCHECK"));
        });
    }

    [TestCase("/bin/sh -c #(nop)  CMD [\"python\" \"app.py\"]", "CMD [\"python\" \"app.py\"]")]
    [TestCase("/bin/sh -c pip install -r requirements.txt", "RUN pip install -r requirements.txt")]
    [TestCase("|1 VERSION=2 /bin/sh -c echo $VERSION", "RUN echo $VERSION")]
    [TestCase("RUN /bin/sh -c apt-get update # buildkit", "RUN apt-get update")]
    [TestCase("", "(base layer)")]
    public void CleanInstruction_EngineRecord_ReadsLikeDockerfile(string createdBy, string expected)
    {
        Assert.That(DockerImageInspector.CleanInstruction(createdBy), Is.EqualTo(expected));
    }
}

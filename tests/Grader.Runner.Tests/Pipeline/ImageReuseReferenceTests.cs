using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Pipeline;

/// <summary>Reuse never stands in for a build the builder would refuse.</summary>
[Category("Docker")]
[Category("Integration")]
public sealed class ImageReuseReferenceTests
{
    [TestCase("FROM grader/busybox:1\nCOPY a /a\n", true)]
    [TestCase("FROM grader-job/runner:job\nCOPY a /a\n", false)]
    [TestCase("FROM grader/busybox:1\nCOPY --from=0123456789ab /a /a\n", false)]
    [TestCase("FROM grader/busybox:1\nADD http://10.0.0.1/a /a\n", false)]
    public async Task WithBaseImagesAsync_DockerfileRefusedByThePolicy_NoReuseDigest(string dockerfile, bool reusable)
    {
        using var docker = DockerClientFactory.Create();
        await BaseImages.EnsureBusyboxAsync(docker, CancellationToken.None);
        var folder = Directory.CreateTempSubdirectory("grader-reuse-ref-").FullName;
        try
        {
            var path = Path.Combine(folder, "Dockerfile");
            await File.WriteAllTextAsync(path, dockerfile);

            var digest = await new ImageReuse(docker).WithBaseImagesAsync("context-digest", path, CancellationToken.None);

            Assert.That(digest is not null, Is.EqualTo(reusable));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

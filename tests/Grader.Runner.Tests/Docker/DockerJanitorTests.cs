using Docker.DotNet.Models;
using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

public class DockerJanitorTests : DockerTestBase
{
    private async Task<string> CreateContainerAsync(string runnerId, string jobId)
    {
        var created = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "grader/busybox:1",
            Cmd = ["true"],
            Labels = DockerLabels.For(runnerId, jobId, "test"),
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        return created.ID;
    }

    [Test]
    public async Task RemoveJobAsync_TwoJobs_RemovesOnlyThatJobsObjects()
    {
        var doomed = await CreateContainerAsync(RunnerId, "job-a");
        var kept = await CreateContainerAsync(RunnerId, "job-b");
        await Docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = "grader-test-" + Guid.NewGuid().ToString("N"), Labels = DockerLabels.For(RunnerId, "job-a", "service") });
        await Docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = "grader-test-" + Guid.NewGuid().ToString("N"), Labels = DockerLabels.For(RunnerId, "job-a", "test") });

        var result = await Janitor.RemoveJobAsync(RunnerId, "job-a", CancellationToken.None);

        Assert.That(result, Is.EqualTo(new SweepResult(1, 1, 1, 0)));
        Assert.That((await Docker.Containers.InspectContainerAsync(kept)).ID, Is.EqualTo(kept));
        Assert.CatchAsync<global::Docker.DotNet.DockerContainerNotFoundException>(() => Docker.Containers.InspectContainerAsync(doomed));
        await Janitor.SweepAsync(RunnerId, CancellationToken.None);
    }

    [Test]
    public async Task SweepAsync_OtherRunnersObjects_LeftAlone()
    {
        var otherRunner = "test-other-" + Guid.NewGuid().ToString("N");
        var other = await CreateContainerAsync(otherRunner, "job");
        var mine = await CreateContainerAsync(RunnerId, "job");
        var submission = Submission("janitor-image", new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\nRUN echo image-of-" + RunnerId + "\n" });
        var build = await Builder.BuildAsync(BuildRequest(submission), null, CancellationToken.None);
        Assert.That(build.Succeeded, Is.True, build.Log);
        try
        {
            var result = await Janitor.SweepAsync(RunnerId, CancellationToken.None);

            Assert.That(result.Containers, Is.EqualTo(1));
            Assert.That(result.Images, Is.EqualTo(1));
            Assert.That((await Docker.Containers.InspectContainerAsync(other)).ID, Is.EqualTo(other));
            Assert.CatchAsync<global::Docker.DotNet.DockerContainerNotFoundException>(() => Docker.Containers.InspectContainerAsync(mine));
            Assert.CatchAsync<global::Docker.DotNet.DockerImageNotFoundException>(() => Docker.Images.InspectImageAsync(build.ImageId!));
        }
        finally
        {
            await Janitor.SweepAsync(otherRunner, CancellationToken.None);
        }
    }
}

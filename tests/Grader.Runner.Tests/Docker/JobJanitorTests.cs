using Docker.DotNet.Models;
using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

public class JobJanitorTests : DockerTestBase
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
    public async Task CleanupJobAsync_TwoJobs_RemovesOnlyThatJobsObjects()
    {
        var doomed = await CreateContainerAsync(RunnerId, "job-a");
        var kept = await CreateContainerAsync(RunnerId, "job-b");
        var network = await Docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = "grader-test-" + Guid.NewGuid().ToString("N"), Labels = DockerLabels.For(RunnerId, "job-a", "service") });
        var volume = await Docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = "grader-test-" + Guid.NewGuid().ToString("N"), Labels = DockerLabels.For(RunnerId, "job-a", "test") });

        await Janitor.CleanupJobAsync(RunnerId, "job-a", [], CancellationToken.None);

        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = RunnerFilter() });
        var volumes = await Docker.Volumes.ListAsync(new VolumesListParameters { Filters = RunnerFilter() });
        Assert.Multiple(() =>
        {
            Assert.That(networks.Select(n => n.ID), Does.Not.Contain(network.ID));
            Assert.That((volumes.Volumes ?? []).Select(v => v.Name), Does.Not.Contain(volume.Name));
        });
        Assert.That((await Docker.Containers.InspectContainerAsync(kept)).ID, Is.EqualTo(kept));
        Assert.CatchAsync<global::Docker.DotNet.DockerContainerNotFoundException>(() => Docker.Containers.InspectContainerAsync(doomed));
        await Janitor.SweepAsync(RunnerId, includeReusableImages: true, CancellationToken.None);
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
            var report = await Janitor.SweepAsync(RunnerId, includeReusableImages: true, CancellationToken.None);

            Assert.That(report.Containers, Is.EqualTo(1));
            Assert.That(report.Images, Is.EqualTo(1));
            Assert.That((await Docker.Containers.InspectContainerAsync(other)).ID, Is.EqualTo(other));
            Assert.CatchAsync<global::Docker.DotNet.DockerContainerNotFoundException>(() => Docker.Containers.InspectContainerAsync(mine));
            Assert.CatchAsync<global::Docker.DotNet.DockerImageNotFoundException>(() => Docker.Images.InspectImageAsync(build.ImageId!));
        }
        finally
        {
            await Janitor.SweepAsync(otherRunner, includeReusableImages: true, CancellationToken.None);
        }
    }
}

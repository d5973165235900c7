using Grader.Rubrics.Model;
using Grader.Runner.Docker;
using Grader.Runner.Service;
using Grader.Runner.Tests.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grader.Runner.Tests.Service;

/// <summary>
/// The learner's service runs as the image's own user only when that user is known not to be root; the check is on
/// the numeric uid the runtime would give it, so spellings of root that are not "root" or "0" do not slip through.
/// </summary>
[Category("Docker")]
[Category("Hostile")]
public sealed class ServiceUserTests : DockerTestBase
{
    private async Task<string> ServiceUserAsync(string steps)
    {
        var submission = Submission("svc-user", new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM grader/busybox:1\n" + steps + "CMD [\"sh\", \"-c\", \"mkdir -p /tmp/www && echo ok > /tmp/www/health && httpd -f -p 8080 -h /tmp/www\"]\n",
        });
        var context = await BuildContextAsync(submission, jobId: "svc-user");
        Assert.That(context.Image, Is.Not.Null, context.Build?.Log);
        using var launcher = new DockerServiceLauncher(Docker, Options.Create(new ServiceLauncherOptions()), NullLogger<DockerServiceLauncher>.Instance);
        var spec = new ServiceSpec { ReadinessTimeout = TimeSpan.FromSeconds(30), RestartPolicy = "no" };
        var outcome = await launcher.StartAsync(
            new ServiceLaunchRequest(context.Image!.Id, spec, SmallLimits(), DockerLabels.For(RunnerId, "svc-user", "service"), []),
            CancellationToken.None);
        Assert.That(outcome.Service, Is.Not.Null, outcome.Error);
        await using var service = outcome.Service!;
        var container = await Docker.Containers.InspectContainerAsync(service.ContainerId);
        return container.Config.User;
    }

    [TestCase("USER 00\n")]
    [TestCase("USER 0:0\n")]
    [TestCase("USER +0\n")]
    [TestCase("RUN echo 'admin:x:0:0::/:/bin/sh' >> /etc/passwd\nUSER admin\n")]
    public async Task StartAsync_ImageUserIsRootUnderAnotherSpelling_RunsAsNobody(string steps)
    {
        Assert.That(await ServiceUserAsync(steps), Is.EqualTo("65534:65534"));
    }

    [Test]
    public async Task StartAsync_ImageUserIsUnprivileged_RunsAsThatUser()
    {
        Assert.That(await ServiceUserAsync("USER 1234\n"), Is.EqualTo("1234"));
    }
}

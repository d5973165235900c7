using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Docker;

/// <summary>The built image's USER resolved to the uid it runs as, through the real engine.</summary>
public sealed class ImageUserResolverTests : DockerTestBase
{
    private async Task<ImageDetails> BuildAndInspectAsync(string steps)
    {
        var submission = Submission("user", new Dictionary<string, string> { ["Dockerfile"] = "FROM grader/busybox:1\n" + steps });
        var context = await BuildContextAsync(submission, jobId: "user");
        Assert.That(context.Image, Is.Not.Null, context.Build?.Log);
        return context.Image!;
    }

    [TestCase("USER 00\n")]
    [TestCase("USER 0:0\n")]
    [TestCase("")]
    [TestCase("RUN echo 'admin:x:0:0::/:/bin/sh' >> /etc/passwd\nUSER admin\n")]
    public async Task InspectAsync_UserThatIsRoot_ResolvedToUidZero(string steps)
    {
        var image = await BuildAndInspectAsync(steps);

        Assert.That(image.ResolvedUser?.Uid, Is.EqualTo(0), image.ResolvedUser?.Problem);
    }

    [Test]
    public async Task ImageConfig_BuiltImageWithUserHealthcheckAndExpose_EveryRequirementReadFromTheEngine()
    {
        var image = await BuildAndInspectAsync("EXPOSE 8000 5353/udp\nHEALTHCHECK CMD true\nUSER nobody\n");
        var check = new Grader.Rubrics.Model.ImageConfigCheck { NonRoot = true, Healthcheck = true, Exposes = ["8000/tcp", "5353/udp"] };
        var context = Checks.ExecutorContexts.For(check);
        context.Image = image;

        var result = await new Grader.Runner.Images.ImageConfigCheckExecutor().ExecuteAsync(TestRubrics.Criterion(check), context, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(image.ExposedPorts, Is.EqualTo(new[] { "5353/udp", "8000/tcp" }));
            Assert.That(result.Status, Is.EqualTo(Grader.Rubrics.Results.CheckStatus.Passed), result.Message);
        });
    }

    [Test]
    public async Task InspectAsync_NamedUnprivilegedUser_ResolvedThroughTheImagesPasswd()
    {
        var image = await BuildAndInspectAsync("USER nobody\n");

        Assert.That(image.ResolvedUser, Is.EqualTo(new Grader.Runner.Dockerfiles.ImageUser("nobody", 65534, null, "the image's /etc/passwd")));
    }

    [Test]
    public async Task InspectAsync_UnknownUserName_ProblemNotAGuess()
    {
        var image = await BuildAndInspectAsync("USER ghost\n");

        Assert.That(image.ResolvedUser?.Uid, Is.Null);
        Assert.That(image.ResolvedUser?.Problem, Is.EqualTo("there is no user 'ghost' in the image's /etc/passwd"));
    }

    [Test]
    public async Task InspectAsync_PasswdIsALink_ProblemNotFollowed()
    {
        var image = await BuildAndInspectAsync("RUN cp /etc/passwd /p && rm /etc/passwd && ln -s /p /etc/passwd\nUSER nobody\n");

        Assert.That(image.ResolvedUser?.Uid, Is.Null);
        Assert.That(image.ResolvedUser?.Problem, Does.Contain("not a regular file"));
    }
}

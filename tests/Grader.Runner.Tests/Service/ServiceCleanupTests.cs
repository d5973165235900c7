using System.Diagnostics;

namespace Grader.Runner.Tests.Service;

[TestFixture]
[Category("Docker")]
[Category("Integration")]
public sealed class ServiceCleanupTests
{
    [Test]
    public async Task DisposeAsync_ReadyService_RemovesContainerNetworkAndHostRule()
    {
        await using var host = new ServiceTestHost();
        var outcome = await host.StartReadyAsync(ServiceTestHost.Spec(new BusyboxSite().File("/health", "ok").Command()));
        var ruleBefore = await InputRulesAsync();

        await outcome.Service!.DisposeAsync();

        var (containers, networks) = await host.LeftoversAsync();
        var ruleAfter = await InputRulesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(ruleBefore, Does.Contain("grader:" + host.RunnerId), "the guard was installed while the service ran");
            Assert.That(containers, Is.Empty);
            Assert.That(networks, Is.Empty);
            Assert.That(ruleAfter, Does.Not.Contain("grader:" + host.RunnerId));
        });
    }

    [Test]
    public async Task DisposeAsync_ServiceThatNeverBecameReady_RemovesEverything()
    {
        await using var host = new ServiceTestHost();
        var outcome = await host.StartAsync(ServiceTestHost.Spec(["sh", "-c", "exit 1"], restart: "no"));

        await outcome.Service!.DisposeAsync();

        var (containers, networks) = await host.LeftoversAsync();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Ready, Is.False);
            Assert.That(containers, Is.Empty);
            Assert.That(networks, Is.Empty);
        });
    }

    private static async Task<string> InputRulesAsync()
    {
        var start = new ProcessStartInfo("iptables", ["-w", "5", "-S", "INPUT"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}

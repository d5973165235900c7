using System.Diagnostics;
using Grader.Runner.Docker;

namespace Grader.Runner.Tests.Service;

/// <summary>The host firewall rules of service networks: a crashed runner's leftovers are swept, other runners' kept.</summary>
[TestFixture]
[Category("Integration")]
public sealed class HostIngressGuardTests
{
    private readonly HostIngressGuard _guard = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private string CrashedRunner => "test-crashed-" + _suffix;
    private string OtherRunner => "test-other-" + _suffix;

    [TearDown]
    public async Task RemoveRulesAsync()
    {
        await _guard.SweepAsync(CrashedRunner, CancellationToken.None);
        await _guard.SweepAsync(OtherRunner, CancellationToken.None);
    }

    [Test]
    public async Task SweepAsync_RulesOfCrashedRunner_RemovedAndOtherRunnersKept()
    {
        // Interfaces need not exist for iptables -i; names stay within Linux's 15 characters.
        await _guard.InstallAsync("grd" + _suffix + "a", CrashedRunner, CancellationToken.None);
        await _guard.InstallAsync("grd" + _suffix + "b", CrashedRunner, CancellationToken.None);
        await _guard.InstallAsync("grd" + _suffix + "c", OtherRunner, CancellationToken.None);

        var removed = await _guard.SweepAsync(CrashedRunner, CancellationToken.None);

        var rules = await InputRulesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.EqualTo(2));
            Assert.That(rules, Does.Not.Contain("grader:" + CrashedRunner));
            Assert.That(rules, Does.Contain("grader:" + OtherRunner));
        });
    }

    [Test]
    public async Task SweepAsync_NoRulesOfRunner_RemovesNothing()
    {
        await _guard.InstallAsync("grd" + _suffix + "c", OtherRunner, CancellationToken.None);

        var removed = await _guard.SweepAsync(CrashedRunner, CancellationToken.None);

        Assert.That(removed, Is.Zero);
        Assert.That(await InputRulesAsync(), Does.Contain("grader:" + OtherRunner));
    }

    private static async Task<string> InputRulesAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("iptables", ["-w", "5", "-S", "INPUT"]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}

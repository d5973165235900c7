using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Grader.Runner.Docker;

/// <summary>
/// Stops a service network's containers from opening connections to the runner host.
/// </summary>
/// <remarks>
/// An <c>internal</c> bridge network has no route out: the engine drops forwarded traffic between the
/// bridge and any other interface, so the service reaches neither the internet nor other networks, while
/// the runner on the host still reaches the container's address directly (verified on Engine 20.10).
/// What <c>internal</c> does not stop is traffic to the host itself: the bridge's gateway address (and
/// every other host address) answers on any port the host listens on, e.g. a bot or database bound to
/// 0.0.0.0. So the guard inserts <c>INPUT -i &lt;bridge&gt; -m conntrack --ctstate NEW -j DROP</c>: the
/// container cannot start a connection to the host, but the replies to the runner's own connections
/// (ESTABLISHED) still pass. IPv6 needs no rule: on a network without IPv6 the engine disables it inside
/// the container (net.ipv6.conf.all.disable_ipv6=1, verified). Rules carry a comment with the runner id
/// so a sweeper can find leftovers of a runner that crashed.
/// </remarks>
internal sealed partial class HostIngressGuard
{
    public const string CommentPrefix = "grader:";

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,200}$")]
    private static partial Regex SafeToken();

    public async Task InstallAsync(string bridgeInterface, string runnerId, CancellationToken cancellationToken)
    {
        var (code, error) = await RunAsync(["-w", "5", "-I", "INPUT", .. Rule(bridgeInterface, runnerId)], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new GraderInfrastructureException(
                $"Could not block the service network {bridgeInterface} from reaching the runner host (iptables exit {code}: {error.Trim()}). " +
                "Run the runner as root on the engine host, or set Grader:Service:BlockServiceToHost=false where the host exposes nothing.");
        }
    }

    public async Task RemoveAsync(string bridgeInterface, string runnerId, CancellationToken cancellationToken)
    {
        var (code, error) = await RunAsync(["-w", "5", "-D", "INPUT", .. Rule(bridgeInterface, runnerId)], cancellationToken).ConfigureAwait(false);
        if (code != 0) throw new GraderInfrastructureException($"Could not remove the host rule of service network {bridgeInterface} (iptables exit {code}: {error.Trim()}).");
    }

    /// <summary>
    /// Removes every rule this guard installed for <paramref name="runnerId"/> (a runner that crashed while a service
    /// ran leaves its rule behind); returns how many were removed. Rules of other runners are left alone.
    /// </summary>
    public Task<int> SweepAsync(string runnerId, CancellationToken cancellationToken) => SweepChainAsync("INPUT", runnerId, cancellationToken);

    /// <summary>Removes every rule of <paramref name="chain"/> commented for <paramref name="runnerId"/> (the build network guard's rules live in DOCKER-USER).</summary>
    internal static async Task<int> SweepChainAsync(string chain, string runnerId, CancellationToken cancellationToken)
    {
        var comment = CommentFor(runnerId);
        var (code, listing) = await RunAsync(["-w", "5", "-S", chain], cancellationToken).ConfigureAwait(false);
        if (code != 0) throw new GraderInfrastructureException($"Could not list the host rules (iptables exit {code}: {listing.Trim()}).");
        var removed = 0;
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Our rules hold only safe tokens (no spaces), so a split by spaces round-trips them; `-S` quotes comments.
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('"')).ToArray();
            var at = Array.IndexOf(tokens, "--comment");
            if (tokens.Length < 3 || tokens[0] != "-A" || at < 0 || at + 1 >= tokens.Length || tokens[at + 1] != comment) continue;
            var (deleted, error) = await RunAsync(["-w", "5", "-D", .. tokens[1..]], cancellationToken).ConfigureAwait(false);
            if (deleted != 0) throw new GraderInfrastructureException($"Could not remove the leftover host rule '{line}' (iptables exit {deleted}: {error.Trim()}).");
            removed++;
        }
        return removed;
    }

    private static string[] Rule(string bridgeInterface, string runnerId)
    {
        // Both end up as iptables arguments: keep them to a plain token set.
        if (!SafeToken().IsMatch(bridgeInterface)) throw new ArgumentException($"Unexpected interface name '{bridgeInterface}'.", nameof(bridgeInterface));
        return ["-i", bridgeInterface, "-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", CommentFor(runnerId), "-j", "DROP"];
    }

    /// <summary>The comment that marks a runner's rules (an unsafe id falls back to a fixed token, never into the arguments).</summary>
    internal static string CommentFor(string runnerId) => CommentPrefix + (SafeToken().IsMatch(runnerId) ? runnerId : "runner");

    internal static async Task<(int Code, string Error)> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("iptables")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new GraderInfrastructureException("iptables did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new GraderInfrastructureException("iptables is not installed on the runner host; it is needed to isolate the service from the host.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var error = new StringBuilder(await stderr.ConfigureAwait(false)).Append(await stdout.ConfigureAwait(false)).ToString();
            return (process.ExitCode, error);
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Grader.Runner.Docker;

/// <summary>A build's own guarded bridge network (egress mode): its name for the engine and its bridge interface for the rules.</summary>
/// <param name="Rules">The DOCKER-USER rules installed for it, removed exactly as installed.</param>
internal sealed record BuildNetworkLease(string Name, string NetworkId, string Bridge, string RunnerId, IReadOnlyList<string[]> Rules);

/// <summary>
/// The build network of egress mode: a bridge network per build whose RUN steps reach public addresses (package
/// mirrors) and nothing else. The engine's own bridge rules let a container reach every address the host routes to;
/// this guard adds, for the build's bridge interface only:
/// <list type="bullet">
/// <item>INPUT: no new connection to the host itself (<see cref="HostIngressGuard"/>: gateway and every host address);</item>
/// <item>DOCKER-USER (forwarded traffic): DROP to loopback, private (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10),
/// link-local (169.254/16, cloud metadata included), "this network" (0/8), multicast and reserved ranges, and the
/// host's own directly connected networks whatever their range, so neither other containers and jobs nor the host's
/// network are reachable;</item>
/// <item>DOCKER-USER RETURN (before the drops) for DNS (udp/tcp 53) to the host's own resolvers when they sit in one
/// of those ranges, so name resolution through the engine's DNS keeps working.</item>
/// </list>
/// Inter-container traffic on the bridge itself is off (<c>enable_icc=false</c>). Every rule carries the runner's
/// comment, so a sweep after a crash removes them; the network carries the job's labels, so the janitor removes it.
/// </summary>
internal sealed class BuildNetworkGuard(IDockerClient docker, HostIngressGuard hostGuard, string resolvConf = "/etc/resolv.conf")
{
    public const string Chain = "DOCKER-USER";

    /// <summary>Destinations a build never reaches in egress mode.</summary>
    public static readonly IReadOnlyList<string> BlockedRanges =
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
    ];

    /// <summary>The host's own directly connected IPv4 networks (its LAN, whatever range it uses), read from /proc/net/route.</summary>
    internal static IReadOnlyList<string> ConnectedNetworks(string routeTable = "/proc/net/route")
    {
        if (!File.Exists(routeTable)) return [];
        var networks = new List<string>();
        foreach (var line in File.ReadLines(routeTable).Skip(1).Take(1000))
        {
            // Iface Destination Gateway Flags RefCnt Use Metric Mask ... (addresses little-endian hex)
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || fields[2] != "00000000" || fields[1] == "00000000") continue;
            if (!uint.TryParse(fields[1], System.Globalization.NumberStyles.HexNumber, null, out var destination)
                || !uint.TryParse(fields[7], System.Globalization.NumberStyles.HexNumber, null, out var mask)) continue;
            var prefix = System.Numerics.BitOperations.PopCount(mask);
            var network = $"{new IPAddress(destination)}/{prefix}";
            if (!networks.Contains(network)) networks.Add(network);
        }
        return networks;
    }

    public async Task<BuildNetworkLease> CreateAsync(string runnerId, string jobId, IDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var suffix = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runnerId + "\0" + jobId + "\0" + Guid.NewGuid().ToString("N"))))[..12];
        // Interface names are at most 15 characters.
        var bridge = "grb" + suffix;
        var name = "grader-build-" + suffix;
        var created = await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Driver = "bridge",
            CheckDuplicate = true,
            EnableIPv6 = false,
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
            Options = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["com.docker.network.bridge.name"] = bridge,
                ["com.docker.network.bridge.enable_icc"] = "false",
            },
        }, cancellationToken).ConfigureAwait(false);
        var rules = new List<string[]>();
        var lease = new BuildNetworkLease(name, created.ID, bridge, runnerId, rules);
        try
        {
            await hostGuard.InstallAsync(bridge, runnerId, cancellationToken).ConfigureAwait(false);
            foreach (var rule in ForwardRules(bridge, runnerId, ResolversToAllow()))
            {
                await IptablesAsync(["-w", "5", "-I", Chain, .. rule], cancellationToken).ConfigureAwait(false);
                rules.Add(rule);
            }
            return lease;
        }
        catch
        {
            await RemoveAsync(lease, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Removes the rules and the network; rules that are already gone are fine.</summary>
    public async Task RemoveAsync(BuildNetworkLease lease, CancellationToken cancellationToken)
    {
        foreach (var rule in lease.Rules)
        {
            await HostIngressGuard.RunAsync(["-w", "5", "-D", Chain, .. rule], cancellationToken).ConfigureAwait(false);
        }
        try
        {
            await hostGuard.RemoveAsync(lease.Bridge, lease.RunnerId, cancellationToken).ConfigureAwait(false);
        }
        catch (GraderInfrastructureException)
        {
            // Never installed (creation failed half way): nothing to remove.
        }
        try
        {
            await docker.Networks.DeleteNetworkAsync(lease.NetworkId, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNetworkNotFoundException)
        {
            // Removed already.
        }
    }

    /// <summary>Start-up sweep of a crashed runner's build rules (its networks go with the janitor's label sweep).</summary>
    public static async Task<int> SweepAsync(string runnerId, CancellationToken cancellationToken) =>
        await HostIngressGuard.SweepChainAsync(Chain, runnerId, cancellationToken).ConfigureAwait(false)
        + await HostIngressGuard.SweepChainAsync("INPUT", runnerId, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The rules in the order they are inserted (each at the top): drops first, so the DNS exceptions inserted
    /// after them end up above them.
    /// </summary>
    internal static IEnumerable<string[]> ForwardRules(string bridge, string runnerId, IReadOnlyList<IPAddress> resolvers)
    {
        var comment = HostIngressGuard.CommentFor(runnerId);
        foreach (var range in BlockedRanges.Concat(ConnectedNetworks().Where(n => !BlockedRanges.Contains(n))))
        {
            yield return ["-i", bridge, "-d", range, "-m", "comment", "--comment", comment, "-j", "DROP"];
        }
        foreach (var resolver in resolvers)
        {
            foreach (var protocol in new[] { "udp", "tcp" })
            {
                yield return ["-i", bridge, "-d", resolver + "/32", "-p", protocol, "--dport", "53", "-m", "comment", "--comment", comment, "-j", "RETURN"];
            }
        }
    }

    /// <summary>The host's IPv4 resolvers inside a blocked range (the engine's DNS forwards to them from the build's network).</summary>
    private IReadOnlyList<IPAddress> ResolversToAllow()
    {
        if (!File.Exists(resolvConf)) return [];
        var resolvers = new List<IPAddress>();
        foreach (var line in File.ReadLines(resolvConf).Take(200))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || words[0] != "nameserver" || !IPAddress.TryParse(words[1], out var address)) continue;
            if (address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(address)) continue;
            if (BlockedRanges.Any(r => IPNetwork.Parse(r).Contains(address)) && !resolvers.Contains(address)) resolvers.Add(address);
        }
        return resolvers;
    }

    private static async Task IptablesAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (code, error) = await HostIngressGuard.RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new GraderInfrastructureException(
                $"Could not guard the build network (iptables exit {code}: {error.Trim()}). Run the runner as root on the engine host, " +
                "or set Grader:Runner:BuildNetwork=none (builds without network).");
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Grader.Runner.Tests.Hostile;

/// <summary>
/// Listeners a hostile build tries to reach, all on this machine: one on every host address (as a bot or database on
/// the runner host would be), and, inside a network namespace this fixture creates (veth pair, host routes), the cloud
/// metadata address 169.254.169.254, a private 10.x address and a "public" documentation address 198.51.100.7 that
/// stands for a package mirror. Traffic never leaves the machine: the host routes those addresses into the namespace.
/// </summary>
internal sealed class ProbeListeners : IAsyncDisposable
{
    public const string Metadata = "169.254.169.254";
    public const string PrivateAddress = "10.213.77.2";
    public const string PublicAddress = "198.51.100.7";
    private const string HostSide = "10.213.77.1";

    private readonly TcpListener _host;
    private readonly string _namespace;
    private readonly string _hostVeth;
    private readonly List<string> _routes = [];
    /// <summary>Routes that were there before ours replaced them (a cloud host routes the metadata address itself).</summary>
    private readonly List<string> _replacedRoutes = [];
    private Process? _server;

    private ProbeListeners(string suffix)
    {
        _host = new TcpListener(IPAddress.Any, 0);
        _namespace = "gbt-" + suffix;
        _hostVeth = "gbh" + suffix;
    }

    /// <summary>The port the host listener accepts on (every host address, the bridge gateways included).</summary>
    public int HostPort => ((IPEndPoint)_host.LocalEndpoint).Port;

    public static async Task<ProbeListeners> StartAsync()
    {
        await SweepLeftoversAsync();
        // The suffix names this process, so a later run can tell a killed run's leftovers from a live one's.
        var listeners = new ProbeListeners(Environment.ProcessId.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            listeners._host.Start();
            await listeners.CreateNamespaceAsync();
            return listeners;
        }
        catch
        {
            await listeners.DisposeAsync();
            throw;
        }
    }

    private async Task CreateNamespaceAsync()
    {
        var peer = _hostVeth.Replace("gbh", "gbn", StringComparison.Ordinal);
        await IpAsync("netns", "add", _namespace);
        await IpAsync("link", "add", _hostVeth, "type", "veth", "peer", "name", peer);
        await IpAsync("link", "set", peer, "netns", _namespace);
        await IpAsync("addr", "add", HostSide + "/30", "dev", _hostVeth);
        await IpAsync("link", "set", _hostVeth, "up");
        await IpAsync("netns", "exec", _namespace, "ip", "addr", "add", PrivateAddress + "/30", "dev", peer);
        await IpAsync("netns", "exec", _namespace, "ip", "addr", "add", Metadata + "/32", "dev", peer);
        await IpAsync("netns", "exec", _namespace, "ip", "addr", "add", PublicAddress + "/32", "dev", peer);
        await IpAsync("netns", "exec", _namespace, "ip", "link", "set", peer, "up");
        await IpAsync("netns", "exec", _namespace, "ip", "link", "set", "lo", "up");
        await IpAsync("netns", "exec", _namespace, "ip", "route", "add", "default", "via", HostSide);
        foreach (var address in new[] { Metadata, PublicAddress })
        {
            var existing = (await IpOutputAsync("route", "show", "exact", address + "/32")).Trim();
            if (existing.Length > 0) _replacedRoutes.Add(existing);
            await IpAsync("route", "replace", address + "/32", "via", PrivateAddress, "dev", _hostVeth);
            _routes.Add(address + "/32");
        }
        // One TCP listener on every address of the namespace (busybox nc -ll: a persistent server).
        _server = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", _namespace, "busybox", "nc", "-ll", "-p", "80", "-e", "echo", "reached"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("could not start the namespace listener");
    }

    private static async Task IpAsync(params string[] arguments) => await IpOutputAsync(arguments);

    private static async Task<string> IpOutputAsync(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {error}");
        return await output;
    }

    /// <summary>
    /// Removes the namespaces and links of earlier runs whose process is gone (killed before its teardown): their routes
    /// go with their links. A live run's are left alone.
    /// </summary>
    private static async Task SweepLeftoversAsync()
    {
        foreach (var line in (await IpOutputAsync("netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith("gbt-", StringComparison.Ordinal) || IsLiveProcess(name["gbt-".Length..])) continue;
            await TryIpAsync("link", "del", "gbh" + name["gbt-".Length..]);
            await TryIpAsync("netns", "del", name);
        }
    }

    private static bool IsLiveProcess(string hexPid) =>
        int.TryParse(hexPid, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var pid)
        && Directory.Exists($"/proc/{pid}");

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        if (_server is not null)
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
            _server.Dispose();
        }
        foreach (var route in _routes) await TryIpAsync("route", "del", route);
        await TryIpAsync("link", "del", _hostVeth);
        await TryIpAsync("netns", "del", _namespace);
        foreach (var route in _replacedRoutes) await TryIpAsync(["route", "replace", .. route.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
    }

    private static async Task TryIpAsync(params string[] arguments)
    {
        try
        {
            await IpAsync(arguments);
        }
        catch (InvalidOperationException)
        {
            // Gone with the namespace.
        }
    }

    /// <summary>
    /// A shell snippet (busybox) that tries a TCP connection to each target and prints <c>NAME=reachable</c> or
    /// <c>NAME=blocked</c>; <c>GATEWAY</c> is the container's default gateway (the host, seen from its bridge).
    /// </summary>
    public string ProbeScript(params (string Name, string Address, int Port)[] targets)
    {
        var lines = new List<string> { "GATEWAY=$(ip route | awk '/default/ {print $3}')" };
        lines.AddRange(targets.Select(t => $"if nc -w 3 {t.Address} {t.Port} -e true 2>/dev/null; then echo {t.Name}=reachable; else echo {t.Name}=blocked; fi"));
        return string.Join("; ", lines);
    }

    /// <summary>Every target the tests probe: the host (through the gateway), metadata, a private address, the public stand-in.</summary>
    public (string Name, string Address, int Port)[] AllTargets() =>
    [
        ("HOST", "$GATEWAY", HostPort),
        ("METADATA", Metadata, 80),
        ("PRIVATE", PrivateAddress, 80),
        ("PUBLIC", PublicAddress, 80),
    ];
}

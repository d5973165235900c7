using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Grader.Server.Tests.Fleet;

/// <summary>
/// A PostgreSQL server of one test's own (initdb into a temporary folder, its own port on loopback, the binaries
/// scripts/lib/ensure-postgres.sh installed), so the test may restart it without disturbing the server other tests use.
/// Runs as the <c>postgres</c> user (the server refuses root); trust authentication on loopback, superuser
/// <c>postgres</c>. Removed with its folder on dispose.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _bin;
    private readonly int _port;

    private PrivatePostgres(string root, string bin, int port) => (_root, _bin, _port) = (root, bin, port);

    /// <summary>The admin connection string (database <c>postgres</c>), as <c>GRADER_TEST_POSTGRES</c> names the shared server.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=10";

    private string Data => Path.Combine(_root, "data");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var versions = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(v => int.Parse(Path.GetFileName(v), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(versions, Is.Not.Empty, "PostgreSQL's binaries (scripts/lib/ensure-postgres.sh installs them)");
        var root = Path.Combine("/tmp", "gpg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var server = new PrivatePostgres(root, Path.Combine(versions[^1], "bin"), FreePort());
        await RunAsync("chown", "postgres:postgres", root);
        await server.AsPostgresAsync("initdb", "-D", server.Data, "-U", "postgres", "--auth=trust", "--no-sync");
        await server.StartServerAsync();
        return server;
    }

    /// <summary>Starts the server on its folder (again, after <see cref="StopAsync"/>) and waits until it accepts connections.</summary>
    public Task StartServerAsync() =>
        AsPostgresAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {_port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    /// <summary>A fast shutdown, as a restart does: every session is ended, in-flight transactions rolled back.</summary>
    public Task StopAsync() => AsPostgresAsync("pg_ctl", "-D", Data, "-w", "-t", "60", "-m", "fast", "stop");

    public async ValueTask DisposeAsync()
    {
        if (!Directory.Exists(_root))
        {
            return;
        }

        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await AsPostgresAsync("pg_ctl", "-D", Data, "-w", "-t", "60", "-m", "immediate", "stop");
        }

        Directory.Delete(_root, recursive: true);
    }

    private Task AsPostgresAsync(string tool, params string[] arguments) =>
        RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments]);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"{file} {string.Join(' ', arguments)}\n{await output}{await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Collections.Concurrent;

namespace Grader.Testing.GitHub;

/// <summary>
/// One emulator and one prism per test process (prism needs ~10-20 s to load GitHub's description): clients talk
/// to <see cref="ApiBaseUrl"/> (prism), prism forwards valid requests to the emulator. Tests isolate themselves by
/// creating their own App, installation and repositories.
/// </summary>
public sealed class GitHubTestEnvironment : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static GitHubTestEnvironment? _shared;

    private GitHubTestEnvironment(GitHubEmulator emulator, PrismValidator prism)
    {
        Emulator = emulator;
        Prism = prism;
    }

    public GitHubEmulator Emulator { get; }

    /// <summary>Violations prism answered to clients using <see cref="CreateViolationRecorder"/>, oldest first.</summary>
    public ConcurrentQueue<string> RecordedViolations { get; } = new();

    /// <summary>A handler to put in the client's HTTP pipeline so prism's detailed violations reach test failures.</summary>
    public DelegatingHandler CreateViolationRecorder() => new PrismViolationRecorder(RecordedViolations);
    public PrismValidator Prism { get; }

    /// <summary>The API root the client under test uses: prism, validating, in front of the emulator.</summary>
    public Uri ApiBaseUrl => Prism.BaseUrl;

    /// <summary>An Enterprise Server style API root (…/api/v3/) on the emulator, forwarded through prism.</summary>
    public Uri EnterpriseApiBaseUrl => new(Emulator.BaseUrl, "api/v3/");

    public static async Task<GitHubTestEnvironment> GetAsync(CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_shared is null)
            {
                var emulator = await GitHubEmulator.StartAsync(cancellationToken).ConfigureAwait(false);
                var prism = await PrismValidator.StartAsync(emulator.BaseUrl, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
                emulator.EnterpriseUpstream = prism.BaseUrl;
                _shared = new GitHubTestEnvironment(emulator, prism);
            }

            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Stops the shared environment (call from a [OneTimeTearDown] of a SetUpFixture).</summary>
    public static async Task ShutdownAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_shared is not null)
            {
                await _shared.DisposeAsync().ConfigureAwait(false);
                _shared = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Prism.DisposeAsync().ConfigureAwait(false);
        await Emulator.DisposeAsync().ConfigureAwait(false);
    }
}

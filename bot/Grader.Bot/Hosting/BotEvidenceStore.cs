using Grader.Bot.Configuration;
using Grader.Bot.Integration;
using Grader.Bot.Jobs;
using Grader.Evidence.Recording;
using Grader.Evidence.Signing;
using Grader.Evidence.Store;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Hosting;

/// <summary>
/// The bot's evidence store for reports, opened (and migrated) when the host starts, so an unreachable PostgreSQL or a
/// schema newer than the binary stops the start with its message instead of failing the first report.
/// </summary>
public sealed class BotEvidenceStore(IOptions<BotOptions> options, ILogger<BotEvidenceStore> logger) : IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EvidenceDatabase? _database;

    public EvidenceOptions Settings { get; } = options.Value.Evidence.For(options.Value);

    public bool Enabled => options.Value.Evidence.Enabled;

    public async Task<EvidenceDatabase> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _database ??= await EvidenceDatabase.OpenAsync(Settings.Database(), logger, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The signing key for exports that issue credentials, when one exists (the recorder creates it beside a SQLite store).</summary>
    public EvidenceSigningKey? LoadKey()
    {
        var path = Settings.EffectiveKeyPath();
        return File.Exists(path) ? EvidenceSigningKey.Load(path) : null;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled) await GetAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

public static class BotEvidenceServiceCollectionExtensions
{
    /// <summary>
    /// The bot's evidence store (opened with the host, closed with it), the grading evidence it records and the roster's
    /// deadline extensions it holds.
    /// </summary>
    public static IServiceCollection AddBotEvidence(this IServiceCollection services)
    {
        services.AddSingleton<BotEvidenceStore>();
        services.AddSingleton<IRosterExtensions, BotRosterExtensions>();
        services.AddHostedService(sp => sp.GetRequiredService<BotEvidenceStore>());
        services.AddGradingEvidence();
        return services;
    }
}

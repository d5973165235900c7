namespace Grader.GitHub.Outbox;

/// <summary>
/// Whether this process may relay the outbox now. Where several processes share one outbox (the bot's webhook fronts
/// on one PostgreSQL database), one holds the lease and relays while the others stand by, so no publication goes out
/// twice side by side; a process that is the outbox's only reader (<see cref="SoleRelay"/>) always holds it.
/// </summary>
public interface IRelayLease
{
    /// <summary>Read before every publication: a lease lost in the middle of a pass ends the pass.</summary>
    bool IsHeld { get; }
}

/// <summary>The lease of a process that is its outbox's only reader (one bot on SQLite, the action).</summary>
public sealed class SoleRelay : IRelayLease
{
    public bool IsHeld => true;
}

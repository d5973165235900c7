using Grader.Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Webhooks;

/// <summary>
/// Bytes that webhook requests not yet authenticated may hold together (<see cref="WebhookIntakeOptions.UnauthenticatedBudgetBytes"/>).
/// A request reserves before it reads and releases when its signature is checked or it ends.
/// </summary>
public sealed class UnauthenticatedBodyBudget(IOptions<BotOptions> options)
{
    private readonly long _limit = options.Value.WebhookIntake.UnauthenticatedBudgetBytes;
    private long _inUse;

    /// <summary>Bytes reserved now.</summary>
    public long InUse => Interlocked.Read(ref _inUse);

    /// <summary>Reserves <paramref name="bytes"/>; false (nothing reserved) when that would exceed the budget.</summary>
    public bool TryReserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        while (true)
        {
            var current = Interlocked.Read(ref _inUse);
            if (current + bytes > _limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inUse, current + bytes, current) == current)
            {
                return true;
            }
        }
    }

    public void Release(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Add(ref _inUse, -bytes);
    }
}

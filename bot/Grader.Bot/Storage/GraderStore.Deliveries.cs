using System.Globalization;
using System.Data.Common;

namespace Grader.Bot.Storage;

public sealed partial class GraderStore
{
    /// <summary>Persists a delivery (committed when this returns); false when its delivery id was seen before.</summary>
    public Task<bool> TryAddDeliveryAsync(string deliveryId, string eventName, string? action, string payload, DeliveryState state, string? note, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "INSERT INTO deliveries (delivery_id, event, action, payload, state, note, received_at) VALUES (@id, @event, @action, @payload, @state, @note, @at) ON CONFLICT (delivery_id) DO NOTHING",
                ("@id", deliveryId), ("@event", eventName), ("@action", action), ("@payload", payload), ("@state", state.ToString()), ("@note", note), ("@at", Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <summary>Accepted deliveries not yet interpreted, oldest first.</summary>
    public async Task<IReadOnlyList<StoredDelivery>> GetAcceptedDeliveriesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT delivery_id, event, action, payload, state, received_at FROM deliveries WHERE state = @state ORDER BY seq LIMIT @limit",
            ("@state", nameof(DeliveryState.Accepted)), ("@limit", limit));
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredDelivery?> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT delivery_id, event, action, payload, state, received_at FROM deliveries WHERE delivery_id = @id",
            ("@id", deliveryId));
        var rows = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task MarkDeliveryAsync(string deliveryId, DeliveryState state, string? note, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "UPDATE deliveries SET state = @state, note = @note WHERE delivery_id = @id",
                ("@id", deliveryId), ("@state", state.ToString()), ("@note", note));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<List<StoredDelivery>> ReadDeliveriesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredDelivery(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                Enum.Parse<DeliveryState>(reader.GetString(4)),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture)));
        }

        return rows;
    }
}

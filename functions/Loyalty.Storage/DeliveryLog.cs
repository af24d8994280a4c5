using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>
/// Webhook deliveries already queued, by delivery key (<c>shopify:{shop}:webhook:{id}</c>), in
/// the orders table next to the order index (the keys cannot meet: order keys have
/// <c>:order:</c> where these have <c>:webhook:</c>). A delivery is recorded only after its
/// events were queued, so a crash in between loses nothing: the retried delivery is queued
/// again and the member's <c>evt|</c> marker applies it once. One point read before queueing
/// and one upsert after: two table requests per delivery that carries an id.
/// </summary>
public sealed class DeliveryLog(StorageClients clients)
{
    private const string RowKey = "delivery";

    /// <summary>Whether <paramref name="deliveryKey"/> was recorded.</summary>
    public async Task<bool> SeenAsync(string deliveryKey, CancellationToken ct)
    {
        Require(deliveryKey);
        var row = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(deliveryKey, RowKey, ["RowKey"], ct).ConfigureAwait(false);
        return row.HasValue;
    }

    /// <summary>Records that <paramref name="deliveryKey"/> was queued as <paramref name="eventIds"/> (idempotent).</summary>
    public async Task RecordAsync(string deliveryKey, IReadOnlyList<string> eventIds, DateTimeOffset queuedAt, CancellationToken ct)
    {
        Require(deliveryKey);
        ArgumentNullException.ThrowIfNull(eventIds);
        var row = new TableEntity(deliveryKey, RowKey)
        {
            ["EventIds"] = string.Join(' ', eventIds),
            ["QueuedAt"] = queuedAt,
        };
        await clients.Orders.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    private static void Require(string key)
    {
        if (!Keys.IsValid(key))
        {
            throw new ArgumentException("Not a valid delivery key.", nameof(key));
        }
    }
}

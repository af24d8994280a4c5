using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>
/// Which member placed an order, by order key (<c>{source}:order:{orderId}</c>). Shopify's
/// refund webhook names only the order, so the processor records the member when it credits
/// an order and looks it up when a refund arrives. One row per order, point reads only.
/// </summary>
public sealed class OrderIndex(StorageClients clients)
{
    private const string RowKey = "member";

    /// <summary>Records (idempotently) that <paramref name="memberId"/> placed the order.</summary>
    public async Task RecordAsync(string orderKey, string memberId, CancellationToken ct)
    {
        Require(orderKey, nameof(orderKey));
        Require(memberId, nameof(memberId));
        await clients.Orders.UpsertEntityAsync(new TableEntity(orderKey, RowKey) { ["MemberId"] = memberId }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>The member who placed the order, or null when no such order was credited.</summary>
    public async Task<string?> FindMemberAsync(string orderKey, CancellationToken ct)
    {
        Require(orderKey, nameof(orderKey));
        var row = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(orderKey, RowKey, ["MemberId"], ct).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString("MemberId") : null;
    }

    private static void Require(string key, string name)
    {
        if (!Keys.IsValid(key))
        {
            throw new ArgumentException("Not a valid key.", name);
        }
    }
}

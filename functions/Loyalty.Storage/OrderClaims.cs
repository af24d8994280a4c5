using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>
/// The claim on one shop order: which member it was credited to, and the take-backs (refunds,
/// cancellations) that arrived before it, kept until it is credited.
/// </summary>
/// <param name="OrderKey">The order's key, <c>{source}:order:{orderId}</c>.</param>
/// <param name="MemberId">The member who claimed it; null while only take-backs wait on it.</param>
/// <param name="Waiting">Queue envelopes of the take-backs waiting for the order.</param>
public sealed record OrderClaim(string OrderKey, string? MemberId, IReadOnlyList<string> Waiting, ETag ETag);

/// <summary>
/// One row per shop order in the orders table (PartitionKey the order key, RowKey
/// <c>member</c>). The first purchase to claim an order owns it (insert if absent); a purchase
/// of the same order for another member is refused; refunds and cancellations follow the claim,
/// whatever member they name; one that comes before its order waits on the row, durably, and
/// is sent on when the order is credited. Every change is an insert or an If-Match update, so
/// a claim and a waiting take-back racing each other cannot both win.
/// </summary>
public sealed class OrderClaims(StorageClients clients)
{
    /// <summary>Most take-backs that may wait on one order.</summary>
    public const int MaxWaiting = 20;

    private const string RowKey = "member";

    /// <summary>
    /// Claims the order for <paramref name="memberId"/> (1 insert; a read and an update when the
    /// row exists) and returns the claim: owned by this member (it was free, or this member
    /// claimed it before) or by another, and the take-backs that waited for it.
    /// </summary>
    public async Task<OrderClaim> ClaimAsync(string orderKey, string memberId, CancellationToken ct)
    {
        Require(orderKey, nameof(orderKey));
        Require(memberId, nameof(memberId));
        while (true)
        {
            try
            {
                var added = await clients.Orders.AddEntityAsync(new TableEntity(orderKey, RowKey) { ["MemberId"] = memberId }, ct).ConfigureAwait(false);
                return new OrderClaim(orderKey, memberId, [], added.Headers.ETag ?? default);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Claimed already, or take-backs are waiting on it: read it.
            }

            var claim = await FindAsync(orderKey, ct).ConfigureAwait(false);
            if (claim is null)
            {
                continue;
            }

            if (claim.MemberId is not null)
            {
                return claim;
            }

            try
            {
                var row = new TableEntity(orderKey, RowKey) { ["MemberId"] = memberId };
                var updated = await clients.Orders.UpdateEntityAsync(row, claim.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                return claim with { MemberId = memberId, ETag = updated.Headers.ETag ?? default };
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // A take-back joined the queue meanwhile: read again.
            }
        }
    }

    /// <summary>The claim on the order, or null when nothing is known of it (1 request).</summary>
    public async Task<OrderClaim?> FindAsync(string orderKey, CancellationToken ct)
    {
        Require(orderKey, nameof(orderKey));
        var row = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(orderKey, RowKey, ["MemberId", "Waiting"], ct).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }

        var entity = row.Value!;
        var member = entity.GetString("MemberId");
        var waiting = entity.GetString("Waiting") is { Length: > 0 } json ? JsonSerializer.Deserialize<List<string>>(json) ?? [] : [];
        return new OrderClaim(orderKey, string.IsNullOrEmpty(member) ? null : member, waiting, entity.ETag);
    }

    /// <summary>
    /// Keeps the take-back <paramref name="evt"/> on the order until it is claimed. Returns the
    /// member when the order was claimed meanwhile (route the event there instead), null once
    /// it waits (a second call for the same event id changes nothing).
    /// </summary>
    /// <exception cref="InvalidOperationException">More than <see cref="MaxWaiting"/> take-backs would wait.</exception>
    public async Task<string?> WaitAsync(string orderKey, LoyaltyEvent evt, CancellationToken ct)
    {
        Require(orderKey, nameof(orderKey));
        ArgumentNullException.ThrowIfNull(evt);
        var envelope = EventEnvelope.Serialize(evt);
        while (true)
        {
            var claim = await FindAsync(orderKey, ct).ConfigureAwait(false);
            if (claim?.MemberId is { } member)
            {
                return member;
            }

            var waiting = claim?.Waiting ?? [];
            if (waiting.Any(w => EventEnvelope.TryParse(w, out var other, out _) && other?.EventId == evt.EventId))
            {
                return null;
            }

            if (waiting.Count >= MaxWaiting)
            {
                throw new InvalidOperationException($"Order {orderKey} already has {MaxWaiting} take-backs waiting for it.");
            }

            var row = new TableEntity(orderKey, RowKey) { ["Waiting"] = JsonSerializer.Serialize(waiting.Append(envelope).ToList()) };
            try
            {
                if (claim is null)
                {
                    await clients.Orders.AddEntityAsync(row, ct).ConfigureAwait(false);
                }
                else
                {
                    await clients.Orders.UpdateEntityAsync(row, claim.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                }

                return null;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // The order was claimed, or another take-back joined, meanwhile: read again.
            }
        }
    }

    /// <summary>Empties the waiting list once its take-backs were sent on (1 request; only a claimed order's list, which nothing adds to any more).</summary>
    public async Task ReleasedAsync(string orderKey, CancellationToken ct)
    {
        Require(orderKey, nameof(orderKey));
        await clients.Orders.UpdateEntityAsync(new TableEntity(orderKey, RowKey) { ["Waiting"] = string.Empty }, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
    }

    private static void Require(string key, string name)
    {
        if (!Keys.IsValid(key))
        {
            throw new ArgumentException("Not a valid key.", name);
        }
    }
}

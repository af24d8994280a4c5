using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>Where a held event stands.</summary>
public enum HeldStatus
{
    /// <summary>Waiting for the owner.</summary>
    Pending,

    /// <summary>The owner approved it and it was applied.</summary>
    Approved,

    /// <summary>The owner rejected it: it is never applied.</summary>
    Rejected,
}

/// <summary>An event held over a credit limit, as the owner sees it.</summary>
/// <param name="EventId">The event's id (the row key).</param>
/// <param name="MemberId">The member it would credit.</param>
/// <param name="Points">The points it would credit.</param>
/// <param name="Reason">Which limit it is over.</param>
/// <param name="Message">The event as its queue envelope, to apply on approval.</param>
public sealed record HeldEvent(string EventId, string MemberId, long Points, string Reason, string Message, HeldStatus Status, DateTimeOffset HeldAt, DateTimeOffset? DecidedAt, string? DecidedBy, string? Note, ETag ETag);

/// <summary>
/// Events held for the owner's approval, one row each in the <c>held</c> partition of the
/// orders table (keyed by event id; the order table's other keys all hold <c>:order:</c> or
/// <c>:webhook:</c>, so they cannot meet). A redelivered held event finds its row and stays
/// as the owner decided.
/// </summary>
public sealed class HeldEvents(StorageClients clients)
{
    private const string Partition = "held";

    /// <summary>
    /// Holds <paramref name="evt"/> (insert if absent, 1 request; 2 when it was held before)
    /// and returns its row as it now stands, and whether this call inserted it.
    /// </summary>
    public async Task<(HeldEvent Held, bool Inserted)> HoldAsync(LoyaltyEvent evt, long points, string reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(evt);
        Require(evt.EventId);
        var row = new TableEntity(Partition, evt.EventId)
        {
            ["MemberId"] = evt.MemberId,
            ["Points"] = points,
            ["Reason"] = reason,
            ["Message"] = EventEnvelope.Serialize(evt),
            ["Status"] = nameof(HeldStatus.Pending),
            ["HeldAt"] = now,
        };
        try
        {
            var added = await clients.Orders.AddEntityAsync(row, ct).ConfigureAwait(false);
            row.ETag = added.Headers.ETag ?? default;
            return (Read(row), true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return (await FindAsync(evt.EventId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException("A held event's row vanished while it was read.", ex), false);
        }
    }

    /// <summary>The held event, or null (1 request).</summary>
    public async Task<HeldEvent?> FindAsync(string eventId, CancellationToken ct)
    {
        Require(eventId);
        var row = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(Partition, eventId, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>Held events with <paramref name="status"/>, oldest key first, at most <paramref name="max"/> (one partition query).</summary>
    public async Task<IReadOnlyList<HeldEvent>> ListAsync(HeldStatus status, int max, CancellationToken ct)
    {
        var found = new List<HeldEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {status.ToString()}");
        await foreach (var row in clients.Orders.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: ct).ConfigureAwait(false))
        {
            found.Add(Read(row));
            if (found.Count == max)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Records the owner's decision if the row is unchanged since <paramref name="held"/> was read; false when it changed.</summary>
    public async Task<bool> DecideAsync(HeldEvent held, HeldStatus status, string decidedBy, string? note, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(held);
        var change = new TableEntity(Partition, held.EventId)
        {
            ["Status"] = status.ToString(),
            ["DecidedAt"] = now,
            ["DecidedBy"] = decidedBy,
            ["Note"] = note,
        };
        try
        {
            await clients.Orders.UpdateEntityAsync(change, held.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    private static HeldEvent Read(TableEntity row) => new(
        row.RowKey,
        row.GetString("MemberId") ?? string.Empty,
        row.GetInt64("Points") ?? 0,
        row.GetString("Reason") ?? string.Empty,
        row.GetString("Message") ?? string.Empty,
        Enum.TryParse<HeldStatus>(row.GetString("Status"), out var status) ? status : HeldStatus.Pending,
        row.GetDateTimeOffset("HeldAt") ?? default,
        row.GetDateTimeOffset("DecidedAt"),
        row.GetString("DecidedBy"),
        row.GetString("Note"),
        row.ETag);

    private static void Require(string key)
    {
        if (!Keys.IsValid(key))
        {
            throw new ArgumentException("Not a valid event id.", nameof(key));
        }
    }
}

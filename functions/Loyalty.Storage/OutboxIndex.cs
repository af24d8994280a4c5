using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>One row of the due-messages index: message <paramref name="MessageId"/> of <paramref name="MemberId"/> is due at <paramref name="DueAt"/>.</summary>
public sealed record DueMessage(string MemberId, string MessageId, DateTimeOffset DueAt)
{
    /// <summary>The row key: the due time first, so a range query reads the due rows in order.</summary>
    public string RowKey => DueAt.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture) + "|" + MemberId + "|" + MessageId;
}

/// <summary>
/// The index of due messages (docs/ARCHITECTURE.md, "schedule"): partition <c>outbox</c> of the
/// schedule table, one row per message and due time, keyed by the due time. Rows are upserted
/// before the member's commit that makes a message due, so the dispatcher always finds it; it
/// reads the rows due by now (one range query of one partition) and never scans members. A stale
/// row is harmless: the dispatcher's claim re-checks the message and the row is then deleted.
/// </summary>
public class OutboxIndex
{
    /// <summary>The index partition.</summary>
    public const string Partition = "outbox";

    private readonly TableClient _table;
    private readonly string _partition;

    /// <summary>An index over the schedule table of <paramref name="clients"/>.</summary>
    public OutboxIndex(StorageClients clients)
        : this(clients, Partition)
    {
    }

    /// <summary>The same index in partition <paramref name="partition"/> of the schedule table.</summary>
    protected OutboxIndex(StorageClients clients, string partition)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _table = clients.Schedule;
        _partition = partition;
    }

    /// <summary>Lists each message that waits or is being sent at its due time (an upsert each, in parallel; idempotent).</summary>
    public Task AddAsync(string memberId, IEnumerable<OutboxMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return AddAsync(
            messages
                .Where(m => m.DueAt is not null && m.Status is MessageStatuses.Waiting or MessageStatuses.Sending)
                .Select(m => new DueMessage(memberId, m.MessageId, m.DueAt!.Value)),
            ct);
    }

    /// <summary>Lists each row (an upsert each, in parallel; idempotent).</summary>
    public async Task AddAsync(IEnumerable<DueMessage> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await Task.WhenAll(rows.Select(r => _table.UpsertEntityAsync(
            new TableEntity(_partition, r.RowKey) { ["MemberId"] = r.MemberId, ["MessageId"] = r.MessageId, ["DueAt"] = r.DueAt },
            TableUpdateMode.Replace,
            ct))).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="max"/> rows due at or before <paramref name="now"/>, earliest first (one query of one partition, one page).</summary>
    public async Task<IReadOnlyList<DueMessage>> DueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var upTo = now.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture) + "|~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_partition} and RowKey le {upTo}");
        var due = new List<DueMessage>();
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, max, cancellationToken: ct).AsPages(pageSizeHint: max).ConfigureAwait(false))
        {
            foreach (var row in page.Values.Take(max))
            {
                if (row.GetString("MemberId") is { } member && row.GetString("MessageId") is { } message && row.GetDateTimeOffset("DueAt") is { } at)
                {
                    due.Add(new DueMessage(member, message, at));
                }
            }

            break;
        }

        return due;
    }

    /// <summary>Removes a row (done with, or replaced by a later due time); a row already gone is fine.</summary>
    public async Task RemoveAsync(DueMessage row, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            await _table.DeleteEntityAsync(_partition, row.RowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Another dispatcher removed it.
        }
    }
}

/// <summary>
/// The index of due discounts: partition <c>discount</c> of the schedule table, rows keyed like
/// <see cref="OutboxIndex"/>'s with the redemption's request id in place of the message id.
/// Upserted before the commit that makes a discount due (the redemption, a retry, a claim's lease).
/// </summary>
public sealed class DiscountIndex(StorageClients clients) : OutboxIndex(clients, DiscountPartition)
{
    /// <summary>The index partition.</summary>
    public const string DiscountPartition = "discount";

    /// <summary>Lists the discount when the decision leaves it due: to create, to delete, or to expire.</summary>
    public Task AddAsync(string memberId, DiscountOrder? discount, CancellationToken ct) =>
        discount is { DueAt: { } due, Status: DiscountStatuses.Waiting or DiscountStatuses.Creating or DiscountStatuses.Created or DiscountStatuses.Deleting }
            ? AddAsync([new DueMessage(memberId, discount.RequestId, due)], ct)
            : Task.CompletedTask;
}

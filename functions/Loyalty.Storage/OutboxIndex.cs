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
public sealed class OutboxIndex
{
    /// <summary>The index partition.</summary>
    public const string Partition = "outbox";

    private readonly TableClient _table;

    /// <summary>An index over the schedule table of <paramref name="clients"/>.</summary>
    public OutboxIndex(StorageClients clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _table = clients.Schedule;
    }

    /// <summary>Lists each message that waits or is being sent at its due time (an upsert each, in parallel; idempotent).</summary>
    public async Task AddAsync(string memberId, IEnumerable<OutboxMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var rows = messages
            .Where(m => m.DueAt is not null && m.Status is MessageStatuses.Waiting or MessageStatuses.Sending)
            .Select(m => new DueMessage(memberId, m.MessageId, m.DueAt!.Value))
            .ToList();
        await Task.WhenAll(rows.Select(r => _table.UpsertEntityAsync(
            new TableEntity(Partition, r.RowKey) { ["MemberId"] = r.MemberId, ["MessageId"] = r.MessageId, ["DueAt"] = r.DueAt },
            TableUpdateMode.Replace,
            ct))).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="max"/> rows due at or before <paramref name="now"/>, earliest first (one query of one partition, one page).</summary>
    public async Task<IReadOnlyList<DueMessage>> DueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        var upTo = now.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture) + "|~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey le {upTo}");
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
            await _table.DeleteEntityAsync(Partition, row.RowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Another dispatcher removed it.
        }
    }
}

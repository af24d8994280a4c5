using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Loyalty.Testing;

/// <summary>
/// Everything in a storage account at one moment: every table (found by listing the account,
/// so a table added later is covered without naming it) with each entity's ETag, and every
/// queue with its message count and the ids of the messages at its front. Two snapshots
/// compare to the list of what was written between them.
/// </summary>
public sealed class StorageSnapshot
{
    private StorageSnapshot(IReadOnlyDictionary<string, IReadOnlyDictionary<(string, string), string>> tables, IReadOnlyDictionary<string, QueueState> queues)
    {
        Tables = tables;
        Queues = queues;
    }

    /// <summary>Each table's entities by (PartitionKey, RowKey), with their ETags.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<(string PartitionKey, string RowKey), string>> Tables { get; }

    /// <summary>Each queue's approximate count (visible and invisible messages) and the ids at its front.</summary>
    public IReadOnlyDictionary<string, QueueState> Queues { get; }

    /// <summary>Entities in all tables.</summary>
    public int EntityCount => Tables.Values.Sum(t => t.Count);

    /// <summary>A queue: how many messages it holds and the ids of up to 32 at the front.</summary>
    public sealed record QueueState(int Count, IReadOnlyList<string> FrontIds);

    /// <summary>Reads every table and queue of the account behind <paramref name="connectionString"/>.</summary>
    public static async Task<StorageSnapshot> TakeAsync(string connectionString, CancellationToken ct = default)
    {
        var tableService = new TableServiceClient(connectionString);
        var tables = new Dictionary<string, IReadOnlyDictionary<(string, string), string>>(StringComparer.Ordinal);
        await foreach (var table in tableService.QueryAsync(cancellationToken: ct))
        {
            var rows = new Dictionary<(string, string), string>();
            await foreach (var row in tableService.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            {
                rows[(row.PartitionKey, row.RowKey)] = row.ETag.ToString();
            }

            tables[table.Name] = rows;
        }

        var queueService = new QueueServiceClient(connectionString);
        var queues = new Dictionary<string, QueueState>(StringComparer.Ordinal);
        await foreach (var queue in queueService.GetQueuesAsync(cancellationToken: ct))
        {
            var client = queueService.GetQueueClient(queue.Name);
            var count = (await client.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            var front = (await client.PeekMessagesAsync(32, ct)).Value.Select(m => m.MessageId).ToList();
            queues[queue.Name] = new QueueState(count, front);
        }

        return new StorageSnapshot(tables, queues);
    }

    /// <summary>What changed from <paramref name="before"/> to this snapshot, one line per change (at most <paramref name="limit"/>); empty when nothing did.</summary>
    public IReadOnlyList<string> ChangesSince(StorageSnapshot before, int limit = 50)
    {
        ArgumentNullException.ThrowIfNull(before);
        var changes = new List<string>();
        foreach (var (name, rows) in Tables)
        {
            if (!before.Tables.TryGetValue(name, out var old))
            {
                changes.Add($"table {name} created with {rows.Count} entities");
                old = new Dictionary<(string, string), string>();
            }

            foreach (var (key, etag) in rows)
            {
                if (!old.TryGetValue(key, out var oldEtag))
                {
                    changes.Add($"table {name}: added ({key.PartitionKey}, {key.RowKey})");
                }
                else if (oldEtag != etag)
                {
                    changes.Add($"table {name}: replaced ({key.PartitionKey}, {key.RowKey})");
                }
            }

            changes.AddRange(old.Keys.Where(k => !rows.ContainsKey(k)).Select(k => $"table {name}: deleted ({k.PartitionKey}, {k.RowKey})"));
        }

        changes.AddRange(before.Tables.Keys.Where(t => !Tables.ContainsKey(t)).Select(t => $"table {t} deleted"));
        foreach (var (name, state) in Queues)
        {
            if (!before.Queues.TryGetValue(name, out var old))
            {
                changes.Add($"queue {name} created with {state.Count} messages");
            }
            else if (old.Count != state.Count || !old.FrontIds.SequenceEqual(state.FrontIds))
            {
                changes.Add($"queue {name}: {old.Count} messages before, {state.Count} after");
            }
        }

        changes.AddRange(before.Queues.Keys.Where(q => !Queues.ContainsKey(q)).Select(q => $"queue {q} deleted"));
        return changes.Count > limit ? [.. changes.Take(limit), $"... and {changes.Count - limit} more"] : changes;
    }
}

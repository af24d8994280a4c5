using Azure.Data.Tables;

namespace Loyalty.Testing;

/// <summary>
/// Searches every entity of every table of a storage account (found by listing the account, as
/// <see cref="StorageSnapshot"/> does, so a table added later is covered without naming it) for
/// strings: what an erasure must leave nowhere.
/// </summary>
public static class StorageScan
{
    /// <summary>
    /// Where each of <paramref name="needles"/> occurs in any property of any entity, compared as
    /// text and ignoring case: one line per hit, <c>table (PartitionKey, RowKey) holds 'needle'</c>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindAsync(string connectionString, IReadOnlyCollection<string> needles, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(needles);
        var found = new List<string>();
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync(cancellationToken: ct))
        {
            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(cancellationToken: ct))
            {
                var text = string.Join("\n", row.Select(p => $"{p.Key}={p.Value}"));
                found.AddRange(needles.Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)).Select(n => $"{table.Name} ({row.PartitionKey}, {row.RowKey}) holds '{n}'"));
            }
        }

        return found;
    }
}

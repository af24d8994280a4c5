using System.Text.Json;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.App.Operations;

/// <summary>One ledger row as stored.</summary>
public sealed record AuditedEntry(long Sequence, string Kind, long Points, long PendingChange, long BalanceAfter, string SourceEventId, string? OrderId, string? RewardId, DateTimeOffset At = default);

/// <summary>A member partition as stored: the state row's balance, the ledger oldest first, the event markers and the redemption rows, the state itself, and when each order was credited.</summary>
public sealed record AuditedMember(string MemberId, long Balance, IReadOnlyList<AuditedEntry> Ledger, IReadOnlySet<string> Markers, IReadOnlySet<string> Redemptions, MemberState? State = null)
{
    /// <summary>When each of the member's orders (<c>order|</c> rows) was credited.</summary>
    public IReadOnlyList<DateTimeOffset> OrdersCreditedAt { get; init; } = [];

    /// <summary>The entries of one kind.</summary>
    public IEnumerable<AuditedEntry> Of(string kind) => Ledger.Where(e => e.Kind == kind);
}

/// <summary>
/// Reads every member partition straight from the table (not through the decide path) and
/// checks what must hold for each whatever happened: the balance is the open lots minus the
/// debt and the sum of the ledger, the sequence runs 1..n without a gap or a repeat, each
/// entry's balance-after chains, and each entry comes from an event whose marker is in the
/// partition. Shared by the operator's <c>audit</c> command (<see cref="ProgramAudit"/>) and the tests.
/// </summary>
public static class MemberAudit
{
    /// <summary>Every member of the members table, by id.</summary>
    public static Task<IReadOnlyDictionary<string, AuditedMember>> ReadAsync(string connectionString, string table = "members", CancellationToken ct = default) =>
        ReadAsync(new TableClient(connectionString, table), ct);

    /// <summary>Every member of <paramref name="members"/> (one scan of the table), by id.</summary>
    public static async Task<IReadOnlyDictionary<string, AuditedMember>> ReadAsync(TableClient members, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(members);
        var states = new Dictionary<string, MemberState>(StringComparer.Ordinal);
        var balances = new Dictionary<string, long>(StringComparer.Ordinal);
        var ledgers = new Dictionary<string, List<AuditedEntry>>(StringComparer.Ordinal);
        var markers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var redemptions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var orders = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        await foreach (var row in members.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
        {
            var member = row.PartitionKey;
            if (row.RowKey == "state")
            {
                balances[member] = row.GetInt64("Balance") ?? throw new InvalidDataException($"{member}: state row without Balance");
                if (row.GetString("Data") is { } data && JsonSerializer.Deserialize<MemberState>(data, EventEnvelope.Json) is { } state)
                {
                    states[member] = state;
                }
            }
            else if (row.RowKey.StartsWith("tx|", StringComparison.Ordinal))
            {
                Get(ledgers, member).Add(new AuditedEntry(
                    row.GetInt64("Sequence") ?? -1,
                    row.GetString("Kind") ?? "?",
                    row.GetInt64("Points") ?? 0,
                    row.GetInt64("PendingChange") ?? 0,
                    row.GetInt64("BalanceAfter") ?? 0,
                    row.GetString("SourceEventId") ?? "?",
                    row.GetString("OrderId"),
                    row.GetString("RewardId"),
                    row.GetDateTimeOffset("At") ?? default));
            }
            else if (row.RowKey.StartsWith("evt|", StringComparison.Ordinal))
            {
                Get(markers, member).Add(row.RowKey["evt|".Length..]);
            }
            else if (row.RowKey.StartsWith("redemption|", StringComparison.Ordinal))
            {
                Get(redemptions, member).Add(row.RowKey["redemption|".Length..]);
            }
            else if (row.RowKey.StartsWith("order|", StringComparison.Ordinal)
                && row.GetString("Data") is { } order && JsonSerializer.Deserialize<OrderRecord>(order, EventEnvelope.Json) is { } record)
            {
                Get(orders, member).Add(record.CreditedAt);
            }
        }

        return balances.ToDictionary(
            b => b.Key,
            b => new AuditedMember(
                b.Key,
                b.Value,
                [.. (ledgers.GetValueOrDefault(b.Key) ?? []).OrderBy(e => e.Sequence)],
                markers.GetValueOrDefault(b.Key) ?? [],
                redemptions.GetValueOrDefault(b.Key) ?? [],
                states.GetValueOrDefault(b.Key))
            {
                OrdersCreditedAt = orders.GetValueOrDefault(b.Key) ?? [],
            },
            StringComparer.Ordinal);
    }

    /// <summary>What is wrong with <paramref name="member"/>'s partition; empty when it is consistent.</summary>
    public static IReadOnlyList<string> Inconsistencies(AuditedMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var problems = new List<string>();
        var sum = member.Ledger.Sum(e => e.Points);
        if (sum != member.Balance)
        {
            problems.Add($"{member.MemberId}: balance {member.Balance}, ledger sums to {sum}");
        }

        if (member.State is { } state && (state.LotPoints - state.Debt != member.Balance || state.Lots.Any(l => l.Points <= 0)))
        {
            problems.Add($"{member.MemberId}: balance {member.Balance}, open lots {state.LotPoints} minus debt {state.Debt} give {state.LotPoints - state.Debt}");
        }

        long running = 0;
        for (var i = 0; i < member.Ledger.Count; i++)
        {
            var entry = member.Ledger[i];
            if (entry.Sequence != i + 1)
            {
                problems.Add($"{member.MemberId}: ledger entry {i + 1} has sequence {entry.Sequence}");
            }

            running += entry.Points;
            if (entry.BalanceAfter != running && entry.BalanceAfter != Math.Max(0, running))
            {
                problems.Add($"{member.MemberId}: entry {entry.Sequence} says balance {entry.BalanceAfter} after, the ledger gives {running}");
            }

            if (!member.Markers.Contains(entry.SourceEventId))
            {
                problems.Add($"{member.MemberId}: entry {entry.Sequence} comes from {entry.SourceEventId}, which has no marker");
            }
        }

        return problems;
    }

    /// <summary>The inconsistencies of every member, at most <paramref name="limit"/>.</summary>
    public static IReadOnlyList<string> Inconsistencies(IReadOnlyDictionary<string, AuditedMember> members, int limit = 30)
    {
        ArgumentNullException.ThrowIfNull(members);
        return [.. members.Values.SelectMany(Inconsistencies).Take(limit)];
    }

    private static TValue Get<TValue>(Dictionary<string, TValue> map, string key)
        where TValue : new()
    {
        if (!map.TryGetValue(key, out var value))
        {
            map[key] = value = new TValue();
        }

        return value;
    }
}

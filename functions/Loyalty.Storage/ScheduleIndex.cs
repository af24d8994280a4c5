using System.Globalization;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>What one job did for one program-local day.</summary>
public sealed record JobDay(string Job, DateOnly Day, int Members, DateTimeOffset FinishedAt);

/// <summary>
/// The index partitions the timer jobs read (docs/ARCHITECTURE.md, "schedule"): partition <c>{kind}|{key}</c>, one row
/// per member, kept in a table of its own so a job's query never wades through member
/// ledgers. Also where each job records the days it has finished.
/// </summary>
public sealed class ScheduleIndex
{
    private const string CursorPartition = "job";

    private readonly TableClient _table;
    private readonly TimeProvider _time;

    /// <summary>An index over the schedule table of <paramref name="clients"/>.</summary>
    public ScheduleIndex(StorageClients clients, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _table = clients.Schedule;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Lists the member in each entry's partition (an upsert each, in parallel; idempotent).
    /// Written before the member's commit, so a job can always find a member the commit made due.
    /// </summary>
    public async Task AddAsync(string memberId, IReadOnlyList<ScheduleEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (!Keys.IsValid(memberId))
        {
            throw new ArgumentException("Not a valid member id.", nameof(memberId));
        }

        await Task.WhenAll(entries.Select(e =>
            _table.UpsertEntityAsync(new TableEntity(e.Partition, memberId), TableUpdateMode.Replace, ct))).ConfigureAwait(false);
    }

    /// <summary>The members listed in one partition (a single-partition query, keys only).</summary>
    public async Task<IReadOnlyList<string>> MembersAsync(ScheduleEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var members = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {entry.Partition}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            members.Add(row.RowKey);
        }

        return members;
    }

    /// <summary>The last day <paramref name="job"/> finished, or null before its first run (1 point read).</summary>
    public async Task<DateOnly?> LastFinishedAsync(string job, CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, job, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString("Day") is { } day
            ? DateOnly.ParseExact(day, "yyyyMMdd", CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>Records that <paramref name="job"/> finished <paramref name="day"/>: a row for the day and the job's cursor.</summary>
    public async Task FinishAsync(string job, DateOnly day, int members, CancellationToken ct)
    {
        var key = Schedule.DayKey(day);
        var now = _time.GetUtcNow();
        await _table.UpsertEntityAsync(
            new TableEntity("done|" + job, key) { ["Members"] = members, ["FinishedAt"] = now },
            TableUpdateMode.Replace,
            ct).ConfigureAwait(false);

        // Only moves forward: a slower run of an older day never winds the cursor back.
        var last = await LastFinishedAsync(job, ct).ConfigureAwait(false);
        if (last is null || day > last)
        {
            await _table.UpsertEntityAsync(new TableEntity(CursorPartition, job) { ["Day"] = key, ["FinishedAt"] = now }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The days <paramref name="job"/> has finished, newest first (a single-partition query).</summary>
    public async Task<IReadOnlyList<JobDay>> FinishedAsync(string job, int max, CancellationToken ct)
    {
        var days = new List<JobDay>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {"done|" + job}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            days.Add(new JobDay(job, DateOnly.ParseExact(row.RowKey, "yyyyMMdd", CultureInfo.InvariantCulture), row.GetInt32("Members") ?? 0, row.GetDateTimeOffset("FinishedAt") ?? default));
        }

        return [.. days.OrderByDescending(d => d.Day).Take(max)];
    }
}

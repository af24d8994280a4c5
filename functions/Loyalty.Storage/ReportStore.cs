using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>One month of the reports: its figures and the last day they include.</summary>
public sealed record ReportMonth(string Month, ReportFigures Figures, DateOnly? Through);

/// <summary>The segments' sizes as of one <c>SegmentMembers</c> run (the program-local day it scored as of).</summary>
public sealed record SegmentSummary(DateOnly AsOf, SegmentSizes Sizes);

/// <summary>What one roll-up did: the months it recomputed and the last day now rolled up.</summary>
public sealed record RollUpRun(IReadOnlyList<string> Months, DateOnly? Through, int DayRows);

/// <summary>
/// The reports table (docs/ARCHITECTURE.md, "reports"): one delta row per applied event in
/// partition <c>day|{yyyyMMdd}|{shard}</c> (shard from a hash of the member, so no partition
/// runs hot), RowKey the event id, so a replay writes the same row; one row per month in
/// <c>month|{yyyyMM}</c> summed from its finished days by the roll-up; and the roll-up's cursor
/// and the days it must look at again in partition <c>rollup</c>.
/// </summary>
public sealed class ReportStore
{
    /// <summary>Day partitions per day.</summary>
    public const int Shards = 8;

    private const string RollUpPartition = "rollup";
    private const string CursorKey = "cursor";
    private const string DirtyPrefix = "dirty|";
    private const string SegmentsPartition = "segments";
    private const string SegmentsKey = "latest";

    private readonly TableClient _table;

    /// <summary>A store over the reports table of <paramref name="clients"/>.</summary>
    public ReportStore(StorageClients clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _table = clients.Reports;
    }

    /// <summary>The shard of a member (0 to <see cref="Shards"/> − 1), stable across processes.</summary>
    public static int ShardOf(string memberId) =>
        (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(memberId)), 0) % Shards);

    /// <summary>The figures and their day as kept on an event's marker (so a retry can write the row again).</summary>
    public static string Serialize(DateOnly day, ReportFigures figures) =>
        JsonSerializer.Serialize(new Delta(day, figures), EventEnvelope.Json);

    /// <summary>The day and figures of <see cref="Serialize"/>.</summary>
    public static (DateOnly Day, ReportFigures Figures) Deserialize(string data)
    {
        var delta = JsonSerializer.Deserialize<Delta>(data, EventEnvelope.Json) ?? throw new InvalidDataException("A report delta is empty.");
        return (delta.Day, delta.Figures);
    }

    /// <summary>
    /// Writes the delta row of one applied event if it is not there yet (1 insert; false when it
    /// was: the same event always carries the same figures). A row new for a day before
    /// <paramref name="today"/> (a retry mending a crash) also marks its day for the roll-up to
    /// sum again (1 upsert more).
    /// </summary>
    public async Task<bool> RecordAsync(string memberId, string eventId, DateOnly day, ReportFigures figures, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(figures);
        if (!Keys.IsValid(memberId) || !Keys.IsValid(eventId))
        {
            throw new ArgumentException("Not a valid member or event id.", nameof(eventId));
        }

        var row = new TableEntity(DayPartition(day, ShardOf(memberId)), eventId)
        {
            ["MemberId"] = memberId,
            ["Data"] = JsonSerializer.Serialize(figures, EventEnvelope.Json),
        };
        try
        {
            await _table.AddEntityAsync(row, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Written before, from the same marker: the row already holds these figures, and
            // leaving it untouched keeps a replay from changing anything (not even its ETag).
            return false;
        }

        if (day < today)
        {
            await _table.UpsertEntityAsync(new TableEntity(RollUpPartition, DirtyPrefix + DayKey(day)), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Sums the finished days (before <paramref name="today"/>) not yet rolled up, and the days
    /// marked again, into their months: each month touched is recomputed from all of its
    /// finished day rows and replaced, so a second run changes nothing.
    /// </summary>
    public async Task<RollUpRun> RollUpAsync(DateOnly today, CancellationToken ct)
    {
        var through = today.AddDays(-1);
        var cursor = await CursorAsync(ct).ConfigureAwait(false);
        var first = cursor?.AddDays(1) ?? await FirstDayAsync(ct).ConfigureAwait(false);
        var months = new SortedSet<string>(StringComparer.Ordinal);
        for (var day = first ?? today; day <= through; day = new DateOnly(day.Year, day.Month, 1).AddMonths(1))
        {
            months.Add(ReportFigures.MonthKey(day));
        }

        var dirty = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RollUpPartition} and RowKey ge {DirtyPrefix} and RowKey lt {"dirty}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            dirty.Add(row.RowKey);
            months.Add(ReportFigures.MonthKey(ParseDay(row.RowKey[DirtyPrefix.Length..])));
        }

        var rows = 0;
        foreach (var month in months)
        {
            var start = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var end = start.AddMonths(1).AddDays(-1) is var last && last < through ? last : through;
            if (end < start)
            {
                continue;
            }

            var (figures, count) = await SumDaysAsync(start, end, ct).ConfigureAwait(false);
            rows += count;
            var entity = new TableEntity(MonthPartition(start), "total")
            {
                ["Data"] = JsonSerializer.Serialize(figures, EventEnvelope.Json),
                ["Through"] = DayKey(end),
                ["Events"] = count,
            };
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }

        if (cursor != through)
        {
            await _table.UpsertEntityAsync(new TableEntity(RollUpPartition, CursorKey) { ["Day"] = DayKey(through) }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }

        foreach (var key in dirty)
        {
            await _table.DeleteEntityAsync(RollUpPartition, key, cancellationToken: ct).ConfigureAwait(false);
        }

        return new RollUpRun([.. months], through, rows);
    }

    /// <summary>
    /// Every month's figures as of now: the month rows (one query over the <c>month|</c>
    /// partitions: one row per month) plus the day rows not yet rolled up (from the day after the
    /// roll-up's cursor on), never a member partition.
    /// </summary>
    public async Task<IReadOnlyList<ReportMonth>> ReadAsync(CancellationToken ct)
    {
        var months = new SortedDictionary<string, ReportMonth>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {"month|"} and PartitionKey lt {"month}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Data", "Through"], cancellationToken: ct).ConfigureAwait(false))
        {
            var start = ParseMonth(row.PartitionKey["month|".Length..]);
            months[ReportFigures.MonthKey(start)] = new ReportMonth(ReportFigures.MonthKey(start), ReadFigures(row), ParseDay(row.GetString("Through") ?? "00010101"));
        }

        var cursor = await CursorAsync(ct).ConfigureAwait(false);
        var from = cursor?.AddDays(1) ?? DateOnly.MinValue;
        await foreach (var (day, figures) in DayRowsAsync(from, DateOnly.MaxValue, ct).ConfigureAwait(false))
        {
            var key = ReportFigures.MonthKey(day);
            var month = months.GetValueOrDefault(key) ?? new ReportMonth(key, ReportFigures.Zero, null);
            if (month.Through is { } through && day <= through)
            {
                continue;
            }

            months[key] = month with { Figures = month.Figures.Plus(figures) };
        }

        return [.. months.Values];
    }

    /// <summary>
    /// Replaces the segments' summary row (partition <c>segments</c>, RowKey <c>latest</c>) with
    /// the sizes of a <c>SegmentMembers</c> run: 1 upsert, so the report reads one row, never the
    /// directory.
    /// </summary>
    public async Task WriteSegmentsAsync(SegmentSummary summary, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var row = new TableEntity(SegmentsPartition, SegmentsKey)
        {
            ["AsOf"] = DayKey(summary.AsOf),
            ["Data"] = JsonSerializer.Serialize(summary.Sizes, EventEnvelope.Json),
        };
        await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>The segments' sizes of the last <c>SegmentMembers</c> run (1 point read), or null before the first.</summary>
    public async Task<SegmentSummary?> ReadSegmentsAsync(CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(SegmentsPartition, SegmentsKey, ["AsOf", "Data"], ct).ConfigureAwait(false);
        if (!row.HasValue || row.Value!.GetString("AsOf") is not { } asOf
            || JsonSerializer.Deserialize<SegmentSizes>(row.Value.GetString("Data") ?? "null", EventEnvelope.Json) is not { } sizes)
        {
            return null;
        }

        return new SegmentSummary(ParseDay(asOf), sizes);
    }

    private async Task<(ReportFigures Figures, int Rows)> SumDaysAsync(DateOnly start, DateOnly end, CancellationToken ct)
    {
        var sum = ReportFigures.Zero;
        var rows = 0;
        await foreach (var (_, figures) in DayRowsAsync(start, end, ct).ConfigureAwait(false))
        {
            sum = sum.Plus(figures);
            rows++;
        }

        return (sum, rows);
    }

    // One range query over the day partitions from start to end (inclusive; MinValue and MaxValue leave that side open).
    private async IAsyncEnumerable<(DateOnly Day, ReportFigures Figures)> DayRowsAsync(DateOnly start, DateOnly end, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var low = start == DateOnly.MinValue ? "day|" : "day|" + DayKey(start);
        var high = end == DateOnly.MaxValue ? "day}" : "day|" + DayKey(end.AddDays(1));
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Data"], cancellationToken: ct).ConfigureAwait(false))
        {
            yield return (ParseDay(row.PartitionKey.Split('|')[1]), ReadFigures(row));
        }
    }

    private async Task<DateOnly?> CursorAsync(CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(RollUpPartition, CursorKey, ["Day"], ct).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString("Day") is { } day ? ParseDay(day) : null;
    }

    // The earliest day with a delta row (the first page of one row of the day partitions), for the first roll-up.
    private async Task<DateOnly?> FirstDayAsync(CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {"day|"} and PartitionKey lt {"day}"}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages().ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                return ParseDay(page.Values[0].PartitionKey.Split('|')[1]);
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return null;
    }

    private static ReportFigures ReadFigures(TableEntity row) =>
        JsonSerializer.Deserialize<ReportFigures>(row.GetString("Data") ?? "null", EventEnvelope.Json) ?? ReportFigures.Zero;

    private static string DayPartition(DateOnly day, int shard) => $"day|{DayKey(day)}|{shard.ToString(CultureInfo.InvariantCulture)}";

    private static string MonthPartition(DateOnly day) => "month|" + day.ToString("yyyyMM", CultureInfo.InvariantCulture);

    private static string DayKey(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDay(string key) => DateOnly.ParseExact(key, "yyyyMMdd", CultureInfo.InvariantCulture);

    private static DateOnly ParseMonth(string key) => DateOnly.ParseExact(key + "01", "yyyyMMdd", CultureInfo.InvariantCulture);

    private sealed record Delta(DateOnly Day, ReportFigures Figures);
}

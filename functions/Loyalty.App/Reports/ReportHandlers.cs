using System.Globalization;
using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Reports;

/// <summary>One month of the report.</summary>
public sealed record MonthView(
    string Month, long Earned, long Imported, long Redeemed, long Reinstated, long Expired, long Adjusted, long TakenBack,
    decimal Spend, long Orders, long Joined, long ActiveMembers, decimal? RedemptionRate, long Feedback, decimal? AverageSatisfaction, long NpsResponses, decimal? Nps, long TierUps, long TierDowns);

/// <summary>Points in open lots expiring in one coming month.</summary>
public sealed record ExpiringView(string Month, long Points, decimal Money);

/// <summary>Members in one tier.</summary>
public sealed record TierView(string Id, string Name, long Members);

/// <summary>The segments' sizes as of the last <c>SegmentMembers</c> run: members per value and per behaviour.</summary>
public sealed record SegmentsView(DateOnly AsOf, long Members, long High, long Medium, long Low, long Active, long AtRisk, long Lapsed);

/// <summary>What the program owes and earns (<c>GET /api/admin/reports</c>).</summary>
public sealed record ReportView(
    DateOnly AsOf, string Currency, decimal PointValue, long LiabilityPoints, decimal LiabilityMoney, long PendingPoints,
    long Members, long Redeemers, decimal? RedeemerShare, long EarnedLast12Months, long RedeemedLast12Months, decimal? RedemptionRateLast12Months,
    IReadOnlyList<ExpiringView> Expiring, IReadOnlyList<MonthView> Months, IReadOnlyList<TierView> Tiers, SegmentsView? Segments = null);

/// <summary>
/// <c>GET /api/admin/reports</c> (admin key or console session), JSON or <c>format=csv</c>, and the
/// <c>RollUpReports</c> job. Built from the reports table only: one row per month and the day
/// rows not yet rolled up, and the segments' summary row the <c>SegmentMembers</c> job writes;
/// never a member partition or the directory.
/// </summary>
public sealed class ReportHandlers(ReportStore store, LoyaltyProgram program, IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<ReportHandlers> logger)
{
    /// <summary>The roll-up timer's job name.</summary>
    public const string RollUpJob = "RollUpReports";

    /// <summary>Months shown in the monthly table, and the fewest coming months of expiry shown.</summary>
    public const int Months = 12;

    /// <summary>The report as JSON, or as CSV (UTF-8 with BOM) with <c>format=csv</c>.</summary>
    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        var format = request.Query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
        {
            return Problems.Invalid("format", "format: json or csv.");
        }

        var report = await BuildAsync(ct);
        return format == "csv"
            ? Results.File(Csv(report), "text/csv; charset=utf-8", $"reports-{report.AsOf:yyyy-MM-dd}.csv")
            : Results.Json(report, EventEnvelope.Json);
    }

    /// <summary>Sums the finished days into their months (the timer and the jobs route).</summary>
    public async Task<RollUpRun> RollUpAsync(CancellationToken ct)
    {
        var run = await store.RollUpAsync(program.LocalDate(clock.GetUtcNow()), ct);
        logger.LogInformation("Reports rolled up through {Through}: {Months} months from {Rows} day rows", run.Through, run.Months.Count, run.DayRows);
        return run;
    }

    /// <summary>The report as of now.</summary>
    public async Task<ReportView> BuildAsync(CancellationToken ct)
    {
        var today = program.LocalDate(clock.GetUtcNow());
        var months = store.ReadAsync(ct);
        var segments = store.ReadSegmentsAsync(ct);
        await Task.WhenAll(months, segments);
        return Build(await months, program, today, await segments);
    }

    /// <summary>The report from the months' figures (pure).</summary>
    public static ReportView Build(IReadOnlyList<ReportMonth> months, LoyaltyProgram program, DateOnly today, SegmentSummary? segments = null)
    {
        ArgumentNullException.ThrowIfNull(months);
        ArgumentNullException.ThrowIfNull(program);
        var all = ReportFigures.Total(months.Select(m => m.Figures));
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var byMonth = months.ToDictionary(m => m.Month, m => m.Figures, StringComparer.Ordinal);
        var last12 = Enumerable.Range(0, Months).Select(i => thisMonth.AddMonths(i - Months + 1)).Select(ReportFigures.MonthKey).ToList();
        var window = ReportFigures.Total(last12.Select(k => byMonth.GetValueOrDefault(k) ?? ReportFigures.Zero));

        // Lots whose day has passed but that the expiry job has not taken yet count in this month.
        // Every coming month up to the last one with points in lots (the program's lifetime bounds it), at least twelve.
        var current = ReportFigures.MonthKey(thisMonth);
        var lastKey = all.Expiring.Keys.DefaultIfEmpty(current).Max(StringComparer.Ordinal)!;
        var coming = Enumerable.Range(0, 1200).Select(i => ReportFigures.MonthKey(thisMonth.AddMonths(i)))
            .TakeWhile((k, i) => i < Months || string.CompareOrdinal(k, lastKey) <= 0).ToList();
        var expiring = coming.Select(k => new ExpiringView(
            k,
            all.Expiring.Where(p => k == current ? string.CompareOrdinal(p.Key, k) <= 0 : p.Key == k).Sum(p => p.Value),
            0)).Select(e => e with { Money = Money(e.Points, program) }).ToList();

        return new ReportView(
            today,
            program.Currency,
            program.PointValue,
            all.Liability,
            Money(all.Liability, program),
            all.Pending,
            all.Joined,
            all.NewRedeemers,
            all.Joined == 0 ? null : Math.Round((decimal)all.NewRedeemers / all.Joined, 4),
            window.Earned,
            window.Redeemed - window.Reinstated,
            Rate(window),
            expiring,
            [.. last12.Select(k => View(k, byMonth.GetValueOrDefault(k) ?? ReportFigures.Zero))],
            [.. program.Tiers.Select(t => new TierView(t.Id, t.Name, all.Tiers.GetValueOrDefault(t.Id)))],
            segments is { Sizes: var z } ? new SegmentsView(segments.AsOf, z.Members, z.High, z.Medium, z.Low, z.Active, z.AtRisk, z.Lapsed) : null);
    }

    /// <summary>The report as CSV: a summary, the months, the coming expiry, the tiers and the segments, one table after another.</summary>
    public static byte[] Csv(ReportView report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        void Line(params string[] cells) => text.Append(string.Join(',', cells)).Append("\r\n");
        Line("figure", "value");
        Line("asOf", report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Line("currency", report.Currency);
        Line("pointValue", Dec(report.PointValue));
        Line("liabilityPoints", Num(report.LiabilityPoints));
        Line("liabilityMoney", Dec(report.LiabilityMoney));
        Line("pendingPoints", Num(report.PendingPoints));
        Line("members", Num(report.Members));
        Line("redeemers", Num(report.Redeemers));
        Line("redeemerShare", Opt(report.RedeemerShare));
        Line("earnedLast12Months", Num(report.EarnedLast12Months));
        Line("redeemedLast12Months", Num(report.RedeemedLast12Months));
        Line("redemptionRateLast12Months", Opt(report.RedemptionRateLast12Months));
        Line("segmentsAsOf", report.Segments?.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty);
        text.Append("\r\n");
        Line("month", "earned", "imported", "redeemed", "reinstated", "expired", "adjusted", "takenBack", "spend", "orders", "joined", "redemptionRate", "feedback", "averageSatisfaction", "npsResponses", "nps", "tierUps", "tierDowns", "activeMembers");
        foreach (var m in report.Months)
        {
            Line(m.Month, Num(m.Earned), Num(m.Imported), Num(m.Redeemed), Num(m.Reinstated), Num(m.Expired), Num(m.Adjusted), Num(m.TakenBack),
                Dec(m.Spend), Num(m.Orders), Num(m.Joined), Opt(m.RedemptionRate), Num(m.Feedback), Opt(m.AverageSatisfaction), Num(m.NpsResponses), Opt(m.Nps), Num(m.TierUps), Num(m.TierDowns), Num(m.ActiveMembers));
        }

        text.Append("\r\n");
        Line("expiresIn", "points", "money");
        foreach (var e in report.Expiring)
        {
            Line(e.Month, Num(e.Points), Dec(e.Money));
        }

        text.Append("\r\n");
        Line("tier", "name", "members");
        foreach (var t in report.Tiers)
        {
            Line(Cell(t.Id), Cell(t.Name), Num(t.Members));
        }

        // Empty until the first segment run: no row is better than a row of zeros.
        text.Append("\r\n");
        Line("segment", "members");
        if (report.Segments is { } z)
        {
            foreach (var (segment, members) in new[] { (Segmentation.High, z.High), (Segmentation.Medium, z.Medium), (Segmentation.Low, z.Low), (Segmentation.Active, z.Active), (Segmentation.AtRisk, z.AtRisk), (Segmentation.Lapsed, z.Lapsed) })
            {
                Line(segment, Num(members));
            }
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static MonthView View(string month, ReportFigures f) => new(
        month, f.Earned, f.Imported, f.Redeemed, f.Reinstated, f.Expired, f.Adjusted, f.TakenBack, f.Spend, f.Orders, f.Joined, f.ActiveMembers,
        Rate(f), f.SatisfactionCount, f.AverageSatisfaction, f.NpsResponses, f.NetPromoterScore, f.TierUps, f.TierDowns);

    // Points redeemed (net of reversals) per point earned.
    private static decimal? Rate(ReportFigures f) => f.Earned == 0 ? null : Math.Round((decimal)(f.Redeemed - f.Reinstated) / f.Earned, 4);

    private static decimal Money(long points, LoyaltyProgram program) => Math.Round(points * program.PointValue, 2);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Dec(decimal d) => d.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Opt(decimal? d) => d is { } v ? v.ToString(CultureInfo.InvariantCulture) : string.Empty;

    // Tier ids and names come from the program; quoted when they hold a separator, and defused when they look like a formula.
    private static string Cell(string value)
    {
        var v = value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }
}

using Loyalty.Core;
using Loyalty.Storage;

namespace Loyalty.App.Http;

/// <summary>A member as <c>GET /api/members/{memberId}</c> shows it.</summary>
/// <param name="Balance">
/// Points the member can spend now; when the program allows a negative balance, points taken
/// back after they were spent show here as a negative number instead of as debt.
/// </param>
/// <param name="Debt">Points taken back after they were spent, to be recovered from later earnings.</param>
/// <param name="Pending">Purchase points waiting out the return window, by activation day.</param>
/// <param name="ExpiringSoon">Points expiring within the program's longest reminder lead, by day.</param>
public sealed record MemberView(
    string MemberId,
    MemberProfile Profile,
    DateTimeOffset EnrolledAt,
    long Balance,
    long Debt,
    long PendingPoints,
    IReadOnlyList<PendingLot> Pending,
    IReadOnlyList<Lot> ExpiringSoon,
    long LifetimeEarned,
    long LifetimeRedeemed,
    MemberView.TierView? Tier,
    IReadOnlyList<MemberView.BenefitView> Benefits,
    IReadOnlyList<Lot> Lots,
    IReadOnlyDictionary<string, int> Redemptions,
    string? ReferredBy,
    long Version,
    MemberView.HistoryView History)
{
    /// <summary>Builds the view as of <paramref name="now"/>.</summary>
    public static MemberView From(MemberState state, HistoryPage page, LoyaltyProgram program, DateTimeOffset now)
    {
        var today = program.LocalDate(now);
        var horizon = today.AddDays(program.ReminderLeadDays.DefaultIfEmpty(30).Max());
        return new(
            state.MemberId,
            state.Profile,
            state.EnrolledAt,
            program.AllowNegativeBalance ? state.Balance : state.Spendable,
            program.AllowNegativeBalance ? 0 : state.Debt,
            state.PendingPoints,
            state.Pending,
            [.. state.Lots.Where(l => l.ExpiresOn <= horizon)],
            state.LifetimeEarned,
            state.LifetimeRedeemed,
            Tiers(state, program, today),
            BenefitsOf(state, program, now),
            state.Lots,
            state.Redemptions,
            state.ReferredBy,
            state.Version,
            new HistoryView(page.Entries, page.ContinuationToken));
    }

    /// <summary>Each benefit of the member's tier: used / remaining / resets-on in the current period.</summary>
    public static IReadOnlyList<BenefitView> BenefitsOf(MemberState state, LoyaltyProgram program, DateTimeOffset now)
    {
        var today = program.LocalDate(now);
        var tier = TierMath.Find(program, state.TierId);
        return tier is null ? [] : [.. tier.Benefits.Select(b =>
        {
            var used = state.BenefitUses.GetValueOrDefault(b.Id + "|" + TierMath.PeriodKey(b.Period, today));
            return new BenefitView(b.Id, b.Name, b.Period, b.Quota, used, b.Quota is { } q ? Math.Max(0, q - used) : null, TierMath.PeriodResetsOn(b.Period, today));
        })];
    }

    private static TierView? Tiers(MemberState state, LoyaltyProgram program, DateOnly today)
    {
        if (TierMath.Find(program, state.TierId) is not { } tier)
        {
            return null;
        }

        var figure = TierMath.Rolling(state.Qualifying, program, today);
        var next = program.Tiers.FirstOrDefault(t => t.Threshold > tier.Threshold);
        return new TierView(
            tier.Id,
            tier.Name,
            tier.Multiplier,
            program.TierRules.Measure,
            figure,
            next?.Id,
            next?.Name,
            next is null ? null : Math.Max(0m, next.Threshold - figure),
            state.TierSince,
            state.ReviewOn,
            state.GraceUntil);
    }

    /// <summary>The member's tier and the way to the next one.</summary>
    /// <param name="Qualifying">The rolling figure (spend, points or orders) the tiers are measured by.</param>
    /// <param name="ToNextTier">How much more of the measure reaches the next tier; null at the top.</param>
    /// <param name="GraceUntil">Set when the last review found the member below their tier: the day of the downgrade unless they requalify.</param>
    public sealed record TierView(
        string Id,
        string Name,
        decimal Multiplier,
        TierMeasure Measure,
        decimal Qualifying,
        string? NextTierId,
        string? NextTierName,
        decimal? ToNextTier,
        DateTimeOffset? Since,
        DateOnly? ReviewOn,
        DateOnly? GraceUntil);

    /// <summary>One benefit: quota (null = unlimited), used and remaining in the current period, and when it resets.</summary>
    public sealed record BenefitView(string BenefitId, string Name, BenefitPeriod Period, int? Quota, int Used, int? Remaining, DateOnly ResetsOn);

    /// <summary>One page of the ledger, newest first, with the token for the next page.</summary>
    public sealed record HistoryView(IReadOnlyList<LedgerEntry> Entries, string? ContinuationToken);
}

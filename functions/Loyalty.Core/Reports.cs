using System.Text.Json.Serialization;

namespace Loyalty.Core;

/// <summary>
/// The figures the reports add up: what one applied event changed (a delta row), or the sum of
/// many (a month). Every figure is additive, so a month is the sum of its events and the program
/// now is the sum of every month: the liability, the tier distribution, the members who have
/// ever redeemed and the points in lots by expiry month are running totals of their changes.
/// </summary>
public sealed record ReportFigures
{
    /// <summary>Ledger kinds counted as earned: purchases and every bonus (pending points count when earned).</summary>
    public static IReadOnlyList<string> EarnedKinds { get; } = [LedgerKinds.Earned, LedgerKinds.SignUpBonus, LedgerKinds.BirthdayBonus, LedgerKinds.ReferralBonus];

    /// <summary>The ledger kind of an opening balance brought in from a spreadsheet (counted apart from earned).</summary>
    public const string ImportedKind = "imported";

    /// <summary>Points earned (purchases and bonuses, pending ones included).</summary>
    public long Earned { get; init; }

    /// <summary>Opening balances imported (not earned here).</summary>
    public long Imported { get; init; }

    /// <summary>Points spent on rewards.</summary>
    public long Redeemed { get; init; }

    /// <summary>Points given back by reversed redemptions.</summary>
    public long Reinstated { get; init; }

    /// <summary>Points expired.</summary>
    public long Expired { get; init; }

    /// <summary>Manual adjustments, signed.</summary>
    public long Adjusted { get; init; }

    /// <summary>Points taken back by refunds and cancellations (pending ones included).</summary>
    public long TakenBack { get; init; }

    /// <summary>Change to the members' balances (lots minus debt): the outstanding liability in points.</summary>
    public long Liability { get; init; }

    /// <summary>Change to the pending points (not yet spendable).</summary>
    public long Pending { get; init; }

    /// <summary>Merchandise bought, net of refunds (program currency).</summary>
    public decimal Spend { get; init; }

    /// <summary>Paid orders.</summary>
    public long Orders { get; init; }

    /// <summary>Members who joined.</summary>
    public long Joined { get; init; }

    /// <summary>
    /// Members with a paid order credited in the month: a purchase counts its member once, when
    /// the member's previous order was credited in another program-local month (or never).
    /// Additive within a month only (a member active in two months counts in each).
    /// </summary>
    public long ActiveMembers { get; init; }

    /// <summary>Members who redeemed for the first time (minus those whose only redemptions were reversed).</summary>
    public long NewRedeemers { get; init; }

    /// <summary>Feedback with a satisfaction score, and the sum of those scores.</summary>
    public long SatisfactionCount { get; init; }

    /// <summary>Sum of the satisfaction scores (1 to 5).</summary>
    public long SatisfactionSum { get; init; }

    /// <summary>Feedback with an NPS score.</summary>
    public long NpsResponses { get; init; }

    /// <summary>NPS 9 or 10.</summary>
    public long Promoters { get; init; }

    /// <summary>NPS 0 to 6.</summary>
    public long Detractors { get; init; }

    /// <summary>Moves up a tier.</summary>
    public long TierUps { get; init; }

    /// <summary>Moves down a tier.</summary>
    public long TierDowns { get; init; }

    /// <summary>Change to the members in each tier, by tier id.</summary>
    public IReadOnlyDictionary<string, long> Tiers { get; init; } = new Dictionary<string, long>();

    /// <summary>Change to the points in open lots, by expiry month (<c>yyyy-MM</c>).</summary>
    public IReadOnlyDictionary<string, long> Expiring { get; init; } = new Dictionary<string, long>();

    /// <summary>Nothing to record.</summary>
    [JsonIgnore]
    public bool IsEmpty => Tiers.Count == 0 && Expiring.Count == 0 && this with { Tiers = Zero.Tiers, Expiring = Zero.Expiring } == Zero;

    /// <summary>No change at all.</summary>
    public static ReportFigures Zero { get; } = new();

    /// <summary>
    /// What an applied decision changed: its ledger entries by kind, the state before and after
    /// (spend, orders, tier, lots by expiry month, first redemption) and its feedback note.
    /// Pure: the same decision gives the same figures.
    /// </summary>
    public static ReportFigures Of(MemberState? before, Decision decision, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(program);
        if (decision.Outcome != DecisionOutcome.Applied || decision.State is not { } after)
        {
            return Zero;
        }

        long Sum(params string[] kinds) => decision.Entries.Where(e => kinds.Contains(e.Kind)).Sum(e => e.Points + e.PendingChange);
        var (tierBefore, tierAfter) = (before is null ? null : TierMath.Find(program, before.TierId)?.Id, TierMath.Find(program, after.TierId)?.Id);
        var tiers = new Dictionary<string, long>(StringComparer.Ordinal);
        if (tierBefore != tierAfter || before is null)
        {
            if (tierBefore is not null)
            {
                tiers[tierBefore] = -1;
            }

            if (tierAfter is not null)
            {
                tiers[tierAfter] = 1;
            }
        }

        var (levelBefore, levelAfter) = (before is null ? 0 : TierMath.Level(program, tierBefore), TierMath.Level(program, tierAfter));
        var redeemedBefore = (before?.LifetimeRedeemed ?? 0) > 0;
        var redeemedAfter = after.LifetimeRedeemed > 0;
        var feedback = decision.Note is { Kind: "feedback" } note ? note : null;
        return new ReportFigures
        {
            Earned = Sum([.. EarnedKinds]),
            Imported = Sum(ImportedKind),
            Redeemed = -Sum(LedgerKinds.Redeemed),
            Reinstated = Sum(LedgerKinds.RedemptionReversed),
            Expired = -Sum(LedgerKinds.Expired),
            Adjusted = Sum(LedgerKinds.Adjusted),
            TakenBack = -Sum(LedgerKinds.Refunded, LedgerKinds.Cancelled),
            Liability = decision.Entries.Sum(e => e.Points),
            Pending = decision.Entries.Sum(e => e.PendingChange),
            Spend = after.LifetimeSpend - (before?.LifetimeSpend ?? 0),
            Orders = after.PaidOrders - (before?.PaidOrders ?? 0),
            Joined = before is null ? 1 : 0,
            ActiveMembers = NewlyActive(before, after, program) ? 1 : 0,
            NewRedeemers = redeemedAfter == redeemedBefore ? 0 : redeemedAfter ? 1 : -1,
            SatisfactionCount = feedback?.Satisfaction is null ? 0 : 1,
            SatisfactionSum = feedback?.Satisfaction ?? 0,
            NpsResponses = feedback?.Nps is null ? 0 : 1,
            Promoters = feedback?.Nps is >= 9 ? 1 : 0,
            Detractors = feedback?.Nps is <= 6 ? 1 : 0,
            TierUps = levelAfter > levelBefore ? 1 : 0,
            TierDowns = levelAfter < levelBefore ? 1 : 0,
            Tiers = tiers,
            Expiring = LotsByMonth(after.Lots, 1).Concat(LotsByMonth(before?.Lots ?? [], -1))
                .GroupBy(p => p.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, Points: g.Sum(p => p.Value)))
                .Where(g => g.Points != 0)
                .ToDictionary(g => g.Key, g => g.Points, StringComparer.Ordinal),
        };
    }

    /// <summary>The sum of two sets of figures.</summary>
    public ReportFigures Plus(ReportFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new ReportFigures
        {
            Earned = Earned + other.Earned,
            Imported = Imported + other.Imported,
            Redeemed = Redeemed + other.Redeemed,
            Reinstated = Reinstated + other.Reinstated,
            Expired = Expired + other.Expired,
            Adjusted = Adjusted + other.Adjusted,
            TakenBack = TakenBack + other.TakenBack,
            Liability = Liability + other.Liability,
            Pending = Pending + other.Pending,
            Spend = Spend + other.Spend,
            Orders = Orders + other.Orders,
            Joined = Joined + other.Joined,
            ActiveMembers = ActiveMembers + other.ActiveMembers,
            NewRedeemers = NewRedeemers + other.NewRedeemers,
            SatisfactionCount = SatisfactionCount + other.SatisfactionCount,
            SatisfactionSum = SatisfactionSum + other.SatisfactionSum,
            NpsResponses = NpsResponses + other.NpsResponses,
            Promoters = Promoters + other.Promoters,
            Detractors = Detractors + other.Detractors,
            TierUps = TierUps + other.TierUps,
            TierDowns = TierDowns + other.TierDowns,
            Tiers = Merge(Tiers, other.Tiers),
            Expiring = Merge(Expiring, other.Expiring),
        };
    }

    /// <summary>The sum of many.</summary>
    public static ReportFigures Total(IEnumerable<ReportFigures> figures) => figures.Aggregate(Zero, (a, b) => a.Plus(b));

    /// <summary>Average satisfaction (1 to 5), or null without scores.</summary>
    [JsonIgnore]
    public decimal? AverageSatisfaction => SatisfactionCount == 0 ? null : Math.Round((decimal)SatisfactionSum / SatisfactionCount, 2);

    /// <summary>Net promoter score (−100 to 100), or null without responses.</summary>
    [JsonIgnore]
    public decimal? NetPromoterScore => NpsResponses == 0 ? null : Math.Round(100m * (Promoters - Detractors) / NpsResponses, 1);

    /// <summary>The month key (<c>yyyy-MM</c>) of a day.</summary>
    public static string MonthKey(DateOnly day) => day.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    // A purchase credited in a program-local month where the member had no credited order before.
    private static bool NewlyActive(MemberState? before, MemberState after, LoyaltyProgram program) =>
        after.LastOrderCreditedAt is { } credited
        && credited != before?.LastOrderCreditedAt
        && (before?.LastOrderCreditedAt is not { } previous || MonthKey(program.LocalDate(previous)) != MonthKey(program.LocalDate(credited)));

    private static IEnumerable<KeyValuePair<string, long>> LotsByMonth(IReadOnlyList<Lot> lots, long sign) =>
        lots.Select(l => new KeyValuePair<string, long>(MonthKey(l.ExpiresOn), sign * l.Points));

    private static Dictionary<string, long> Merge(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        var sum = new Dictionary<string, long>(a, StringComparer.Ordinal);
        foreach (var (key, value) in b)
        {
            sum[key] = sum.GetValueOrDefault(key) + value;
        }

        foreach (var key in sum.Where(p => p.Value == 0).Select(p => p.Key).ToList())
        {
            sum.Remove(key);
        }

        return sum;
    }
}

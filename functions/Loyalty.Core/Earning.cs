using System.Globalization;

namespace Loyalty.Core;

/// <summary>What one order earns, part by part, before and after rounding.</summary>
/// <param name="Base">Merchandise × earn rate.</param>
/// <param name="TierExtra">Base × (tier multiplier − 1).</param>
/// <param name="PromotionExtra">Σ over running multiplier promotions of covered base × (multiplier − 1).</param>
/// <param name="PromotionBonus">Σ of the fixed bonuses of running promotions that cover a line.</param>
/// <param name="Points">(Base + TierExtra + PromotionExtra) rounded per the program, plus PromotionBonus.</param>
/// <param name="Promotions">Ids of the promotions that applied.</param>
public sealed record EarningBreakdown(decimal Base, decimal TierExtra, decimal PromotionExtra, long PromotionBonus, long Points, IReadOnlyList<string> Promotions)
{
    /// <summary>A one-line account of the figures, for the ledger.</summary>
    public string Describe(string? tierName, decimal multiplier) => string.Create(
        CultureInfo.InvariantCulture,
        $"base {Base:0.##}{(TierExtra != 0 ? $", {tierName} ×{multiplier:0.##} +{TierExtra:0.##}" : string.Empty)}{(Promotions.Count > 0 ? $", promotions {string.Join("+", Promotions)} +{PromotionExtra:0.##}{(PromotionBonus != 0 ? $" +{PromotionBonus}" : string.Empty)}" : string.Empty)}");
}

/// <summary>
/// How a purchase earns, in this stated order: (1) base points = merchandise × earn rate;
/// (2) the tier multiplier adds base × (multiplier − 1); (3) each running multiplier promotion
/// adds the base of the lines it covers × (multiplier − 1): multipliers add up, they do not
/// compound (Gold 1.5 with double points earns 2.5 per point of base, not 3); (4) the sum is
/// rounded once, per the program; (5) fixed promotion bonuses are added whole. Promotions
/// run by the program-local day the order was placed, and by the tier held before the order.
/// </summary>
public static class Earning
{
    /// <summary>The breakdown for <paramref name="lines"/>, placed on <paramref name="day"/> by a member in <paramref name="tier"/>; null beyond <see cref="Decider.PointsCeiling"/>.</summary>
    public static EarningBreakdown? For(IReadOnlyList<OrderLine> lines, Tier? tier, DateOnly day, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(program);
        var merchandise = lines.Sum(l => l.Merchandise);
        if (Decider.PointsFor(merchandise, program) is null)
        {
            return null;
        }

        var rate = program.EarnRate;
        var @base = merchandise * rate;
        var multiplier = tier?.Multiplier ?? 1m;
        var tierExtra = @base * (multiplier - 1m);
        var promotionExtra = 0m;
        var bonus = 0L;
        var applied = new List<string>();
        foreach (var promotion in program.Promotions.Where(p => p.RunsFor(day, tier?.Id)))
        {
            var covered = lines.Where(promotion.Covers).ToList();
            if (covered.Count == 0)
            {
                continue;
            }

            applied.Add(promotion.Id);
            promotionExtra += covered.Sum(l => l.Merchandise) * rate * ((promotion.Multiplier ?? 1m) - 1m);
            bonus += promotion.Bonus ?? 0;
        }

        var raw = @base + tierExtra + promotionExtra;
        if (raw > Decider.PointsCeiling)
        {
            return null;
        }

        return new EarningBreakdown(@base, tierExtra, promotionExtra, bonus, (long)Decider.Round(raw, program.Rounding) + bonus, applied);
    }

    /// <summary>
    /// What <paramref name="line"/> earns before the order's rounding: its merchandise at the earn
    /// rate, times the tier's multiplier, plus the extra of each running promotion that covers it.
    /// The lines of an order add up to the breakdown's unrounded points, so a refund of one line can
    /// take back exactly that line's part.
    /// </summary>
    public static decimal LinePoints(OrderLine line, Tier? tier, DateOnly day, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(program);
        var @base = line.Merchandise * program.EarnRate;
        var points = @base * (tier?.Multiplier ?? 1m);
        foreach (var promotion in program.Promotions.Where(p => p.RunsFor(day, tier?.Id) && p.Covers(line)))
        {
            points += @base * ((promotion.Multiplier ?? 1m) - 1m);
        }

        return points;
    }
}

namespace Loyalty.Core;

/// <summary>What qualifies a member for a tier over the rolling window.</summary>
public enum TierMeasure
{
    /// <summary>Eligible merchandise spend (after discounts, net of refunds).</summary>
    Spend,

    /// <summary>Points earned by purchases (net of take-backs).</summary>
    Points,

    /// <summary>Paid orders (a fully refunded or cancelled order no longer counts).</summary>
    Orders,
}

/// <summary>When a member's tier is reviewed for a downgrade.</summary>
public enum TierReviewMode
{
    /// <summary>On the anniversary of the member's last tier change.</summary>
    Anniversary,

    /// <summary>Every year on <see cref="TierRules.ReviewMonth"/>/<see cref="TierRules.ReviewDay"/>.</summary>
    FixedDate,
}

/// <summary>How far a downgrade goes.</summary>
public enum DowngradeMode
{
    /// <summary>One level down at a time (never below the level the member qualifies for).</summary>
    OneLevel,

    /// <summary>Straight to the level the member qualifies for.</summary>
    ToQualified,
}

/// <summary>The period a benefit quota counts over, in the program's time zone.</summary>
public enum BenefitPeriod
{
    /// <summary>Calendar month.</summary>
    Month,

    /// <summary>Calendar year.</summary>
    Year,
}

/// <summary>An entitlement a tier grants: a quota per period, or unlimited when <paramref name="Quota"/> is null.</summary>
public sealed record BenefitGrant(string Id, string Name, int? Quota, BenefitPeriod Period = BenefitPeriod.Month);

/// <summary>One level of the program, reached at <paramref name="Threshold"/> of the program's measure.</summary>
public sealed record Tier(string Id, string Name, decimal Threshold, decimal Multiplier, IReadOnlyList<BenefitGrant> Benefits)
{
    /// <summary>The grant of a benefit in this tier, or null.</summary>
    public BenefitGrant? FindBenefit(string benefitId) => Benefits.FirstOrDefault(b => b.Id == benefitId);
}

/// <summary>How tiers are qualified for and reviewed.</summary>
public sealed record TierRules
{
    /// <summary>The figure compared with each tier's threshold.</summary>
    public TierMeasure Measure { get; init; } = TierMeasure.Spend;

    /// <summary>Calendar months in the rolling window: the current month and the months before it.</summary>
    public int WindowMonths { get; init; } = 12;

    /// <summary>When downgrades are considered.</summary>
    public TierReviewMode Review { get; init; } = TierReviewMode.Anniversary;

    /// <summary>Month of the fixed review date.</summary>
    public int ReviewMonth { get; init; } = 1;

    /// <summary>Day of the fixed review date.</summary>
    public int ReviewDay { get; init; } = 1;

    /// <summary>How far a downgrade goes.</summary>
    public DowngradeMode Downgrade { get; init; } = DowngradeMode.OneLevel;

    /// <summary>Days after a failed review during which the member keeps the tier and may requalify.</summary>
    public int GraceDays { get; init; }
}

/// <summary>A member's qualifying figures for one calendar month (program-local).</summary>
public sealed record MonthFigures(int Year, int Month, decimal Spend, long Points, int Orders)
{
    /// <summary>Months since year 0, for window arithmetic.</summary>
    public int Index => IndexOf(Year, Month);

    /// <summary>The <see cref="Index"/> of the month holding <paramref name="day"/>.</summary>
    public static int IndexOf(DateOnly day) => IndexOf(day.Year, day.Month);

    private static int IndexOf(int year, int month) => (year * 12) + month - 1;
}

/// <summary>Pure tier arithmetic: rolling figures, the tier they qualify for, review dates.</summary>
public static class TierMath
{
    /// <summary>The lowest tier (the program's first), or null for a program without tiers.</summary>
    public static Tier? Lowest(LoyaltyProgram program) => program.Tiers.Count == 0 ? null : program.Tiers[0];

    /// <summary>The tier with this id; an unknown or missing id reads as the lowest tier.</summary>
    public static Tier? Find(LoyaltyProgram program, string? tierId) =>
        program.Tiers.FirstOrDefault(t => t.Id == tierId) ?? Lowest(program);

    /// <summary>Position of a tier in the program (0 = lowest).</summary>
    public static int Level(LoyaltyProgram program, string? tierId)
    {
        var index = program.Tiers.ToList().FindIndex(t => t.Id == tierId);
        return Math.Max(0, index);
    }

    /// <summary>The rolling figure for the program's measure on <paramref name="today"/>.</summary>
    public static decimal Rolling(IReadOnlyList<MonthFigures> months, LoyaltyProgram program, DateOnly today)
    {
        var current = MonthFigures.IndexOf(today);
        var inWindow = months.Where(m => m.Index > current - program.TierRules.WindowMonths && m.Index <= current);
        return program.TierRules.Measure switch
        {
            TierMeasure.Spend => inWindow.Sum(m => m.Spend),
            TierMeasure.Points => inWindow.Sum(m => m.Points),
            _ => inWindow.Sum(m => m.Orders),
        };
    }

    /// <summary>The highest tier whose threshold the figure reaches.</summary>
    public static Tier? Qualified(LoyaltyProgram program, decimal figure) =>
        program.Tiers.LastOrDefault(t => t.Threshold <= figure) ?? Lowest(program);

    /// <summary>
    /// Adds to the figures of the month of <paramref name="day"/> (negative to take off), then
    /// drops months that have left the window as of <paramref name="today"/>; a month already
    /// outside the window is not touched.
    /// </summary>
    public static IReadOnlyList<MonthFigures> Add(IReadOnlyList<MonthFigures> months, LoyaltyProgram program, DateOnly day, DateOnly today, decimal spend, long points, int orders)
    {
        var current = MonthFigures.IndexOf(today);
        var oldest = current - program.TierRules.WindowMonths + 1;
        var list = months.Where(m => m.Index >= oldest).ToList();
        var index = MonthFigures.IndexOf(day);
        if (index < oldest)
        {
            return list;
        }

        var at = list.FindIndex(m => m.Index == index);
        var before = at >= 0 ? list[at] : new MonthFigures(day.Year, day.Month, 0m, 0, 0);
        var after = before with
        {
            Spend = Math.Max(0m, before.Spend + spend),
            Points = Math.Max(0, before.Points + points),
            Orders = Math.Max(0, before.Orders + orders),
        };
        if (at >= 0)
        {
            list[at] = after;
        }
        else
        {
            list.Add(after);
        }

        return [.. list.OrderBy(m => m.Index)];
    }

    /// <summary>The next review after a tier change (or a review) on <paramref name="from"/>.</summary>
    public static DateOnly NextReview(LoyaltyProgram program, DateOnly from)
    {
        var rules = program.TierRules;
        if (rules.Review == TierReviewMode.Anniversary)
        {
            // AddYears turns 29 February into 28 February in a common year.
            return from.AddYears(1);
        }

        var candidate = FixedDate(from.Year, rules.ReviewMonth, rules.ReviewDay);
        return candidate > from ? candidate : FixedDate(from.Year + 1, rules.ReviewMonth, rules.ReviewDay);
    }

    /// <summary>The first day of the period after the one holding <paramref name="day"/>.</summary>
    public static DateOnly PeriodResetsOn(BenefitPeriod period, DateOnly day) => period == BenefitPeriod.Month
        ? new DateOnly(day.Year, day.Month, 1).AddMonths(1)
        : new DateOnly(day.Year + 1, 1, 1);

    /// <summary>The key of the quota period holding <paramref name="day"/> (<c>2026-11</c> or <c>2026</c>).</summary>
    public static string PeriodKey(BenefitPeriod period, DateOnly day) => period == BenefitPeriod.Month
        ? $"{day.Year:D4}-{day.Month:D2}"
        : $"{day.Year:D4}";

    private static DateOnly FixedDate(int year, int month, int day) =>
        new(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)));
}

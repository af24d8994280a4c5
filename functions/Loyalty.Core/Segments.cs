namespace Loyalty.Core;

/// <summary>
/// What the segment job knows of one member, all from the member directory.
/// <paramref name="WindowOrders"/> and <paramref name="WindowSpend"/> are the paid orders and spend
/// in the program's window (the tier window, <see cref="TierRules.WindowMonths"/>);
/// <paramref name="LastPurchase"/> and <paramref name="Enrolled"/> are program-local days.
/// </summary>
public sealed record SegmentInput(
    string MemberId, DateOnly Enrolled, DateOnly? LastPurchase, int WindowOrders, decimal WindowSpend, int LifetimeOrders, decimal LifetimeSpend);

/// <summary>One member's segment: RFM scores 1 to 5, value, behaviour and the lifetime-value estimate.</summary>
public sealed record MemberSegment(int Recency, int Frequency, int Monetary, string Value, string Behaviour, decimal LifetimeValue);

/// <summary>How many members are in each value and behaviour segment.</summary>
public sealed record SegmentSizes(long Members, long High, long Medium, long Low, long Active, long AtRisk, long Lapsed)
{
    /// <summary>The sizes of <paramref name="segments"/>.</summary>
    public static SegmentSizes Of(IEnumerable<MemberSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var list = segments.ToList();
        long Count(Func<MemberSegment, bool> f) => list.LongCount(f);
        return new SegmentSizes(
            list.Count,
            Count(s => s.Value == Segmentation.High),
            Count(s => s.Value == Segmentation.Medium),
            Count(s => s.Value == Segmentation.Low),
            Count(s => s.Behaviour == Segmentation.Active),
            Count(s => s.Behaviour == Segmentation.AtRisk),
            Count(s => s.Behaviour == Segmentation.Lapsed));
    }
}

/// <summary>The program's segment settings.</summary>
/// <param name="AtRiskDays">Days since the last purchase from which a member is at risk (before it: active).</param>
/// <param name="LapsedDays">Days since the last purchase from which a member has lapsed.</param>
/// <param name="LifetimeYears">Years a member is expected to keep buying, for the lifetime-value estimate.</param>
public sealed record SegmentRules(int AtRiskDays = 60, int LapsedDays = 180, decimal LifetimeYears = 3m);

/// <summary>
/// Pure RFM scoring across all members (docs/ARCHITECTURE.md, "segments"). Each score is the
/// member's quintile: score = 1 + ⌊5 × b / n⌋, where n is the number of members and b the number
/// of members strictly worse on that figure. Ties share the score of the lowest place they hold,
/// so equal figures always score alike, and a figure held by most members (no orders in the
/// window) scores 1 for all of them. Recency is worse with more days since the last purchase;
/// a member who never bought is worst. Frequency is orders in the window, monetary the spend in it.
/// </summary>
public static class Segmentation
{
    /// <summary>Value: F + M at least 8.</summary>
    public const string High = "high";

    /// <summary>Value: between low and high.</summary>
    public const string Medium = "medium";

    /// <summary>Value: F + M at most 4.</summary>
    public const string Low = "low";

    /// <summary>Behaviour: bought within <see cref="SegmentRules.AtRiskDays"/>.</summary>
    public const string Active = "active";

    /// <summary>Behaviour: last bought <see cref="SegmentRules.AtRiskDays"/> to <see cref="SegmentRules.LapsedDays"/> days ago.</summary>
    public const string AtRisk = "at-risk";

    /// <summary>Behaviour: last bought <see cref="SegmentRules.LapsedDays"/> days ago or longer.</summary>
    public const string Lapsed = "lapsed";

    /// <summary>The value segments, best first.</summary>
    public static IReadOnlyList<string> Values { get; } = [High, Medium, Low];

    /// <summary>The behaviour segments.</summary>
    public static IReadOnlyList<string> Behaviours { get; } = [Active, AtRisk, Lapsed];

    /// <summary>The segment of every member as of <paramref name="today"/>, in the order given.</summary>
    public static IReadOnlyList<MemberSegment> Score(IReadOnlyList<SegmentInput> members, SegmentRules rules, int windowMonths, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(rules);
        var recency = Quintiles(members.Select(m => m.LastPurchase is { } d ? -(long)DaysBetween(d, today) : long.MinValue).ToList());
        var frequency = Quintiles(members.Select(m => (long)m.WindowOrders).ToList());
        var monetary = Quintiles(members.Select(m => (long)decimal.Round(m.WindowSpend * 100m)).ToList());
        var segments = new MemberSegment[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var fm = frequency[i] + monetary[i];
            segments[i] = new MemberSegment(
                recency[i],
                frequency[i],
                monetary[i],
                fm >= 8 ? High : fm <= 4 ? Low : Medium,
                Behaviour(m, rules, today),
                LifetimeValue(m, rules, windowMonths));
        }

        return segments;
    }

    /// <summary>
    /// Active, at risk or lapsed, from the days since the last purchase; a member who never
    /// bought counts from the day they joined (a new member is active until the at-risk day).
    /// </summary>
    public static string Behaviour(SegmentInput member, SegmentRules rules, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(rules);
        var days = DaysBetween(member.LastPurchase ?? member.Enrolled, today);
        return days >= rules.LapsedDays ? Lapsed : days >= rules.AtRiskDays ? AtRisk : Active;
    }

    /// <summary>
    /// Lifetime value = average order value × orders a year × <see cref="SegmentRules.LifetimeYears"/>,
    /// where the average order value is lifetime spend / lifetime orders and the orders a year are
    /// the window's orders × 12 / the window's months. Rounded to cents; 0 without orders.
    /// </summary>
    public static decimal LifetimeValue(SegmentInput member, SegmentRules rules, int windowMonths)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(rules);
        if (member.LifetimeOrders <= 0 || windowMonths <= 0)
        {
            return 0m;
        }

        var averageOrder = member.LifetimeSpend / member.LifetimeOrders;
        var ordersPerYear = member.WindowOrders * 12m / windowMonths;
        return decimal.Round(Math.Max(0m, averageOrder * ordersPerYear * rules.LifetimeYears), 2);
    }

    /// <summary>Quintile scores of <paramref name="figures"/> (higher is better), 1 + ⌊5 × (members strictly below) / n⌋.</summary>
    public static IReadOnlyList<int> Quintiles(IReadOnlyList<long> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var n = figures.Count;
        var sorted = figures.Order().ToArray();
        var scores = new int[n];
        for (var i = 0; i < n; i++)
        {
            var below = LowerBound(sorted, figures[i]);
            scores[i] = 1 + (int)(5L * below / n);
        }

        return scores;
    }

    private static int DaysBetween(DateOnly from, DateOnly today) => Math.Max(0, today.DayNumber - from.DayNumber);

    // The number of items in sorted below value.
    private static int LowerBound(long[] sorted, long value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

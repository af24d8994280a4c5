namespace Loyalty.Core.Tests;

public sealed class SegmentationTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    private static SegmentInput Member(string id, int? daysSincePurchase, int windowOrders = 0, decimal windowSpend = 0m, int lifetimeOrders = 0, decimal lifetimeSpend = 0m, int daysSinceJoined = 400) =>
        new(id, Today.AddDays(-daysSinceJoined), daysSincePurchase is { } d ? Today.AddDays(-d) : null, windowOrders, windowSpend, lifetimeOrders, lifetimeSpend);

    [Fact]
    public void Ten_distinct_figures_fall_two_to_each_quintile()
    {
        // 1 + floor(5 * below / 10) for below = 0..9.
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], Segmentation.Quintiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
        Assert.Equal([5, 1, 3, 4, 2, 1, 2, 3, 4, 5], Segmentation.Quintiles([10, 1, 5, 7, 3, 2, 4, 6, 8, 9]));
    }

    [Fact]
    public void Ties_share_the_score_of_the_lowest_place_they_hold()
    {
        // Six zeros: 0 below each, score 1. 10: 6 below, 1 + floor(3.0) = 4. 20: 7 below, 1 + floor(3.5) = 4.
        // 30: 8 below, 1 + 4 = 5. 40: 9 below, 1 + floor(4.5) = 5.
        Assert.Equal([1, 1, 1, 1, 1, 1, 4, 4, 5, 5], Segmentation.Quintiles([0, 0, 0, 0, 0, 0, 10, 20, 30, 40]));
        Assert.Equal([1, 1, 1], Segmentation.Quintiles([7, 7, 7]));

        // Three members: 1 + floor(0) = 1, 1 + floor(5/3) = 2, 1 + floor(10/3) = 4.
        Assert.Equal([1, 2, 4], Segmentation.Quintiles([5, 7, 9]));
        Assert.Empty(Segmentation.Quintiles([]));
    }

    [Fact]
    public void Recent_frequent_big_spenders_score_high_and_members_who_never_bought_score_lowest()
    {
        SegmentInput[] members =
        [
            Member("a", 3, windowOrders: 9, windowSpend: 900m, lifetimeOrders: 12, lifetimeSpend: 1200m),
            Member("b", 20, windowOrders: 5, windowSpend: 400m, lifetimeOrders: 5, lifetimeSpend: 400m),
            Member("c", 90, windowOrders: 2, windowSpend: 150m, lifetimeOrders: 4, lifetimeSpend: 300m),
            Member("d", 200, windowOrders: 1, windowSpend: 20m, lifetimeOrders: 1, lifetimeSpend: 20m),
            Member("e", null),
        ];

        var s = Segmentation.Score(members, new SegmentRules(), 12, Today);

        // Five members with distinct figures: one per quintile, best first.
        Assert.Equal([5, 4, 3, 2, 1], s.Select(x => x.Recency));
        Assert.Equal([5, 4, 3, 2, 1], s.Select(x => x.Frequency));
        Assert.Equal([5, 4, 3, 2, 1], s.Select(x => x.Monetary));
        Assert.Equal([Segmentation.High, Segmentation.High, Segmentation.Medium, Segmentation.Low, Segmentation.Low], s.Select(x => x.Value));

        // e never bought and joined 400 days ago: counted from the day it joined.
        Assert.Equal([Segmentation.Active, Segmentation.Active, Segmentation.AtRisk, Segmentation.Lapsed, Segmentation.Lapsed], s.Select(x => x.Behaviour));
        Assert.Equal(new SegmentSizes(5, 2, 1, 2, 2, 1, 2), SegmentSizes.Of(s));
    }

    [Theory]
    [InlineData(59, Segmentation.Active)]
    [InlineData(60, Segmentation.AtRisk)]
    [InlineData(179, Segmentation.AtRisk)]
    [InlineData(180, Segmentation.Lapsed)]
    public void Behaviour_turns_at_the_programs_day_counts(int days, string expected)
    {
        Assert.Equal(expected, Segmentation.Behaviour(Member("m", days), new SegmentRules(), Today));
        Assert.Equal(Segmentation.Active, Segmentation.Behaviour(Member("m", days), new SegmentRules(AtRiskDays: 365, LapsedDays: 730), Today));
    }

    [Fact]
    public void A_new_member_who_has_not_bought_yet_is_active()
    {
        Assert.Equal(Segmentation.Active, Segmentation.Behaviour(Member("m", null, daysSinceJoined: 10), new SegmentRules(), Today));
        Assert.Equal(Segmentation.AtRisk, Segmentation.Behaviour(Member("m", null, daysSinceJoined: 60), new SegmentRules(), Today));
    }

    [Fact]
    public void Lifetime_value_is_average_order_times_orders_a_year_times_the_years()
    {
        // 600 / 6 = 100 an order; 4 orders in a 12-month window = 4 a year; 3 years: 1,200.
        var member = Member("m", 10, windowOrders: 4, windowSpend: 380m, lifetimeOrders: 6, lifetimeSpend: 600m);
        Assert.Equal(1200m, Segmentation.LifetimeValue(member, new SegmentRules(), 12));

        // A 6-month window doubles the orders a year; 2 years instead of 3.
        Assert.Equal(1600m, Segmentation.LifetimeValue(member, new SegmentRules(LifetimeYears: 2m), 6));
        Assert.Equal(0m, Segmentation.LifetimeValue(Member("n", null), new SegmentRules(), 12));
    }

    [Fact]
    public void The_program_refuses_a_lapsed_day_count_not_above_the_at_risk_one()
    {
        var program = LoyaltyProgram.Demo with { Segments = new SegmentRules(AtRiskDays: 90, LapsedDays: 90) };
        Assert.Contains(program.Validate(), e => e.StartsWith("Segments:", StringComparison.Ordinal));
        Assert.DoesNotContain(LoyaltyProgram.Demo.Validate(), e => e.StartsWith("Segments:", StringComparison.Ordinal));
    }
}

using System.Globalization;
using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>
/// Promotions and how they stack: base points, plus the tier's extra, plus each running
/// multiplier promotion's extra on the lines it covers, rounded once, then fixed bonuses whole.
/// </summary>
public sealed class PromotionTests
{
    private static readonly DateOnly Day = new(2025, 3, 10);

    private static Promotion Running(string id, decimal? multiplier = null, long? bonus = null, string[]? categories = null, string[]? skus = null, string[]? tiers = null) =>
        new(id, id, new DateOnly(2020, 1, 1), new DateOnly(2030, 12, 31), multiplier, bonus, categories, skus, tiers);

    private static Tier TierNamed(string id) => TierMath.Find(Tiered, id)!;

    /// <summary>What an order earns for a member already in <paramref name="tier"/>.</summary>
    private static long Earns(LoyaltyProgram program, string tier, params OrderLine[] lines)
    {
        var state = MemberState.New(Member, null, T0) with { TierId = tier };
        return Decider.Decide(state, Purchase("o1", lines), DecisionInputs.None, program, T0).Order!.PointsEarned;
    }

    [Fact]
    public void Tier_and_promotion_multipliers_add_on_the_base_and_the_sum_is_rounded_once()
    {
        var program = Tiered with { Promotions = [Running("double", multiplier: 2m)] };

        var earning = Earning.For([Line("l1", 10.99m)], TierNamed("gold"), Day, program)!;

        // 10.99 + 10.99 × 0.5 + 10.99 × 1 = 10.99 + 5.495 + 10.99 = 27.475 → 27. Not compounded
        // (10.99 × 1.5 × 2 = 32.97 → 32), nor rounded part by part (10 + 5 + 10 = 25).
        Assert.Equal((10.99m, 5.495m, 10.99m, 0L, 27L), (earning.Base, earning.TierExtra, earning.PromotionExtra, earning.PromotionBonus, earning.Points));
        Assert.Equal(["double"], earning.Promotions);

        var state = MemberState.New(Member, null, T0) with { TierId = "gold" };
        var decision = Decider.Decide(state, Purchase("o1", Line("l1", 10.99m)), DecisionInputs.None, program, T0);
        Assert.Equal(27, decision.Order!.PointsEarned);
        Assert.Contains("promotions double +10.99", Assert.Single(decision.Entries).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RoundingMode.Down, 119)]
    [InlineData(RoundingMode.Nearest, 120)]
    [InlineData(RoundingMode.Up, 120)]
    public void Promotions_stack_in_order_and_a_fixed_bonus_is_added_whole_after_rounding(RoundingMode rounding, long expected)
    {
        var program = Tiered with
        {
            Rounding = rounding,
            Promotions = [Running("double", multiplier: 2m), Running("books-triple", multiplier: 3m, categories: ["books"]), Running("bonus-10", bonus: 10)],
        };

        var earning = Earning.For([Line("l1", 20m, "books"), Line("l2", 10.99m, "toys")], TierNamed("silver"), Day, program)!;

        // Base 30.99; Silver +30.99 × 0.25 = 7.7475; double +30.99; triple on books +20 × 2 = 40.
        // 30.99 + 7.7475 + 30.99 + 40 = 109.7275 → 109 down, 110 nearest or up; then + 10 whole.
        Assert.Equal((30.99m, 7.7475m, 70.99m, 10L, expected), (earning.Base, earning.TierExtra, earning.PromotionExtra, earning.PromotionBonus, earning.Points));
        Assert.Equal(["double", "books-triple", "bonus-10"], earning.Promotions);
    }

    [Theory]
    [InlineData("2027-11-26T23:59:00-05:00", 100)]
    [InlineData("2027-11-27T00:00:00-05:00", 200)]
    [InlineData("2027-11-30T23:59:00-05:00", 200)]
    [InlineData("2027-12-01T00:00:00-05:00", 100)]
    public void Promotion_runs_from_its_first_to_its_last_day_in_the_program_s_time_zone_by_when_the_order_was_placed(string placedAt, long expected)
    {
        // 26 Nov 23:59 in New York is already the 27th in UTC, and 30 Nov 23:59 is 1 December.
        var program = Tiered with
        {
            TimeZone = "America/New_York",
            Promotions = [new Promotion("weekend", "Double points weekend", new DateOnly(2027, 11, 27), new DateOnly(2027, 11, 30), Multiplier: 2m)],
        };
        var placed = DateTimeOffset.Parse(placedAt, CultureInfo.InvariantCulture);

        // Processed two days later: the day the order was placed decides.
        var decision = Decider.Decide(null, PurchaseAt("o1", 100m, placed), DecisionInputs.None, program, placed.AddDays(2));

        Assert.Equal(expected, decision.Order!.PointsEarned);
    }

    [Fact]
    public void Category_and_sku_filters_cover_only_the_matching_lines()
    {
        var program = Tiered with { Promotions = [Running("books-or-mug", multiplier: 2m, bonus: 5, categories: ["books"], skus: ["MUG-1"])] };

        // Covered: the "Books" line by category and the mug by SKU (both case-insensitive), not the toy
        // nor the line without category. Base 20 + 10 + 30 + 7 = 67; extra (20 + 10) × 1 = 30; + 5.
        var mixed = Earns(program, "member", Line("l1", 20m, "Books"), Line("l2", 10m, "kitchen", "mug-1"), Line("l3", 30m, "toys"), Line("l4", 7m, null));
        Assert.Equal(67 + 30 + 5, mixed);

        // An order with no covered line gets neither the multiplier nor the bonus.
        Assert.Equal(30, Earns(program, "member", Line("l1", 30m, "toys")));
    }

    [Theory]
    [InlineData("member", 100)]
    [InlineData("silver", 125)]
    [InlineData("gold", 250)]
    [InlineData("diamond", 300)]
    public void Tier_filter_runs_the_promotion_only_for_the_tiers_it_lists(string tier, long expected)
    {
        // Gold: 100 + 50 + 100 = 250; Diamond: 100 + 100 + 100 = 300; the others get their tier only.
        var program = Tiered with { Promotions = [Running("vip-double", multiplier: 2m, tiers: ["gold", "diamond"])] };

        Assert.Equal(expected, Earns(program, tier, Line("l1", 100m)));
    }

    [Fact]
    public void Tier_filter_looks_at_the_tier_held_before_the_order()
    {
        var program = Tiered with { Promotions = [Running("vip-double", multiplier: 2m, tiers: ["gold"])] };
        var store = History(program, (Purchase("o1", 1400m), T0));

        // Silver at 1400; this order crosses 1500 and earns as Silver: 200 × 1.25 = 250.
        var decision = store.Apply(Purchase("o2", 200m), T0)!;

        Assert.Equal((250L, "gold"), (decision.Order!.PointsEarned, decision.State!.TierId));
        Assert.DoesNotContain("vip-double", Assert.Single(decision.Entries, e => e.Kind == LedgerKinds.Earned).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_promotion_never_runs_even_inside_its_dates()
    {
        // The demo's double-points weekend, 27–30 Nov 2026, ships disabled.
        var demo = LoyaltyProgram.Demo;
        var promotion = Assert.Single(demo.Promotions);
        Assert.False(promotion.Enabled);
        var saturday = InNewYork(2026, 11, 28);

        var off = Decider.Decide(null, PurchaseAt("o1", 100m, saturday), DecisionInputs.None, demo, saturday);
        var on = Decider.Decide(null, PurchaseAt("o1", 100m, saturday), DecisionInputs.None, demo with { Promotions = [promotion with { Enabled = true }] }, saturday);

        Assert.Equal((100L, 200L), (off.Order!.PointsEarned, on.Order!.PointsEarned));
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>
/// Tiers under <see cref="Given.Tiered"/>: the demo's Member / Silver / Gold / Diamond at 0 / 500 /
/// 1500 / 5000 of rolling 12-month spend, multipliers 1 / 1.25 / 1.5 / 2, UTC days, T0 = 2025-03-10.
/// </summary>
public sealed class TierTests
{
    [Fact]
    public void Upgrade_takes_effect_at_the_order_that_crosses_the_threshold_with_the_figures_in_the_ledger()
    {
        var store = History(Tiered, (Purchase("o1", 300m), T0));
        var at = Utc(2025, 3, 11);

        var decision = store.Apply(Purchase("o2", 250m), at)!;

        // The crossing order earns at the tier held before it: Member ×1 = 250.
        Assert.Equal(250, decision.Order!.PointsEarned);
        Assert.Equal([LedgerKinds.Earned, LedgerKinds.TierChanged], decision.Entries.Select(e => e.Kind));
        var change = decision.Entries[1];
        Assert.Equal((0L, "silver", 550L, "Member → Silver: rolling 12-month spend 550 reaches Silver's 500"), (change.Points, change.TierId, change.BalanceAfter, change.Reason));
        var state = decision.State!;
        Assert.Equal(("silver", (DateTimeOffset?)at, (DateOnly?)new DateOnly(2026, 3, 11), (DateOnly?)null), (state.TierId, state.TierSince, state.ReviewOn, state.GraceUntil));
        var message = Assert.Single(decision.Messages);
        Assert.Equal((MessageKinds.TierUp, "silver", "Welcome to Silver!", 550L), (message.Kind, message.TierId, message.Text, message.Balance));

        // The next order earns at Silver: 100 × 1.25 = 125.
        Assert.Equal(125, store.Decide(Purchase("o3", 100m), at).Order!.PointsEarned);
    }

    [Fact]
    public void One_order_can_climb_several_tiers_at_once()
    {
        var decision = Decider.Decide(null, Purchase("o1", 1600m), DecisionInputs.None, Tiered, T0);

        var change = Assert.Single(decision.Entries, e => e.Kind == LedgerKinds.TierChanged);
        Assert.Equal("Member → Gold: rolling 12-month spend 1600 reaches Gold's 1500", change.Reason);
        Assert.Equal(("gold", 1600L), (decision.State!.TierId, decision.Order!.PointsEarned));
    }

    [Fact]
    public void Refund_lowers_the_rolling_spend_but_never_downgrades_at_once()
    {
        var store = History(Tiered, (Purchase("o1", 600m), T0));
        var reviewOn = store.State!.ReviewOn;

        // 150 of 600 refunded: spend 600 − 150 = 450 and points 600 − 150 = 450, below Silver's 500.
        var decision = store.Apply(RefundLines("o1", "r1", 150m), Utc(2025, 3, 12))!;

        Assert.Equal([LedgerKinds.Refunded], decision.Entries.Select(e => e.Kind));
        Assert.Empty(decision.Messages);
        Assert.Equal([new MonthFigures(2025, 3, 450m, 450, 1)], store.State!.Qualifying);
        Assert.Equal(450m, TierMath.Rolling(store.State.Qualifying, Tiered, new DateOnly(2025, 3, 12)));
        Assert.Equal(("silver", reviewOn, (DateOnly?)null), (store.State.TierId, store.State.ReviewOn, store.State.GraceUntil));
    }

    [Fact]
    public void Net_spend_exactly_at_the_threshold_after_a_partial_refund_still_qualifies()
    {
        // Review on a fixed date, 1 April, so March's figures are still in the window.
        var program = Tiered with { TierRules = Tiered.TierRules with { Review = TierReviewMode.FixedDate, ReviewMonth = 4, ReviewDay = 1 } };
        var store = History(program, (Purchase("o1", 600m), T0), (RefundLines("o1", "r1", 100m), Utc(2025, 3, 12)));

        // 600 − 100 = 500: exactly Silver's threshold.
        Assert.Equal(500m, TierMath.Rolling(store.State!.Qualifying, program, new DateOnly(2025, 3, 12)));

        var review = store.Apply(ReviewDue(new DateOnly(2025, 4, 1), Utc(2025, 4, 1)), Utc(2025, 4, 1))!;

        Assert.Equal(("silver", (DateOnly?)new DateOnly(2026, 4, 1), (DateOnly?)null), (review.State!.TierId, review.State.ReviewOn, review.State.GraceUntil));
    }

    [Fact]
    public void Review_renews_the_tier_a_year_on_from_the_review_day_when_the_member_still_qualifies()
    {
        // Silver on 2025-03-10, reviewed 2026-03-10; 500 spent in February 2026 is inside the
        // window at the review (April 2025 – March 2026).
        var store = History(Tiered, (Purchase("o1", 600m), T0), (Purchase("o2", 500m), Utc(2026, 2, 1)));
        Assert.Equal(new DateOnly(2026, 3, 10), store.State!.ReviewOn);

        // The job runs two days late: the next review still counts from the review day.
        var decision = store.Apply(ReviewDue(new DateOnly(2026, 3, 12), Utc(2026, 3, 12)), Utc(2026, 3, 12))!;

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Empty(decision.Entries);
        Assert.Empty(decision.Messages);
        Assert.Equal(("silver", (DateOnly?)new DateOnly(2027, 3, 10), (DateOnly?)null), (store.State!.TierId, store.State.ReviewOn, store.State.GraceUntil));
    }

    [Fact]
    public void Review_below_the_threshold_starts_the_grace_and_requalifying_during_it_keeps_the_tier()
    {
        var store = History(Tiered, (Purchase("o1", 600m), T0));

        // Nothing spent from April 2025 to March 2026: grace to 2026-03-10 + 30 = 2026-04-09.
        var review = store.Apply(ReviewDue(new DateOnly(2026, 3, 10), Utc(2026, 3, 10)), Utc(2026, 3, 10))!;
        Assert.Equal((DecisionOutcome.Applied, 0), (review.Outcome, review.Entries.Count));
        Assert.Equal(("silver", (DateOnly?)new DateOnly(2026, 4, 9)), (store.State!.TierId, store.State.GraceUntil));

        // 500 spent during the grace: already Silver, so no tier entry, and the grace stands.
        var purchase = store.Apply(Purchase("o2", 500m), Utc(2026, 3, 20))!;
        Assert.DoesNotContain(purchase.Entries, e => e.Kind == LedgerKinds.TierChanged);
        Assert.Equal(new DateOnly(2026, 4, 9), store.State!.GraceUntil);

        // At the end of the grace the member qualifies again: kept, reviewed a year after the review day.
        var end = store.Apply(ReviewDue(new DateOnly(2026, 4, 9), Utc(2026, 4, 9)), Utc(2026, 4, 9))!;
        Assert.Empty(end.Entries);
        Assert.Equal(("silver", (DateOnly?)new DateOnly(2027, 3, 10), (DateOnly?)null), (store.State!.TierId, store.State.ReviewOn, store.State.GraceUntil));
    }

    [Fact]
    public void Grace_counts_from_the_review_day_when_the_review_job_runs_late()
    {
        var store = History(Tiered, (Purchase("o1", 600m), T0));

        // Reviewed on 2026-03-10 but run on the 20th: the grace still ends 2026-03-10 + 30 = 2026-04-09.
        store.Apply(ReviewDue(new DateOnly(2026, 3, 20), Utc(2026, 3, 20)), Utc(2026, 3, 20));
        Assert.Equal(("silver", (DateOnly?)new DateOnly(2026, 4, 9)), (store.State!.TierId, store.State.GraceUntil));

        var end = store.Apply(ReviewDue(new DateOnly(2026, 4, 9), Utc(2026, 4, 9)), Utc(2026, 4, 9))!;
        Assert.Equal("Silver → Member: review of 2026-03-10 after grace to 2026-04-09: rolling 12-month spend 0 is below Silver's 500", Assert.Single(end.Entries).Reason);
        Assert.Equal(("member", (DateOnly?)null, (DateOnly?)null), (TierOf(store.State, Tiered), store.State!.ReviewOn, store.State.GraceUntil));
    }

    [Theory]
    [InlineData(DowngradeMode.OneLevel, 0, "gold")]
    [InlineData(DowngradeMode.ToQualified, 0, "member")]
    [InlineData(DowngradeMode.OneLevel, 600, "gold")]
    [InlineData(DowngradeMode.ToQualified, 600, "silver")]
    [InlineData(DowngradeMode.OneLevel, 2000, "gold")]
    [InlineData(DowngradeMode.ToQualified, 2000, "gold")]
    public void Downgrade_goes_one_level_or_straight_to_the_qualified_tier_as_the_program_says(DowngradeMode mode, int spentLately, string expected)
    {
        var program = Tiered with { TierRules = Tiered.TierRules with { Downgrade = mode, GraceDays = 0 } };
        var history = new List<(LoyaltyEvent, DateTimeOffset)> { (Purchase("o1", 5000m), T0) };
        if (spentLately > 0)
        {
            history.Add((Purchase("o2", spentLately), Utc(2026, 2, 1)));
        }

        var store = History(program, [.. history]);
        Assert.Equal("diamond", store.State!.TierId);

        var decision = store.Apply(ReviewDue(new DateOnly(2026, 3, 10), Utc(2026, 3, 10)), Utc(2026, 3, 10))!;

        var change = Assert.Single(decision.Entries);
        Assert.Equal(expected, change.TierId);
        Assert.Equal($"Diamond → {TierMath.Find(program, expected)!.Name}: review of 2026-03-10: rolling 12-month spend {spentLately} is below Diamond's 5000", change.Reason);
        var state = decision.State!;
        Assert.Equal((expected, expected == "member" ? null : new DateOnly(2027, 3, 10)), (state.TierId, state.ReviewOn));
    }

    [Theory]
    [InlineData("2025-03-10", "2026-01-15")]
    [InlineData("2025-01-14", "2025-01-15")]
    [InlineData("2025-01-15", "2026-01-15")]
    public void Fixed_date_review_falls_on_the_first_review_date_after_the_tier_change(string changedOn, string reviewOn)
    {
        var program = Tiered with { TierRules = Tiered.TierRules with { Review = TierReviewMode.FixedDate, ReviewMonth = 1, ReviewDay = 15 } };
        var day = DateOnly.Parse(changedOn, System.Globalization.CultureInfo.InvariantCulture);

        var decision = Decider.Decide(null, Purchase("o1", 600m), DecisionInputs.None, program, Utc(day.Year, day.Month, day.Day));

        Assert.Equal(("silver", (DateOnly?)DateOnly.Parse(reviewOn, System.Globalization.CultureInfo.InvariantCulture)), (decision.State!.TierId, decision.State.ReviewOn));
    }

    [Fact]
    public void Fixed_date_review_renews_to_the_next_year_s_date_and_29_February_falls_on_28_February_in_common_years()
    {
        var program = Tiered with { TierRules = Tiered.TierRules with { Review = TierReviewMode.FixedDate, ReviewMonth = 1, ReviewDay = 15 } };
        var store = History(program, (Purchase("o1", 600m), T0), (Purchase("o2", 600m), Utc(2025, 12, 1)));

        store.Apply(ReviewDue(new DateOnly(2026, 1, 15), Utc(2026, 1, 15)), Utc(2026, 1, 15));

        Assert.Equal(("silver", (DateOnly?)new DateOnly(2027, 1, 15)), (store.State!.TierId, store.State.ReviewOn));

        var leap = program with { TierRules = program.TierRules with { ReviewMonth = 2, ReviewDay = 29 } };
        Assert.Equal(new DateOnly(2027, 2, 28), TierMath.NextReview(leap, new DateOnly(2026, 5, 1)));
        Assert.Equal(new DateOnly(2028, 2, 29), TierMath.NextReview(leap, new DateOnly(2027, 3, 1)));
    }

    [Fact]
    public void Points_measure_qualifies_on_points_earned_net_of_take_backs()
    {
        // Half a point per 1.00, so spend and points differ: Silver at 100 points.
        var program = Tiered with
        {
            EarnRate = 0.5m,
            TierRules = Tiered.TierRules with { Measure = TierMeasure.Points },
            Tiers = [new Tier("member", "Member", 0m, 1m, []), new Tier("silver", "Silver", 100m, 1.5m, [])],
        };
        var store = History(program, (Purchase("o1", 150m), T0));

        // 150.00 of spend is 75 points: still Member.
        Assert.Equal(("member", 75m), (TierOf(store.State, program), TierMath.Rolling(store.State!.Qualifying, program, new DateOnly(2025, 3, 10))));

        // 50.00 more is 25 points: 75 + 25 = 100.
        var decision = store.Apply(Purchase("o2", 50m), T0)!;
        Assert.Equal("Member → Silver: rolling 12-month points 100 reaches Silver's 100", Assert.Single(decision.Entries, e => e.Kind == LedgerKinds.TierChanged).Reason);

        // Refunding o2 takes its 25 points off the figure; the tier stays until a review.
        store.Apply(RefundFull("o2", "r1"), T0);
        Assert.Equal(("silver", 75m), (store.State!.TierId, TierMath.Rolling(store.State.Qualifying, program, new DateOnly(2025, 3, 10))));
    }

    [Fact]
    public void Orders_measure_counts_paid_orders_and_a_cancelled_one_no_longer_counts()
    {
        var program = Tiered with
        {
            TierRules = Tiered.TierRules with { Measure = TierMeasure.Orders },
            Tiers = [new Tier("member", "Member", 0m, 1m, []), new Tier("silver", "Silver", 3m, 1m, [])],
        };

        // o1, o2 paid (2), o2 cancelled (1), a partial refund of o1 leaves it counted (1), o3 paid (2).
        var store = History(program, (Purchase("o1", 50m), T0), (Purchase("o2", 10m), T0), (Cancelled("o2"), T0), (RefundLines("o1", "r1", 10m), T0), (Purchase("o3", 10m), T0));
        Assert.Equal(("member", 2m), (TierOf(store.State, program), TierMath.Rolling(store.State!.Qualifying, program, new DateOnly(2025, 3, 10))));

        var decision = store.Apply(Purchase("o4", 1m), T0)!;

        Assert.Equal("Member → Silver: rolling 12-month paid orders 3 reaches Silver's 3", Assert.Single(decision.Entries, e => e.Kind == LedgerKinds.TierChanged).Reason);
    }

    [Theory]
    [InlineData(3, 31, "member")]
    [InlineData(4, 1, "silver")]
    public void Rolling_window_holds_the_current_month_and_the_eleven_before_it(int month, int day, string expected)
    {
        // 400 in 2025, then 200 on 2026-03-05: the window is April 2025 – March 2026.
        var store = History(Tiered, (Purchase("o1", 400m), Utc(2025, month, day)));

        store.Apply(Purchase("o2", 200m), Utc(2026, 3, 5));

        Assert.Equal(expected, TierOf(store.State, Tiered));
        Assert.Equal(expected == "silver" ? 600m : 200m, TierMath.Rolling(store.State!.Qualifying, Tiered, new DateOnly(2026, 3, 5)));

        // A month that has left the window is dropped from the stored figures.
        Assert.Equal(expected == "silver" ? [(2025, 4), (2026, 3)] : [(2026, 3)], store.State.Qualifying.Select(m => (m.Year, m.Month)));
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class RedemptionTests
{
    [Fact]
    public void Redemption_spends_the_oldest_points_first_and_returns_the_code()
    {
        var store = History(Program, (Purchase("o1", 20m), T0), (Purchase("o2", 50m), T0.AddDays(10)), (Purchase("o3", 50m), T0.AddDays(20)));
        var at = T0.AddDays(21);

        var decision = store.Decide(Redeem("q1", "five-off"), at);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.Redeemed, -100L, "five-off", 20L), (entry.Kind, entry.Points, entry.RewardId, entry.BalanceAfter));
        Assert.Equal([new LotChange(T0Expiry, -20), new LotChange(T0Expiry.AddDays(10), -50), new LotChange(T0Expiry.AddDays(20), -30)], entry.Lots);
        Assert.Equal([new Lot(T0Expiry.AddDays(20), 20)], decision.State!.Lots);
        var record = decision.Redemption!;
        Assert.Equal(("q1", "five-off", "CODE-q1", 100L, 20L, at, false), (record.RequestId, record.RewardId, record.Code, record.PointsSpent, record.BalanceAfter, record.RedeemedAt, record.Reversed));
        Assert.Equal(entry.Lots, record.LotsTaken);
        Assert.Equal(100, decision.State.LifetimeRedeemed);
        Assert.Equal(1, decision.State.Redemptions["five-off"]);
    }

    [Fact]
    public void Repeated_redemption_request_returns_the_existing_record_and_spends_nothing()
    {
        var store = History(Purchase("o1", 200m), Redeem("q1", "five-off"));

        var decision = store.Decide(Redeem("q1", "five-off", eventId: "redeem-retry"), T0.AddMinutes(1));

        Assert.Equal(DecisionOutcome.AlreadyApplied, decision.Outcome);
        Assert.Same(store.Redemptions["q1"], decision.Redemption);
        Assert.Empty(decision.Entries);
        Assert.Equal(100, decision.State!.Balance);
    }

    [Fact]
    public void Redemption_by_an_unknown_member_is_refused()
    {
        var decision = Decider.Decide(null, Redeem("q1", "coffee"), DecisionInputs.None, Program, T0);

        Assert.Equal(RefusalCodes.UnknownMember, Assert.Single(decision.Refusals).Code);
    }

    [Fact]
    public void Redemption_of_an_unknown_reward_is_refused()
    {
        var store = History(Purchase("o1", 200m));

        var decision = store.Decide(Redeem("q1", "yacht"), T0);

        Assert.Equal(DecisionOutcome.Refused, decision.Outcome);
        Assert.Equal(RefusalCodes.UnknownReward, Assert.Single(decision.Refusals).Code);
    }

    [Fact]
    public void Redemption_beyond_the_per_member_limit_is_refused()
    {
        var store = History(Purchase("o1", 200m), Redeem("q1", "mug"));

        var decision = store.Decide(Redeem("q2", "mug"), T0);

        Assert.Equal(DecisionOutcome.Refused, decision.Outcome);
        Assert.Equal(RefusalCodes.LimitReached, Assert.Single(decision.Refusals).Code);
        Assert.Equal(150, decision.State!.Balance);
    }

    [Fact]
    public void Redemption_with_too_few_points_is_refused_saying_what_the_member_has_and_needs()
    {
        var store = History(Purchase("o1", 42m));

        var decision = store.Decide(Redeem("q1", "five-off"), T0);

        Assert.Equal(DecisionOutcome.Refused, decision.Outcome);
        var refusal = Assert.Single(decision.Refusals);
        Assert.Equal(RefusalCodes.InsufficientPoints, refusal.Code);
        Assert.Contains("needs 100 points", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("has 42", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(decision.Entries);
        Assert.Null(decision.Redemption);
    }

    [Fact]
    public void Member_in_debt_cannot_redeem_until_earnings_cover_the_debt()
    {
        var store = History(Purchase("o1", 100m), Redeem("q1", "five-off"), RefundFull("o1", "r1"), Purchase("o2", 120m));
        Assert.Equal((20L, 0L), (store.State!.LotPoints, store.State.Debt));

        var refused = store.Decide(Redeem("q2", "coffee"), T0);

        Assert.Equal(RefusalCodes.InsufficientPoints, Assert.Single(refused.Refusals).Code);
        Assert.Contains("has 20", refused.Refusals[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redemption_counts_only_the_points_above_the_debt_and_never_goes_below_zero()
    {
        // Decide never leaves debt beside open lots, but a state row may (e.g. after a migration).
        var state = MemberState.New(Member, null, T0) with { Lots = [new Lot(T0Expiry, 80)], Debt = 30 };

        var refused = Decider.Decide(state, Redeem("q1", "five-off"), DecisionInputs.None, Program, T0);
        var applied = Decider.Decide(state, Redeem("q1", "mug"), DecisionInputs.None, Program, T0);

        Assert.Contains("has 50", Assert.Single(refused.Refusals).Message, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Applied, applied.Outcome);
        Assert.Equal((0L, 30L, 30L), (applied.State!.Balance, applied.State.LotPoints, applied.State.Debt));
        Assert.Equal(0, applied.Redemption!.BalanceAfter);
    }

    [Fact]
    public void Several_refusals_are_reported_together()
    {
        var store = History(Purchase("o1", 60m), Redeem("q1", "mug"));

        var decision = store.Decide(Redeem("q2", "mug"), T0);

        Assert.Equal([RefusalCodes.LimitReached, RefusalCodes.InsufficientPoints], decision.Refusals.Select(r => r.Code));
    }

    [Fact]
    public void Reversal_gives_the_points_back_to_the_days_they_came_from()
    {
        var store = History(Program, (Purchase("o1", 20m), T0), (Purchase("o2", 100m), T0.AddDays(10)), (Redeem("q1", "five-off"), T0.AddDays(11)));

        var decision = store.Decide(Reversed("q1"), T0.AddDays(12));

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.RedemptionReversed, 100L, "five-off", 120L), (entry.Kind, entry.Points, entry.RewardId, entry.BalanceAfter));
        Assert.Contains("code not used", entry.Reason, StringComparison.Ordinal);
        Assert.Equal([new Lot(T0Expiry, 20), new Lot(T0Expiry.AddDays(10), 100)], decision.State!.Lots);
        Assert.True(decision.Redemption!.Reversed);
        Assert.Equal(0, decision.State.LifetimeRedeemed);
        Assert.False(decision.State.Redemptions.ContainsKey("five-off"));
    }

    [Fact]
    public void Reversal_pays_off_debt_before_refilling_lots()
    {
        var store = History(Purchase("o1", 100m), Redeem("q1", "five-off"), RefundLines("o1", "r1", 30m));
        Assert.Equal(30, store.State!.Debt);

        var decision = store.Decide(Reversed("q1"), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((100L, -30L, 70L), (entry.Points, entry.DebtChange, entry.BalanceAfter));
        Assert.Equal([new LotChange(T0Expiry, 70)], entry.Lots);
        Assert.Equal(0, decision.State!.Debt);
    }

    [Fact]
    public void Reversal_frees_the_per_member_limit_again()
    {
        var store = History(Purchase("o1", 200m), Redeem("q1", "mug"), Reversed("q1"));

        Assert.Equal(DecisionOutcome.Applied, store.Decide(Redeem("q2", "mug"), T0).Outcome);
    }

    [Fact]
    public void Reversal_of_an_unknown_redemption_is_refused()
    {
        var store = History(Purchase("o1", 200m));

        var decision = store.Decide(Reversed("nope"), T0);

        Assert.Equal(RefusalCodes.UnknownRedemption, Assert.Single(decision.Refusals).Code);
    }

    [Fact]
    public void Reversal_for_an_unknown_member_is_refused()
    {
        var decision = Decider.Decide(null, Reversed("q1"), DecisionInputs.None, Program, T0);

        Assert.Equal(RefusalCodes.UnknownMember, Assert.Single(decision.Refusals).Code);
    }

    [Fact]
    public void Reversal_twice_is_already_applied()
    {
        var store = History(Purchase("o1", 200m), Redeem("q1", "coffee"), Reversed("q1"));

        var decision = store.Decide(Reversed("q1", eventId: "reverse-again"), T0);

        Assert.Equal(DecisionOutcome.AlreadyApplied, decision.Outcome);
        Assert.Equal(200, decision.State!.Balance);
    }
}

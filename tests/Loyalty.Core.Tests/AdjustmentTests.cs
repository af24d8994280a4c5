using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class AdjustmentTests
{
    [Fact]
    public void Positive_adjustment_adds_a_lot_like_an_earning_with_reason_and_actor()
    {
        var store = History(Enrolled());

        var decision = store.Decide(Adjusted(40, "parcel lost", "ops@shop"), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.Adjusted, 40L, "parcel lost", "ops@shop"), (entry.Kind, entry.Points, entry.Reason, entry.Actor));
        Assert.Equal([new Lot(T0Expiry, 40)], decision.State!.Lots);
        Assert.Equal(40, decision.State.LifetimeEarned);
    }

    [Fact]
    public void Positive_adjustment_pays_off_debt_first()
    {
        var store = History(Enrolled(), Adjusted(-25));

        var decision = store.Decide(Adjusted(40, eventId: "a2"), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((40L, -25L, 15L), (entry.Points, entry.DebtChange, entry.BalanceAfter));
        Assert.Equal([new LotChange(T0Expiry, 15)], entry.Lots);
    }

    [Fact]
    public void Negative_adjustment_takes_the_oldest_points_and_records_what_is_missing_as_debt()
    {
        var store = History(Program, (Purchase("o1", 10m), T0), (Purchase("o2", 20m), T0.AddDays(5)));

        var decision = store.Decide(Adjusted(-45, "fraud", "risk@shop"), T0.AddDays(6));

        var entry = Assert.Single(decision.Entries);
        Assert.Equal([new LotChange(T0Expiry, -10), new LotChange(T0Expiry.AddDays(5), -20)], entry.Lots);
        Assert.Equal((-45L, 15L, -15L), (entry.Points, entry.DebtChange, entry.BalanceAfter));
        Assert.Equal(15, decision.State!.Debt);
        Assert.Equal(30, decision.State.LifetimeEarned);
    }

    [Fact]
    public void Adjustment_for_an_unknown_member_is_refused()
    {
        var decision = Decider.Decide(null, Adjusted(10), DecisionInputs.None, Program, T0);

        Assert.Equal(RefusalCodes.UnknownMember, Assert.Single(decision.Refusals).Code);
    }

    [Theory]
    [InlineData(0, "goodwill", "admin", "Points")]
    [InlineData(10, "", "admin", "Reason")]
    [InlineData(10, "  ", "admin", "Reason")]
    [InlineData(-10, "goodwill", "", "Actor")]
    [InlineData(long.MinValue, "goodwill", "admin", "Points")]
    public void Adjustment_without_points_reason_or_actor_is_refused_as_invalid(long points, string reason, string actor, string field)
    {
        var store = History(Enrolled());

        var decision = store.Decide(Adjusted(points, reason, actor), T0);

        Assert.Equal(DecisionOutcome.Refused, decision.Outcome);
        var refusal = Assert.Single(decision.Refusals);
        Assert.Equal(RefusalCodes.Invalid, refusal.Code);
        Assert.StartsWith(field + ":", refusal.Message, StringComparison.Ordinal);
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>The program's credit limits: 100 points an event and 150 a member a program-local day here.</summary>
public sealed class CreditLimitTests
{
    private static readonly LoyaltyProgram Limited = Program with { MaxPointsPerEvent = 100, MaxPointsPerMemberPerDay = 150 };

    [Fact]
    public void A_purchase_over_the_per_event_limit_is_held_with_what_it_would_credit_and_changes_nothing()
    {
        var store = History(Limited, (Enrolled(), T0));
        var before = store.Snapshot();

        var decision = store.Apply(Purchase("o1", 101m), T0)!;

        Assert.Equal(DecisionOutcome.Held, decision.Outcome);
        Assert.Equal(RefusalCodes.OverLimit, Assert.Single(decision.Refusals).Code);
        Assert.Equal(101, CreditLimits.NewPoints(decision.Entries));
        Assert.Same(store.State, decision.State);
        Assert.Equal(before, store.Snapshot());
    }

    [Fact]
    public void Approved_it_is_applied_as_decided_and_counts_towards_the_day()
    {
        var store = History(Limited, (Enrolled(), T0));
        var evt = Purchase("o1", 101m);

        var decision = Decider.Decide(store.State, evt, store.InputsFor(evt) with { OverLimitApproved = true }, Limited, T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Equal(101, decision.State!.Balance);
        Assert.Equal((DateOnly.FromDateTime(T0.UtcDateTime), 101L), (decision.State.CreditDay!.Value, decision.State.CreditedThatDay));
    }

    [Fact]
    public void Credits_of_one_day_add_up_to_the_daily_limit_and_a_new_day_starts_from_zero()
    {
        var store = History(Limited, (Enrolled(), T0), (Purchase("o1", 80m), T0), (Purchase("o2", 70m), T0.AddHours(1)));
        Assert.Equal(150, store.State!.CreditedThatDay);

        var sameDay = store.Decide(Purchase("o3", 1m), T0.AddHours(2));
        var nextDay = store.Decide(Purchase("o3", 100m), T0.AddDays(1));

        Assert.Equal(DecisionOutcome.Held, sameDay.Outcome);
        Assert.Contains("150 already credited today", sameDay.Refusals[0].Message, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Applied, nextDay.Outcome);
        Assert.Equal(100, nextDay.State!.CreditedThatDay);
    }

    [Fact]
    public void Adjustments_count_but_removals_and_reversals_mint_nothing()
    {
        var store = History(Limited, (Enrolled(), T0), (Purchase("o1", 100m), T0), (Redeem("r1", "coffee"), T0));

        var reversal = store.Apply(Reversed("r1"), T0)!;
        var removal = store.Apply(Adjusted(-500), T0)!;
        var bigAdjustment = store.Decide(Adjusted(101, eventId: "a2"), T0.AddDays(2));

        Assert.Equal(DecisionOutcome.Applied, reversal.Outcome);
        Assert.Equal(DecisionOutcome.Applied, removal.Outcome);
        Assert.Equal(100, store.State!.CreditedThatDay);
        Assert.Equal(DecisionOutcome.Held, bigAdjustment.Outcome);
    }

    [Theory]
    [InlineData(0, 10, "MaxPointsPerEvent")]
    [InlineData(100, 99, "MaxPointsPerMemberPerDay")]
    public void Limits_that_make_no_sense_are_refused_naming_the_setting(long perEvent, long perDay, string setting)
    {
        var errors = (Program with { MaxPointsPerEvent = perEvent, MaxPointsPerMemberPerDay = perDay }).Validate();

        Assert.Contains(errors, e => e.StartsWith(setting + ":", StringComparison.Ordinal));
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>Pending points under the plain program with a 14-day return window: bought on T0 (2025-03-10), spendable from 2025-03-24.</summary>
public sealed class PendingTests
{
    private static readonly LoyaltyProgram Pending = Program with { PendingDays = 14 };

    private static readonly DateOnly ActivatesOn = new(2025, 3, 24);

    [Fact]
    public void Pending_points_count_for_nothing_until_they_activate()
    {
        var store = History(Pending, (Purchase("o1", 100m), T0));

        var earned = Assert.Single(store.Ledger);
        Assert.Equal((LedgerKinds.Earned, 0L, 100L, 0L), (earned.Kind, earned.Points, earned.PendingChange, earned.BalanceAfter));
        Assert.EndsWith("; pending until 2025-03-24", earned.Reason, StringComparison.Ordinal);
        var state = store.State!;
        Assert.Equal((0L, 0L, 100L), (state.Balance, state.Spendable, state.PendingPoints));
        Assert.Equal([new PendingLot("o1", ActivatesOn, 100)], state.Pending);
        Assert.Empty(state.Lots);

        var refused = store.Apply(Redeem("q1", "five-off"), Utc(2025, 3, 23))!;
        Assert.Equal(new Refusal(RefusalCodes.InsufficientPoints, "'$5 off' needs 100 points; the member has 0."), Assert.Single(refused.Refusals));

        // The day before: nothing due. On the day: spendable.
        Assert.Equal(DecisionOutcome.AlreadyApplied, store.Apply(ActivationDue(new DateOnly(2025, 3, 23), Utc(2025, 3, 23)), Utc(2025, 3, 23))!.Outcome);
        store.Apply(ActivationDue(ActivatesOn, Utc(2025, 3, 24, hour: 0)), Utc(2025, 3, 24, hour: 0));
        Assert.Equal((100L, 0L), (store.State!.Balance, store.State.PendingPoints));
        Assert.Equal(DecisionOutcome.Applied, store.Apply(Redeem("q2", "five-off"), Utc(2025, 3, 24))!.Outcome);
    }

    [Fact]
    public void Refund_inside_the_window_cancels_pending_points_before_touching_the_balance()
    {
        var store = History(Pending, (Purchase("o1", 100m), T0), (Adjusted(50), T0));

        // 40 of 100 refunded: 40 points, all from o1's pending; the 50 spendable stay.
        var inside = store.Apply(RefundLines("o1", "r1", 40m), Utc(2025, 3, 15))!;
        var entry = Assert.Single(inside.Entries);
        Assert.Equal((LedgerKinds.Refunded, 0L, -40L, 50L), (entry.Kind, entry.Points, entry.PendingChange, entry.BalanceAfter));
        Assert.Empty(entry.Lots);
        Assert.Equal((50L, 60L), (store.State!.Balance, store.State.PendingPoints));

        // After activation (60 → lot 2026-03-24) a further 30 come from the lots: target 70, 40 taken already.
        store.Apply(ActivationDue(ActivatesOn, Utc(2025, 3, 24)), Utc(2025, 3, 24));
        var after = Assert.Single(store.Apply(RefundLines("o1", "r2", 30m), Utc(2025, 3, 25))!.Entries);
        Assert.Equal((-30L, 0L, 80L), (after.Points, after.PendingChange, after.BalanceAfter));
        Assert.Equal([new LotChange(new DateOnly(2026, 3, 10), -30)], after.Lots);
    }

    [Fact]
    public void Refund_takes_only_the_refunded_order_s_pending_points()
    {
        // o1 activates on 24 March; o2 (20 March) is still pending until 3 April when o1 is refunded.
        var store = History(
            Pending,
            (Purchase("o1", 100m), T0),
            (Purchase("o2", 80m), Utc(2025, 3, 20)),
            (ActivationDue(ActivatesOn, Utc(2025, 3, 24)), Utc(2025, 3, 24)));

        var decision = store.Apply(RefundFull("o1", "r1"), Utc(2025, 3, 25))!;

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((-100L, 0L), (entry.Points, entry.PendingChange));
        Assert.Equal([new PendingLot("o2", new DateOnly(2025, 4, 3), 80)], store.State!.Pending);
        Assert.Equal((0L, 80L), (store.State.Balance, store.State.PendingPoints));
    }

    [Fact]
    public void Cancelling_inside_the_window_removes_the_pending_points_and_leaves_no_debt()
    {
        var store = History(Pending, (Purchase("o1", 100m), T0));

        var entry = Assert.Single(store.Apply(Cancelled("o1"), Utc(2025, 3, 12))!.Entries);

        Assert.Equal((LedgerKinds.Cancelled, 0L, -100L), (entry.Kind, entry.Points, entry.PendingChange));
        Assert.Equal((0L, 0L, 0L), (store.State!.Balance, store.State.PendingPoints, store.State.Debt));
        Assert.Equal(DecisionOutcome.AlreadyApplied, store.Decide(ActivationDue(ActivatesOn, Utc(2025, 3, 24)), Utc(2025, 3, 24)).Outcome);
    }

    [Fact]
    public void Activated_points_live_from_the_activation_day_even_when_the_job_runs_late()
    {
        var store = History(Pending, (Purchase("o1", 100m), T0));

        // The job catches up on 27 March; the points were spendable from the 24th: 2025-03-24 + 365 = 2026-03-24.
        var decision = store.Apply(ActivationDue(new DateOnly(2025, 3, 27), Utc(2025, 3, 27)), Utc(2025, 3, 27))!;

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.Activated, 100L, -100L, 100L, "o1"), (entry.Kind, entry.Points, entry.PendingChange, entry.BalanceAfter, entry.OrderId));
        Assert.Equal("100 pending points of order o1 spendable from 2025-03-24", entry.Reason);
        Assert.Equal([new Lot(new DateOnly(2026, 3, 24), 100)], store.State!.Lots);

        // A second run of the job changes nothing.
        Assert.Equal(DecisionOutcome.AlreadyApplied, store.Decide(ActivationDue(new DateOnly(2025, 3, 27), Utc(2025, 3, 27, hour: 13), eventId: "activate-again"), Utc(2025, 3, 27, hour: 13)).Outcome);
    }

    [Fact]
    public void Activation_repays_debt_before_filling_a_lot()
    {
        // An admin removed 30 points the member did not have: debt 30.
        var store = History(Pending, (Purchase("o1", 100m), T0), (Adjusted(-30), T0));
        Assert.Equal((30L, 0L), (store.State!.Debt, store.State.Spendable));

        var entry = Assert.Single(store.Apply(ActivationDue(ActivatesOn, Utc(2025, 3, 24)), Utc(2025, 3, 24))!.Entries);

        Assert.Equal((100L, -30L, 70L), (entry.Points, entry.DebtChange, entry.BalanceAfter));
        Assert.Equal([new LotChange(new DateOnly(2026, 3, 24), 70)], entry.Lots);
        Assert.Equal((0L, 70L), (store.State!.Debt, store.State.Balance));
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class RefundTests
{
    [Fact]
    public void Refund_by_an_unknown_member_is_order_not_seen()
    {
        var decision = Decider.Decide(null, RefundFull("o1", "r1"), DecisionInputs.None, Program, T0);

        Assert.Equal(DecisionOutcome.OrderNotSeen, decision.Outcome);
        Assert.Null(decision.State);
    }

    [Fact]
    public void Refund_that_overtook_its_purchase_is_order_not_seen()
    {
        var store = History(Enrolled());

        Assert.Equal(DecisionOutcome.OrderNotSeen, store.Decide(RefundLines("o1", "r1", 5m), T0).Outcome);
        Assert.Equal(DecisionOutcome.OrderNotSeen, store.Decide(Cancelled("o1"), T0).Outcome);
    }

    [Fact]
    public void Cancel_by_an_unknown_member_is_order_not_seen()
    {
        Assert.Equal(DecisionOutcome.OrderNotSeen, Decider.Decide(null, Cancelled("o1"), DecisionInputs.None, Program, T0).Outcome);
    }

    [Fact]
    public void Partial_refund_by_lines_takes_back_the_share_of_merchandise()
    {
        var store = History(Purchase("o1", 100m, orderTotal: 120m));

        var decision = store.Decide(RefundLines("o1", "r1", 25m), T0.AddDays(1));

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.Refunded, -25L, "o1", 75L), (entry.Kind, entry.Points, entry.OrderId, entry.BalanceAfter));
        Assert.StartsWith("refund r1: 25.00 of 100.00 merchandise", entry.Reason, StringComparison.Ordinal);
        Assert.Equal([new LotChange(T0Expiry, -25)], entry.Lots);
        Assert.Equal(0.25m, decision.Order!.RefundedShare);
        Assert.Equal(25, decision.Order.PointsTakenBack);
        Assert.Equal(["r1"], decision.Order.AppliedRefundIds);
        Assert.Equal(75, decision.State!.Balance);
    }

    [Fact]
    public void Refund_of_one_line_takes_back_exactly_what_that_line_earned_when_lines_earn_at_different_rates()
    {
        // Tea earns triple under a promotion: 40.00 of tea earns 120, 60.00 of cups 60; 180 in all.
        var program = Program with { Promotions = [new Promotion("tea-triple", "Tea triple", new DateOnly(2020, 1, 1), new DateOnly(2030, 12, 31), Multiplier: 3m, Categories: ["tea"])] };
        var store = History(program, (Purchase("o1", new OrderLine("tea", "TEA-1", "tea", 2, 20m, 0m), new OrderLine("cups", "CUP-1", "cups", 1, 60m, 0m)), T0));
        Assert.Equal(180, store.Orders["o1"].PointsEarned);

        // The tea line refunded: its 120 points, not 40% of 180 (72), the merchandise share.
        var tea = store.Decide(new OrderRefunded("refund:o1:r1", Member, T0, "o1", "r1", [new RefundLine("tea", 2, 40m)]), T0.AddDays(1));
        Assert.Equal(-120, Assert.Single(tea.Entries).Points);
        Assert.Equal((0.4m, 120L), (tea.Order!.RefundedShare, tea.Order.PointsTakenBack));

        // Half the cups line then takes back half its 60, and the rest of the order what is left.
        store.Apply(new OrderRefunded("refund:o1:r1", Member, T0, "o1", "r1", [new RefundLine("tea", 2, 40m)]), T0.AddDays(1));
        var cups = store.Decide(new OrderRefunded("refund:o1:r2", Member, T0, "o1", "r2", [new RefundLine("cups", 1, 30m)]), T0.AddDays(2));
        Assert.Equal(-30, Assert.Single(cups.Entries).Points);
        store.Apply(new OrderRefunded("refund:o1:r2", Member, T0, "o1", "r2", [new RefundLine("cups", 1, 30m)]), T0.AddDays(2));
        var rest = store.Decide(new OrderRefunded("refund:o1:r3", Member, T0, "o1", "r3", [new RefundLine("cups", 1, 30m)]), T0.AddDays(3));
        Assert.Equal(-30, Assert.Single(rest.Entries).Points);
        Assert.Equal(180, rest.Order!.PointsTakenBack);
    }

    [Fact]
    public void Refund_by_lines_of_an_order_recorded_without_points_per_line_takes_the_share_of_merchandise()
    {
        var program = Program with { Promotions = [new Promotion("books-double", "Books double", new DateOnly(2020, 1, 1), new DateOnly(2030, 12, 31), Multiplier: 2m, Categories: ["books"])] };
        var store = History(program, (Purchase("o1", new OrderLine("l1", "B-1", "books", 1, 50m, 0m), new OrderLine("l2", "C-1", "cups", 1, 50m, 0m)), T0));
        var older = store.Orders["o1"] with { Lines = [.. store.Orders["o1"].Lines.Select(l => l with { Points = null })] };

        var decision = Decider.Decide(store.State, RefundLines("o1", "r1", 50m), new DecisionInputs(older, null), program, T0);

        Assert.Equal(-75, Assert.Single(decision.Entries).Points);
    }

    [Fact]
    public void Refund_by_amount_is_measured_against_the_order_total()
    {
        var store = History(Purchase("o1", 100m, orderTotal: 120m));

        var decision = store.Decide(RefundAmount("o1", "r1", 30m), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal(-25, entry.Points);
        Assert.Contains("30.00 of 120.00 order total", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_refund_takes_back_everything_the_order_earned()
    {
        var store = History(Purchase("o1", 80m), Purchase("o2", 20m));

        var decision = store.Decide(RefundFull("o1", "r1"), T0);

        Assert.Equal(-80, decision.Entries[0].Points);
        Assert.Equal(1m, decision.Order!.RefundedShare);
        Assert.Equal(20, decision.State!.Balance);
    }

    [Fact]
    public void Same_refund_id_twice_is_already_applied_even_under_another_event_id()
    {
        var store = History(Purchase("o1", 100m), RefundLines("o1", "r1", 25m));

        var decision = store.Decide(RefundLines("o1", "r1", 25m, eventId: "refund-again"), T0);

        Assert.Equal(DecisionOutcome.AlreadyApplied, decision.Outcome);
        Assert.Empty(decision.Entries);
        Assert.Null(decision.Order);
    }

    [Fact]
    public void Partial_refunds_that_add_up_to_the_whole_order_take_back_exactly_what_it_earned()
    {
        var store = History(Purchase("o1", 100m), Purchase("o2", 300m));

        var takes = new List<long>();
        foreach (var refund in new[] { "r1", "r2", "r3" })
        {
            takes.Add(-store.Apply(RefundLines("o2", refund, 100m), T0)!.Entries.Single().Points);
        }

        Assert.Equal([100L, 100L, 100L], takes);
        Assert.Equal(300, store.Orders["o2"].PointsTakenBack);
        Assert.Equal(100, store.State!.Balance);
    }

    [Fact]
    public void Take_backs_round_the_cumulative_share_half_away_from_zero()
    {
        var store = History(Purchase("o1", 10m));

        // Thirds of 10 points: targets 3.33 → 3, 6.67 → 7, 10 → 10.
        var takes = new[] { "r1", "r2", "r3" }
            .Select(r => -store.Apply(RefundLines("o1", r, 10m / 3m), T0)!.Entries.Single().Points)
            .ToList();

        Assert.Equal([3L, 4L, 3L], takes);

        var halves = History(Purchase("o2", 5m));
        Assert.Equal(-3, halves.Decide(RefundLines("o2", "r1", 2.5m), T0).Entries.Single().Points);
    }

    [Fact]
    public void Refunds_beyond_the_whole_order_never_take_back_more_than_it_earned()
    {
        var store = History(Purchase("o1", 50m), Purchase("o2", 50m), RefundLines("o1", "r1", 40m));

        var decision = store.Decide(RefundAmount("o1", "r2", 500m), T0);

        Assert.Equal(-10, decision.Entries.Single().Points);
        Assert.Equal(50, decision.Order!.PointsTakenBack);
        Assert.Equal(1m, decision.Order.RefundedShare);

        store.Apply(RefundAmount("o1", "r2", 500m), T0);
        var more = store.Decide(RefundFull("o1", "r3"), T0);
        Assert.Equal(DecisionOutcome.Applied, more.Outcome);
        Assert.Empty(more.Entries);
        Assert.Equal(["r1", "r2", "r3"], more.Order!.AppliedRefundIds);
    }

    [Fact]
    public void Refund_after_partial_spend_records_the_shortfall_as_debt()
    {
        var store = History(Purchase("o1", 100m), Redeem("q1", "five-off"), Purchase("o2", 30m));
        Assert.Equal(30, store.State!.Balance);

        var decision = store.Decide(RefundFull("o1", "r1"), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal(-100, entry.Points);
        Assert.Equal([new LotChange(T0Expiry, -30)], entry.Lots);
        Assert.Equal(70, entry.DebtChange);
        Assert.Equal(-70, entry.BalanceAfter);
        Assert.Empty(decision.State!.Lots);
        Assert.Equal(70, decision.State.Debt);
        Assert.Equal(-70, decision.State.Balance);
        Assert.Equal(0, decision.State.Spendable);
    }

    [Fact]
    public void Refund_takes_from_the_earliest_expiring_lot_first()
    {
        var store = History(Program, (Purchase("o1", 10m), T0), (Purchase("o2", 10m), T0.AddDays(1)), (Purchase("o3", 10m), T0.AddDays(2)));

        var decision = store.Decide(RefundFull("o3", "r1"), T0.AddDays(3));

        Assert.Equal([new LotChange(T0Expiry, -10)], decision.Entries.Single().Lots);
        Assert.Equal([new Lot(T0Expiry.AddDays(1), 10), new Lot(T0Expiry.AddDays(2), 10)], decision.State!.Lots);
    }

    [Fact]
    public void Cancel_takes_back_everything_not_yet_refunded()
    {
        var store = History(Purchase("o1", 100m), RefundLines("o1", "r1", 40m));

        var decision = store.Decide(Cancelled("o1"), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.Cancelled, -60L, "o1"), (entry.Kind, entry.Points, entry.OrderId));
        Assert.Contains("60 of 100", entry.Reason, StringComparison.Ordinal);
        Assert.True(decision.Order!.Cancelled);
        Assert.Equal(1m, decision.Order.RefundedShare);
        Assert.Equal(100, decision.Order.PointsTakenBack);
        Assert.Equal(0, decision.State!.Balance);
    }

    [Fact]
    public void Cancel_twice_is_already_applied()
    {
        var store = History(Purchase("o1", 100m), Cancelled("o1"));

        var decision = store.Decide(Cancelled("o1", eventId: "cancel-again"), T0);

        Assert.Equal(DecisionOutcome.AlreadyApplied, decision.Outcome);
    }

    [Fact]
    public void Refund_after_a_cancel_takes_back_nothing_more_but_records_its_id()
    {
        var store = History(Purchase("o1", 100m), Cancelled("o1"));

        var decision = store.Decide(RefundFull("o1", "r1"), T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Empty(decision.Entries);
        Assert.Equal(["r1"], decision.Order!.AppliedRefundIds);
        Assert.Equal(0, decision.State!.Balance);
    }

    [Fact]
    public void Cancel_of_a_zero_point_order_marks_it_cancelled_without_a_ledger_entry()
    {
        var store = History(Purchase("o1", 0.5m));

        var decision = store.Decide(Cancelled("o1"), T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Empty(decision.Entries);
        Assert.True(decision.Order!.Cancelled);
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class EarningTests
{
    [Fact]
    public void Demo_program_earns_123_points_on_123_45_of_merchandise()
    {
        var purchase = Purchase("o1", new OrderLine("l1", "BOOK", "books", 2, 50m, 0m), new OrderLine("l2", "PEN", "office", 1, 33.45m, 10m)) with { OrderTotal = 140m };

        var decision = Decider.Decide(null, purchase, DecisionInputs.None, LoyaltyProgram.Demo, T0);

        var earned = Assert.Single(decision.Entries, e => e.Kind == LedgerKinds.Earned);
        Assert.Equal(123, earned.Points);
        Assert.Equal(123 + LoyaltyProgram.Demo.SignUpBonus, decision.State!.Balance);
        Assert.Equal(123.45m, decision.Order!.Merchandise);
    }

    [Theory]
    [InlineData(RoundingMode.Down, 1.5, 10.99, 16)]
    [InlineData(RoundingMode.Nearest, 1.5, 10.99, 16)]
    [InlineData(RoundingMode.Nearest, 1, 10.50, 11)]
    [InlineData(RoundingMode.Nearest, 1, 10.49, 10)]
    [InlineData(RoundingMode.Up, 1, 10.01, 11)]
    [InlineData(RoundingMode.Up, 2, 10.00, 20)]
    [InlineData(RoundingMode.Down, 1, 0.99, 0)]
    public void Points_are_merchandise_times_rate_rounded_per_the_program(RoundingMode rounding, double rate, double merchandise, long expected)
    {
        var program = Program with { Rounding = rounding, EarnRate = (decimal)rate };

        var decision = Decider.Decide(null, Purchase("o1", (decimal)merchandise), DecisionInputs.None, program, T0);

        Assert.Equal(expected, decision.Order!.PointsEarned);
        Assert.Equal(expected, decision.State!.Balance);
    }

    [Fact]
    public void Earning_counts_merchandise_after_line_discounts_and_ignores_tax_and_shipping()
    {
        var purchase = Purchase("o1", new OrderLine("l1", "A", null, 3, 20m, 15m), new OrderLine("l2", "B", null, 1, 5m, 9m)) with { OrderTotal = 80m };

        var decision = Decider.Decide(null, purchase, DecisionInputs.None, Program, T0);

        Assert.Equal(45, decision.Order!.PointsEarned);
        Assert.Equal(80m, decision.Order.OrderTotal);
        Assert.Equal([45m, 0m], decision.Order.Lines.Select(l => l.Merchandise));
    }

    [Fact]
    public void Purchase_writes_the_order_record_a_refund_will_read()
    {
        var store = History(Enrolled());

        var decision = store.Decide(Purchase("o1", 42.50m, orderTotal: 50m, currency: "usd"), T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        var order = decision.Order!;
        Assert.Equal(("o1", "USD", 42.50m, 50m, 42L, T0), (order.OrderId, order.Currency, order.Merchandise, order.OrderTotal, order.PointsEarned, order.CreditedAt));
        Assert.Equal((0m, 0L, false), (order.RefundedShare, order.PointsTakenBack, order.Cancelled));
        Assert.Empty(order.AppliedRefundIds);
        Assert.Equal("l1", Assert.Single(order.Lines).LineId);
        var entry = Assert.Single(decision.Entries);
        Assert.Equal(("o1", "paid:o1", T0), (entry.OrderId, entry.SourceEventId, entry.At));
    }

    [Fact]
    public void Purchase_in_another_currency_is_refused_and_writes_nothing()
    {
        var store = History(Enrolled());

        var decision = store.Decide(Purchase("o1", 10m, currency: "EUR"), T0);

        Assert.Equal(DecisionOutcome.Refused, decision.Outcome);
        Assert.Equal(RefusalCodes.CurrencyMismatch, Assert.Single(decision.Refusals).Code);
        Assert.Contains("EUR", decision.Refusals[0].Message, StringComparison.Ordinal);
        Assert.Same(store.State, decision.State);
        Assert.Null(decision.Order);
        Assert.Empty(decision.Entries);
    }

    [Fact]
    public void Second_purchase_event_for_an_already_credited_order_is_already_applied()
    {
        var store = History(Purchase("o1", 10m));

        var decision = store.Decide(Purchase("o1", 10m, eventId: "woo:order.updated:o1"), T0.AddMinutes(5));

        Assert.Equal(DecisionOutcome.AlreadyApplied, decision.Outcome);
        Assert.Empty(decision.Entries);
        Assert.Null(decision.Order);
        Assert.Equal(10, decision.State!.Balance);
    }

    [Fact]
    public void Earned_points_expire_the_lifetime_after_the_program_local_day()
    {
        var program = Program with { TimeZone = "America/New_York" };

        // 02:00 UTC on 11 March is still 10 March in New York.
        var decision = Decider.Decide(null, Purchase("o1", 10m), DecisionInputs.None, program, new DateTimeOffset(2025, 3, 11, 2, 0, 0, TimeSpan.Zero));

        Assert.Equal([new Lot(new DateOnly(2026, 3, 10), 10)], decision.State!.Lots);
        Assert.Equal([new LotChange(new DateOnly(2026, 3, 10), 10)], decision.Entries[0].Lots);
    }

    [Fact]
    public void Points_never_expire_when_the_lifetime_is_zero()
    {
        var decision = Decider.Decide(null, Purchase("o1", 10m), DecisionInputs.None, Program with { PointsLifetimeDays = 0 }, T0);

        Assert.Equal([new Lot(DateOnly.MaxValue, 10)], decision.State!.Lots);
    }

    [Fact]
    public void Earnings_of_one_day_merge_into_one_lot_and_lots_stay_sorted_by_expiry()
    {
        var store = History(Program, (Purchase("o2", 20m), T0.AddDays(3)), (Purchase("o1", 10m), T0), (Purchase("o3", 5m), T0.AddHours(2)));

        Assert.Equal([new Lot(T0Expiry, 15), new Lot(T0Expiry.AddDays(3), 20)], store.State!.Lots);
    }

    [Fact]
    public void Earning_pays_off_debt_first_and_the_entry_still_shows_the_full_earning()
    {
        var store = History(Purchase("o1", 10m), Adjusted(-25));
        Assert.Equal(15, store.State!.Debt);

        var decision = store.Decide(Purchase("o2", 40m), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal(40, entry.Points);
        Assert.Equal(-15, entry.DebtChange);
        Assert.Equal([new LotChange(T0Expiry, 25)], entry.Lots);
        Assert.Equal(25, entry.BalanceAfter);
        Assert.Equal(0, decision.State!.Debt);
        Assert.Equal([new Lot(T0Expiry, 25)], decision.State.Lots);
    }

    [Fact]
    public void Earning_smaller_than_the_debt_only_reduces_the_debt()
    {
        var store = History(Enrolled(), Adjusted(5), Adjusted(-30));

        var decision = store.Decide(Purchase("o1", 10m), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((10L, -10L, -15L), (entry.Points, entry.DebtChange, entry.BalanceAfter));
        Assert.Empty(entry.Lots);
        Assert.Empty(decision.State!.Lots);
        Assert.Equal(15, decision.State.Debt);
    }

    [Fact]
    public void Zero_point_purchase_records_the_order_but_writes_no_ledger_entry()
    {
        var store = History(Enrolled());

        var decision = store.Decide(Purchase("o1", 0.99m), T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Empty(decision.Entries);
        Assert.Equal(0, decision.Order!.PointsEarned);
        Assert.Equal(2, decision.State!.Version);
        Assert.Equal(0, decision.State.LedgerSequence);
    }

    [Fact]
    public void Every_applied_decision_bumps_the_version_and_numbers_entries_after_the_last_one()
    {
        var store = History(Purchase("o1", 10m), Purchase("o2", 10m));
        var later = T0.AddDays(2);

        var decision = store.Decide(Purchase("o3", 7m), later);

        Assert.Equal(3, decision.State!.Version);
        var entry = Assert.Single(decision.Entries);
        Assert.Equal((3L, later, "paid:o3", 27L), (entry.Sequence, entry.At, entry.SourceEventId, entry.BalanceAfter));
        Assert.Equal(3, decision.State.LedgerSequence);
    }

    [Fact]
    public void Purchase_that_would_earn_an_absurd_number_of_points_is_refused_as_invalid()
    {
        var decision = Decider.Decide(null, Purchase("o1", 10_000_000_000_000m), DecisionInputs.None, Program, T0);

        Assert.Equal(RefusalCodes.Invalid, Assert.Single(decision.Refusals).Code);
    }

    [Fact]
    public void Deciding_twice_on_the_same_inputs_gives_the_same_decision()
    {
        var store = History(Purchase("o1", 10m));
        var evt = Purchase("o2", 12m);

        var first = store.Decide(evt, T0);
        var second = store.Decide(evt, T0);

        Assert.Equal(Json(first), Json(second));
    }

    [Fact]
    public void State_of_another_member_is_a_programmer_error()
    {
        var state = MemberState.New("someone-else", null, T0);

        Assert.Throws<ArgumentException>(() => Decider.Decide(state, Purchase("o1", 1m), DecisionInputs.None, Program, T0));
    }

    [Fact]
    public void Order_record_of_another_order_is_a_programmer_error()
    {
        var store = History(Purchase("o1", 10m));

        Assert.Throws<ArgumentException>(() => Decider.Decide(store.State, Cancelled("o2"), new DecisionInputs(store.Orders["o1"]), Program, T0));
    }

    private static string Json(Decision d) => System.Text.Json.JsonSerializer.Serialize(d, EventEnvelope.Json);
}

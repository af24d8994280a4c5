using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>Expiry and its reminders under the plain program (UTC days, a 365-day lifetime), T0 = 2025-03-10.</summary>
public sealed class ExpiryTests
{
    private static readonly LoyaltyProgram Extending = Program with { ExpiryMode = ExpiryMode.ActivityExtends };

    [Fact]
    public void Each_lot_expires_once_its_own_day_has_ended_with_one_entry_per_lot()
    {
        // o1 on 10 March → 2026-03-10; o2 on 12 March → 2026-03-12.
        var store = History(Program, (Purchase("o1", 100m), T0), (Purchase("o2", 40m), Utc(2025, 3, 12)));

        // 10 March 2026 has not ended for the job of the 9th: nothing expires.
        Assert.Equal(DecisionOutcome.AlreadyApplied, store.Apply(ExpiryDue(new DateOnly(2026, 3, 9), Utc(2026, 3, 10, hour: 0)), Utc(2026, 3, 10, hour: 0))!.Outcome);

        var tenth = store.Apply(ExpiryDue(new DateOnly(2026, 3, 10), Utc(2026, 3, 11, hour: 0)), Utc(2026, 3, 11, hour: 0))!;
        var entry = Assert.Single(tenth.Entries);
        Assert.Equal((LedgerKinds.Expired, -100L, 40L), (entry.Kind, entry.Points, entry.BalanceAfter));
        Assert.Equal([new LotChange(new DateOnly(2026, 3, 10), -100)], entry.Lots);
        Assert.Equal([new Lot(new DateOnly(2026, 3, 12), 40)], store.State!.Lots);

        // The same day again (the job firing twice, under another id) changes nothing.
        Assert.Equal(DecisionOutcome.AlreadyApplied, store.Apply(ExpiryDue(new DateOnly(2026, 3, 10), Utc(2026, 3, 11, hour: 1), eventId: "expire-again"), Utc(2026, 3, 11, hour: 1))!.Outcome);
        Assert.Equal(40, store.State.Balance);
    }

    [Fact]
    public void Job_catching_up_after_missed_days_writes_one_entry_per_lot_and_only_what_is_left_of_each()
    {
        // Lots 2026-03-10: 100, 2026-03-11: 50, 2026-03-12: 40; a 30-point coffee takes 30 from the first.
        var store = History(
            Program,
            (Purchase("o1", 100m), T0),
            (Purchase("o2", 50m), Utc(2025, 3, 11)),
            (Purchase("o3", 40m), Utc(2025, 3, 12)),
            (Redeem("q1", "coffee"), Utc(2025, 4, 1)));

        var decision = store.Apply(ExpiryDue(new DateOnly(2026, 3, 11), Utc(2026, 3, 12, hour: 0)), Utc(2026, 3, 12, hour: 0))!;

        // 160 − 70 = 90, then 90 − 50 = 40.
        Assert.Equal(
            [(-70L, new DateOnly(2026, 3, 10), 90L), (-50L, new DateOnly(2026, 3, 11), 40L)],
            decision.Entries.Select(e => (e.Points, Assert.Single(e.Lots).ExpiresOn, e.BalanceAfter)));
        Assert.All(decision.Entries, e => Assert.Equal(LedgerKinds.Expired, e.Kind));
    }

    [Fact]
    public void Expiry_day_is_the_program_local_day_the_points_were_earned()
    {
        // 23:30 on 10 Jan in New York is already 11 Jan in UTC: the lot ends on 2028-01-10.
        var program = Program with { TimeZone = "America/New_York" };
        var store = History(program, (PurchaseAt("o1", 100m, InNewYork(2027, 1, 10, hour: 23, minute: 30)), InNewYork(2027, 1, 10, hour: 23, minute: 30)));

        Assert.Equal([new Lot(new DateOnly(2028, 1, 10), 100)], store.State!.Lots);
        var at = InNewYork(2028, 1, 11, hour: 0, minute: 30);
        Assert.Equal(-100, Assert.Single(store.Apply(ExpiryDue(new DateOnly(2028, 1, 10), at), at)!.Entries).Points);
    }

    [Fact]
    public void Activity_extends_moves_every_lot_to_the_new_expiry_day_on_any_earning()
    {
        var store = History(Extending, (Purchase("o1", 100m), T0));

        // An order on 1 June: the new lot ends 2026-06-01 and the 100 of 2026-03-10 move there too.
        var june = store.Apply(Purchase("o2", 50m), Utc(2025, 6, 1))!;
        var earned = Assert.Single(june.Entries);
        Assert.Equal(50, earned.Points);
        Assert.Equal(50, earned.Lots.Sum(c => c.Points));
        Assert.Contains(new LotChange(new DateOnly(2026, 3, 10), -100), earned.Lots);
        Assert.Equal([new Lot(new DateOnly(2026, 6, 1), 150)], store.State!.Lots);

        // An adjustment is an earning too; a redemption is not.
        store.Apply(Adjusted(10), Utc(2025, 9, 1));
        Assert.Equal([new Lot(new DateOnly(2026, 9, 1), 160)], store.State!.Lots);
        store.Apply(Redeem("q1", "coffee"), Utc(2025, 10, 1));
        Assert.Equal([new Lot(new DateOnly(2026, 9, 1), 130)], store.State!.Lots);

        // Nothing is left on the old days.
        Assert.Equal(DecisionOutcome.AlreadyApplied, store.Decide(ExpiryDue(new DateOnly(2026, 6, 1), Utc(2026, 6, 2)), Utc(2026, 6, 2)).Outcome);
        Assert.Equal(["expiry|20260901"], Schedule.Of(store.State).Select(e => e.Partition));
    }

    [Fact]
    public void Activity_extends_counts_pending_points_as_earned_when_they_activate()
    {
        // 100 spendable on T0 (to 2026-03-10); 50 bought on 1 June wait 14 days and then carry both
        // lots to 2025-06-15 + 365 = 2026-06-15.
        var program = Extending with { PendingDays = 14 };
        var store = History(program, (Enrolled(), T0), (Adjusted(100), T0), (Purchase("o1", 50m), Utc(2025, 6, 1)));
        Assert.Equal([new Lot(T0Expiry, 100)], store.State!.Lots);

        store.Apply(ActivationDue(new DateOnly(2025, 6, 15), Utc(2025, 6, 15)), Utc(2025, 6, 15));

        Assert.Equal([new Lot(new DateOnly(2026, 6, 15), 150)], store.State!.Lots);
    }

    [Fact]
    public void Per_lot_expiry_leaves_older_lots_on_their_own_days()
    {
        var store = History(Program, (Purchase("o1", 100m), T0), (Purchase("o2", 50m), Utc(2025, 6, 1)));

        Assert.Equal([new Lot(new DateOnly(2026, 3, 10), 100), new Lot(new DateOnly(2026, 6, 1), 50)], store.State!.Lots);
    }

    [Fact]
    public void Reminder_names_the_points_left_and_their_day()
    {
        // 100 on 2026-03-10, of which a coffee took 30.
        var store = History(Program, (Purchase("o1", 100m), T0), (Redeem("q1", "coffee"), T0));
        var at = Utc(2026, 2, 8);

        var decision = store.Apply(ReminderDue(T0Expiry, 30, at), at)!;

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Empty(decision.Entries);
        var message = Assert.Single(decision.Messages);
        Assert.Equal(
            ("remind:20260310:30", MessageKinds.ExpiryReminder, at, (long?)70, (DateOnly?)T0Expiry, 70L, "70 points expire at the end of 2026-03-10 (30 days' notice)."),
            (message.MessageId, message.Kind, message.CreatedAt, message.Points, message.Date, message.Balance, message.Text));
        Assert.Equal(70, store.State!.Balance);
    }

    [Fact]
    public void Reminder_is_skipped_for_a_day_already_past_but_sent_on_the_day_itself()
    {
        var store = History(Program, (Purchase("o1", 100m), T0));

        // The 7-day job ran late, after the lot's day: nothing to say any more.
        var late = store.Decide(ReminderDue(T0Expiry, 7, Utc(2026, 3, 11)), Utc(2026, 3, 11));
        Assert.Equal((DecisionOutcome.AlreadyApplied, 0), (late.Outcome, late.Messages.Count));

        // On the day itself the points can still be spent.
        Assert.Single(store.Decide(ReminderDue(T0Expiry, 7, Utc(2026, 3, 10)), Utc(2026, 3, 10)).Messages);
    }

    [Fact]
    public void Reminder_for_a_day_whose_points_were_spent_sends_nothing()
    {
        var store = History(Program, (Purchase("o1", 100m), T0), (Redeem("q1", "five-off"), T0));

        var decision = store.Decide(ReminderDue(T0Expiry, 30, Utc(2026, 2, 8)), Utc(2026, 2, 8));

        Assert.Equal((DecisionOutcome.AlreadyApplied, 0), (decision.Outcome, decision.Messages.Count));
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>
/// One member's year under the demo program with a 14-day return window, driven by a test clock
/// through the member-store stand-in: each step is an event decided and committed at one instant
/// (New York wall-clock time), and every step checks the balance, the pending points and the tier.
/// The figures are worked out from the rules in the comments, not read from a run.
/// </summary>
public sealed class YearInTheLifeTests
{
    private static readonly LoyaltyProgram Year = LoyaltyProgram.Demo with
    {
        TimeZone = "America/New_York",
        PendingDays = 14,
        PointsLifetimeDays = 365,
    };

    /// <summary>Born on 29 February; 2027 is a common year, so the birthday falls on 28 February.</summary>
    private static readonly MemberProfile Leapling = new(Email: "leap@example.com", FirstName: "Leap", Birthday: new DateOnly(2000, 2, 29));

    [Fact]
    public void Member_joins_climbs_to_gold_uses_benefits_gets_a_leap_day_birthday_sees_points_activate_and_expire_and_drops_a_tier_after_grace()
    {
        var clock = new TestClock(Year);
        var store = new MemberStore(Year);
        Decision Apply(LoyaltyEvent evt) => store.Apply(evt, clock.Now) ?? throw new InvalidOperationException($"{evt.EventId} was applied before.");
        decimal Rolling() => TierMath.Rolling(store.State!.Qualifying, Year, clock.Today);

        // 4 Jan 2027: joins. Sign-up bonus 50, spendable at once, lives 365 days: 2027-01-04 + 365 = 2028-01-04.
        clock.Set(2027, 1, 4);
        var joined = Apply(new MemberEnrolled("enrol", Member, clock.Now, Leapling));
        Assert.Equal(DecisionOutcome.Applied, joined.Outcome);
        Assert.Equal([new Lot(D(2028, 1, 4), 50)], store.State!.Lots);
        Assert.Equal(["birthday|0229", "expiry|20280104"], Partitions(store.State));
        Holds(store, balance: 50, pending: 0, tier: "member");

        // 10 Jan: o1, 300.00 at Member ×1 = 300 points, pending until 10 + 14 = 24 Jan.
        clock.Set(2027, 1, 10);
        var beforeO1 = store.State;
        var o1 = Apply(PurchaseAt("o1", 300m, clock.Now));
        var earned1 = Assert.Single(o1.Entries);
        Assert.Equal((LedgerKinds.Earned, 0L, 300L, 50L), (earned1.Kind, earned1.Points, earned1.PendingChange, earned1.BalanceAfter));
        Assert.EndsWith("pending until 2027-01-24", earned1.Reason, StringComparison.Ordinal);
        Assert.Equal([new ScheduleEntry(ScheduleKinds.Pending, "20270124")], Schedule.Added(beforeO1, store.State));
        Assert.Equal(300m, Rolling());
        Holds(store, balance: 50, pending: 300, tier: "member");

        // 15 Jan: pending points count for nothing: 10% off costs 250, only the 50 are spendable.
        clock.Set(2027, 1, 15);
        var tooEarly = Apply(Redeem("q1", "pct-10-off"));
        Assert.Equal(DecisionOutcome.Refused, tooEarly.Outcome);
        Assert.Equal(new Refusal(RefusalCodes.InsufficientPoints, "'10% off your next order' needs 250 points; the member has 50."), Assert.Single(tooEarly.Refusals));
        Holds(store, balance: 50, pending: 300, tier: "member");

        // 20 Jan: o2, 250.00, earns at the tier held before it, Member ×1 = 250 (pending to 3 Feb).
        // Rolling spend 300 + 250 = 550 ≥ 500: Silver from this order, reviewed on 2028-01-20.
        clock.Set(2027, 1, 20);
        var o2 = Apply(PurchaseAt("o2", 250m, clock.Now));
        Assert.Equal([LedgerKinds.Earned, LedgerKinds.TierChanged], o2.Entries.Select(e => e.Kind));
        Assert.Equal(250, o2.Entries[0].PendingChange);
        Assert.Equal((0L, "silver", "Member → Silver: rolling 12-month spend 550 reaches Silver's 500"), (o2.Entries[1].Points, o2.Entries[1].TierId, o2.Entries[1].Reason));
        var welcome = Assert.Single(o2.Messages);
        Assert.Equal((MessageKinds.TierUp, "silver"), (welcome.Kind, welcome.TierId));
        Assert.Equal((D(2028, 1, 20), (DateOnly?)null), (store.State!.ReviewOn, store.State.GraceUntil));
        Holds(store, balance: 50, pending: 550, tier: "silver");

        // 23 Jan, 1 a.m.: the activation job for 23 Jan finds nothing due yet.
        clock.Set(2027, 1, 23, hour: 1);
        Assert.Equal(DecisionOutcome.AlreadyApplied, Apply(ActivationDue(clock.Today, clock.Now)).Outcome);
        Holds(store, balance: 50, pending: 550, tier: "silver");

        // 24 Jan, 1 a.m.: o1's 300 activate: balance 50 → 350, pending 550 → 250. The lot lives from
        // the activation day: 2027-01-24 + 365 = 2028-01-24.
        clock.Set(2027, 1, 24, hour: 1);
        Holds(store, balance: 50, pending: 550, tier: "silver");
        var activated1 = Assert.Single(Apply(ActivationDue(clock.Today, clock.Now)).Entries);
        Assert.Equal((LedgerKinds.Activated, 300L, -300L, 350L, "o1"), (activated1.Kind, activated1.Points, activated1.PendingChange, activated1.BalanceAfter, activated1.OrderId));
        Assert.Equal([new LotChange(D(2028, 1, 24), 300)], activated1.Lots);
        Holds(store, balance: 350, pending: 250, tier: "silver");

        // 28 Jan: o3, 401.99 at Silver ×1.25 = 401.99 + 100.4975 = 502.4875 → 502 (rounded down once).
        // Pending 250 + 502 = 752; rolling spend 550 + 401.99 = 951.99.
        clock.Set(2027, 1, 28);
        var o3 = Apply(PurchaseAt("o3", 401.99m, clock.Now));
        Assert.Equal(502, o3.Order!.PointsEarned);
        Assert.Contains("Silver ×1.25", Assert.Single(o3.Entries).Reason, StringComparison.Ordinal);
        Assert.Equal(951.99m, Rolling());
        Holds(store, balance: 350, pending: 752, tier: "silver");

        // 3 Feb: o2's 250 activate (lot 2028-02-03): 350 → 600, pending 752 → 502.
        clock.Set(2027, 2, 3, hour: 1);
        Assert.Equal([new LotChange(D(2028, 2, 3), 250)], Assert.Single(Apply(ActivationDue(clock.Today, clock.Now)).Entries).Lots);
        Holds(store, balance: 600, pending: 502, tier: "silver");

        // 5 Feb: o4, 560.00, the crossing order, still at Silver ×1.25 = 700 (pending to 19 Feb).
        // Rolling 951.99 + 560 = 1511.99 ≥ 1500: Gold, reviewed on 2028-02-05. Pending 502 + 700 = 1202.
        clock.Set(2027, 2, 5);
        var o4 = Apply(PurchaseAt("o4", 560m, clock.Now));
        Assert.Equal(700, o4.Order!.PointsEarned);
        Assert.Equal("Silver → Gold: rolling 12-month spend 1511.99 reaches Gold's 1500", Assert.Single(o4.Entries, e => e.Kind == LedgerKinds.TierChanged).Reason);
        Assert.Equal(D(2028, 2, 5), store.State!.ReviewOn);
        Holds(store, balance: 600, pending: 1202, tier: "gold");

        // 8 Feb: o5, books 90.00 + toys 35.50 = 125.50 at Gold ×1.5 = 188.25 → 188 (pending to 22 Feb).
        // Pending 1202 + 188 = 1390; rolling 1511.99 + 125.50 = 1637.49.
        clock.Set(2027, 2, 8);
        var o5 = Apply(PurchaseAt("o5", clock.Now, Line("l1", 90m, "books"), Line("l2", 35.50m, "toys")));
        Assert.Equal(188, o5.Order!.PointsEarned);
        Assert.Contains("Gold ×1.5 +62.75", Assert.Single(o5.Entries).Reason, StringComparison.Ordinal);
        Assert.Equal(1637.49m, Rolling());
        Holds(store, balance: 600, pending: 1390, tier: "gold");

        // 11 Feb: o3's 502 activate (lot 2028-02-11): 600 → 1102, pending 1390 → 888.
        clock.Set(2027, 2, 11, hour: 1);
        Assert.Equal(502, Assert.Single(Apply(ActivationDue(clock.Today, clock.Now)).Entries).Points);
        Holds(store, balance: 1102, pending: 888, tier: "gold");

        // 12 Feb, inside o4's window: 140.00 of its 560.00 refunded = 1/4 of 700 = 175 points, all taken
        // from o4's pending (700 → 525), none from the balance. Rolling spend 1637.49 − 140 = 1497.49,
        // below Gold's 1500, but a refund never downgrades: only a review does.
        clock.Set(2027, 2, 12);
        var refund = Apply(RefundLines("o4", "r1", 140m));
        var takenBack = Assert.Single(refund.Entries);
        Assert.Equal((LedgerKinds.Refunded, 0L, -175L, 1102L), (takenBack.Kind, takenBack.Points, takenBack.PendingChange, takenBack.BalanceAfter));
        Assert.Empty(takenBack.Lots);
        Assert.Equal([new PendingLot("o4", D(2027, 2, 19), 525), new PendingLot("o5", D(2027, 2, 22), 188)], store.State!.Pending);
        Assert.Equal(1497.49m, Rolling());
        Holds(store, balance: 1102, pending: 713, tier: "gold");

        // 13 and 14 Feb: free delivery, 2 a month at Gold. A benefit moves no points.
        clock.Set(2027, 2, 13);
        var use1 = Assert.Single(Apply(UseBenefit("b1", "free-delivery", clock.Now, "order o7")).Entries);
        Assert.Equal((LedgerKinds.BenefitUsed, 0L, "free-delivery", "Free delivery used (1 of 2 this month): order o7"), (use1.Kind, use1.Points, use1.BenefitId, use1.Reason));
        clock.Set(2027, 2, 14);
        Assert.Equal("Free delivery used (2 of 2 this month)", Assert.Single(Apply(UseBenefit("b2", "free-delivery", clock.Now)).Entries).Reason);
        Holds(store, balance: 1102, pending: 713, tier: "gold");

        // 19 Feb: o4's remaining 525 activate (lot 2028-02-19): 1102 → 1627, pending 713 → 188.
        clock.Set(2027, 2, 19, hour: 1);
        Assert.Equal((525L, 1627L), Single(Apply(ActivationDue(clock.Today, clock.Now)), e => (e.Points, e.BalanceAfter)));
        Holds(store, balance: 1627, pending: 188, tier: "gold");

        // 20 Feb: a third free delivery this month is refused until the month turns.
        clock.Set(2027, 2, 20);
        var third = Apply(UseBenefit("b3", "free-delivery", clock.Now));
        Assert.Equal(DecisionOutcome.Refused, third.Outcome);
        Assert.Equal(new Refusal(RefusalCodes.QuotaUsedUp, "Free delivery: 2 of 2 used this month; the quota resets on 2027-03-01."), Assert.Single(third.Refusals));
        Holds(store, balance: 1627, pending: 188, tier: "gold");

        // 22 Feb: o5's 188 activate (lot 2028-02-22): 1627 → 1815, nothing pending.
        clock.Set(2027, 2, 22, hour: 1);
        Assert.Equal((188L, 1815L), Single(Apply(ActivationDue(clock.Today, clock.Now)), e => (e.Points, e.BalanceAfter)));
        Holds(store, balance: 1815, pending: 0, tier: "gold");

        // 28 Feb 2027, no 29th this year: the birthday job reads 0228 and 0229. Bonus 100, spendable
        // at once, lot 2027-02-28 + 365 = 2028-02-28: 1815 → 1915, with the offer in the outbox.
        clock.Set(2027, 2, 28, hour: 6);
        Assert.Contains(Schedule.BirthdayKey(Leapling.Birthday!.Value), Schedule.BirthdayKeysOn(clock.Today));
        var birthday = Apply(BirthdayOn(clock.Today, clock.Now));
        var bonus = Assert.Single(birthday.Entries);
        Assert.Equal((LedgerKinds.BirthdayBonus, 100L, 1915L), (bonus.Kind, bonus.Points, bonus.BalanceAfter));
        Assert.Equal([new LotChange(D(2028, 2, 28), 100)], bonus.Lots);
        var offer = Assert.Single(birthday.Messages);
        Assert.Equal((MessageKinds.BirthdayOffer, (long?)100, (DateOnly?)D(2027, 2, 28), 1915L, Year.BirthdayOffer), (offer.Kind, offer.Points, offer.Date, offer.Balance, offer.Text));
        Holds(store, balance: 1915, pending: 0, tier: "gold");

        // The job fires again the same evening under another event id: nothing changes.
        clock.Set(2027, 2, 28, hour: 18);
        var snapshot = store.Snapshot();
        var again = Apply(BirthdayOn(clock.Today, clock.Now, eventId: "birthday:20270228:again"));
        Assert.Equal(DecisionOutcome.AlreadyApplied, again.Outcome);
        Assert.Equal((0, 0), (again.Entries.Count, again.Messages.Count));
        Assert.Equal(snapshot, store.Snapshot());
        Holds(store, balance: 1915, pending: 0, tier: "gold");

        // 1 Mar: the month has turned, free delivery again (1 of 2 in March).
        clock.Set(2027, 3, 1);
        Assert.Equal("Free delivery used (1 of 2 this month)", Assert.Single(Apply(UseBenefit("b4", "free-delivery", clock.Now)).Entries).Reason);
        Holds(store, balance: 1915, pending: 0, tier: "gold");

        // 10 Mar: $5 off (100) spends the oldest points first: all 50 of the 2028-01-04 lot, then 50
        // of the 2028-01-24 lot (300 → 250). 1915 → 1815.
        clock.Set(2027, 3, 10);
        var redeemed = Assert.Single(Apply(Redeem("q2", "usd-5-off")).Entries);
        Assert.Equal([new LotChange(D(2028, 1, 4), -50), new LotChange(D(2028, 1, 24), -50)], redeemed.Lots);
        Holds(store, balance: 1815, pending: 0, tier: "gold");

        // 15 Jun: o6, 120.00 at Gold ×1.5 = 180, pending to 29 Jun. Rolling (Jul 2026 – Jun 2027)
        // 1497.49 + 120 = 1617.49; already Gold, so no change.
        clock.Set(2027, 6, 15);
        var o6 = Apply(PurchaseAt("o6", 120m, clock.Now));
        Assert.Equal((180L, 1), (o6.Order!.PointsEarned, o6.Entries.Count));
        Assert.Equal(1617.49m, Rolling());
        Holds(store, balance: 1815, pending: 180, tier: "gold");

        // 29 Jun: o6's 180 activate. 2027-06-29 + 365 days crosses 29 Feb 2028, so the lot ends on
        // 2028-06-28. 1815 → 1995.
        clock.Set(2027, 6, 29, hour: 1);
        Assert.Equal([new LotChange(D(2028, 6, 28), 180)], Assert.Single(Apply(ActivationDue(clock.Today, clock.Now)).Entries).Lots);
        Holds(store, balance: 1995, pending: 0, tier: "gold");

        // Lots now: 2028-01-24: 250, 02-03: 250, 02-11: 502, 02-19: 525, 02-22: 188, 02-28: 100, 06-28: 180 = 1995.
        Assert.Equal(
            [new Lot(D(2028, 1, 24), 250), new Lot(D(2028, 2, 3), 250), new Lot(D(2028, 2, 11), 502), new Lot(D(2028, 2, 19), 525), new Lot(D(2028, 2, 22), 188), new Lot(D(2028, 2, 28), 100), new Lot(D(2028, 6, 28), 180)],
            store.State!.Lots);

        // 5 Dec: 30 days before 2028-01-04. That lot was spent on 10 Mar: no reminder.
        clock.Set(2027, 12, 5, hour: 1);
        var spent = Apply(ReminderDue(D(2028, 1, 4), 30, clock.Now));
        Assert.Equal((DecisionOutcome.AlreadyApplied, 0), (spent.Outcome, spent.Messages.Count));
        Holds(store, balance: 1995, pending: 0, tier: "gold");

        // 25 Dec: 30 days before 2028-01-24: the 250 left on it.
        clock.Set(2027, 12, 25, hour: 1);
        var remind30 = Apply(ReminderDue(D(2028, 1, 24), 30, clock.Now));
        Assert.Empty(remind30.Entries);
        var message30 = Assert.Single(remind30.Messages);
        Assert.Equal(
            (MessageKinds.ExpiryReminder, (long?)250, (DateOnly?)D(2028, 1, 24), 1995L, "250 points expire at the end of 2028-01-24 (30 days' notice)."),
            (message30.Kind, message30.Points, message30.Date, message30.Balance, message30.Text));
        Holds(store, balance: 1995, pending: 0, tier: "gold");

        // 17 Jan 2028: 7 days before.
        clock.Set(2028, 1, 17, hour: 1);
        var message7 = Assert.Single(Apply(ReminderDue(D(2028, 1, 24), 7, clock.Now)).Messages);
        Assert.Equal(((long?)250, "250 points expire at the end of 2028-01-24 (7 days' notice)."), (message7.Points, message7.Text));
        Holds(store, balance: 1995, pending: 0, tier: "gold");

        // 20 Jan 2028: the review row written with Silver (2028-01-20) is stale; the review moved to
        // 2028-02-05 with Gold: nothing happens.
        clock.Set(2028, 1, 20, hour: 1);
        Assert.Equal(DecisionOutcome.AlreadyApplied, Apply(ReviewDue(clock.Today, clock.Now)).Outcome);
        Holds(store, balance: 1995, pending: 0, tier: "gold");

        // 24 Jan 2028, 1 a.m.: the expiry job for the day that has ended (23 Jan); the 24 Jan lot is
        // spendable all of its own day.
        clock.Set(2028, 1, 24, hour: 1);
        Assert.Equal(DecisionOutcome.AlreadyApplied, Apply(ExpiryDue(clock.Yesterday, clock.Now)).Outcome);
        Holds(store, balance: 1995, pending: 0, tier: "gold");

        // 25 Jan, 1 a.m.: 24 Jan has ended: its 250 expire, one entry. 1995 → 1745.
        clock.Set(2028, 1, 25, hour: 1);
        var expired1 = Assert.Single(Apply(ExpiryDue(clock.Yesterday, clock.Now)).Entries);
        Assert.Equal((LedgerKinds.Expired, -250L, 1745L), (expired1.Kind, expired1.Points, expired1.BalanceAfter));
        Assert.Equal([new LotChange(D(2028, 1, 24), -250)], expired1.Lots);
        Holds(store, balance: 1745, pending: 0, tier: "gold");

        // 5 Feb 2028: Gold's review. The window is Mar 2027 – Feb 2028: only o6's 120 (Jan and Feb 2027
        // have left it), below 1500. Grace of 30 days from the review day: 5 Feb + 30 = 6 Mar (29 Feb
        // exists in 2028). Still Gold meanwhile; no entry.
        clock.Set(2028, 2, 5, hour: 1);
        var review = Apply(ReviewDue(clock.Today, clock.Now));
        Assert.Equal((DecisionOutcome.Applied, 0, 0), (review.Outcome, review.Entries.Count, review.Messages.Count));
        Assert.Equal(120m, Rolling());
        Assert.Equal((D(2028, 2, 5), (DateOnly?)D(2028, 3, 6)), (store.State!.ReviewOn, store.State.GraceUntil));
        Assert.Contains("review|20280306", Partitions(store.State));
        Holds(store, balance: 1745, pending: 0, tier: "gold");

        // 12 Feb, 1 a.m.: the expiry job missed 3 Feb and catches up through 11 Feb: one expired entry
        // per lot, 250 (3 Feb) and 502 (11 Feb). 1745 − 752 = 993.
        clock.Set(2028, 2, 12, hour: 1);
        var caughtUp = Apply(ExpiryDue(clock.Yesterday, clock.Now));
        Assert.Equal(
            [(LedgerKinds.Expired, -250L, D(2028, 2, 3), 1495L), (LedgerKinds.Expired, -502L, D(2028, 2, 11), 993L)],
            caughtUp.Entries.Select(e => (e.Kind, e.Points, Assert.Single(e.Lots).ExpiresOn, e.BalanceAfter)));
        Holds(store, balance: 993, pending: 0, tier: "gold");

        // 20 Feb: a review inside the grace changes nothing.
        clock.Set(2028, 2, 20, hour: 1);
        Assert.Equal(DecisionOutcome.AlreadyApplied, Apply(ReviewDue(clock.Today, clock.Now)).Outcome);
        Assert.Equal((D(2028, 2, 5), (DateOnly?)D(2028, 3, 6)), (store.State!.ReviewOn, store.State.GraceUntil));
        Holds(store, balance: 993, pending: 0, tier: "gold");

        // 1 Mar, 1 a.m.: expiry through 29 Feb: 525 (19 Feb), 188 (22 Feb), 100 (28 Feb). 993 − 813 = 180.
        clock.Set(2028, 3, 1, hour: 1);
        Assert.Equal([-525L, -188L, -100L], Apply(ExpiryDue(clock.Yesterday, clock.Now)).Entries.Select(e => e.Points));
        Holds(store, balance: 180, pending: 0, tier: "gold");

        // 6 Mar: the grace is over and the window (Apr 2027 – Mar 2028) still holds 120: one level down,
        // Gold → Silver, although 120 qualifies only for Member. The next review is a year on.
        clock.Set(2028, 3, 6, hour: 1);
        var downgrade = Apply(ReviewDue(clock.Today, clock.Now));
        var changed = Assert.Single(downgrade.Entries);
        Assert.Equal(
            (LedgerKinds.TierChanged, 0L, "silver", "Gold → Silver: review of 2028-02-05 after grace to 2028-03-06: rolling 12-month spend 120 is below Gold's 1500"),
            (changed.Kind, changed.Points, changed.TierId, changed.Reason));
        var down = Assert.Single(downgrade.Messages);
        Assert.Equal((MessageKinds.TierDown, "silver", 180L), (down.Kind, down.TierId, down.Balance));
        Assert.Equal((D(2029, 3, 6), (DateOnly?)null), (store.State!.ReviewOn, store.State.GraceUntil));
        Holds(store, balance: 180, pending: 0, tier: "silver");

        // The ledger adds up to the balance and every pending point came and went on it; six lots expired.
        Assert.Equal(180, store.Ledger.Sum(e => e.Points));
        Assert.Equal(0, store.Ledger.Sum(e => e.PendingChange));
        Assert.Equal(6, store.Ledger.Count(e => e.Kind == LedgerKinds.Expired));
        Assert.Equal([new Lot(D(2028, 6, 28), 180)], store.State.Lots);
    }

    private static void Holds(MemberStore store, long balance, long pending, string tier)
    {
        var state = store.State!;
        Assert.Equal((balance, pending, tier), (state.Balance, state.PendingPoints, TierOf(state, store.Program)));
    }

    private static T Single<T>(Decision decision, Func<LedgerEntry, T> pick) => pick(Assert.Single(decision.Entries));

    private static List<string> Partitions(MemberState state) =>
        [.. Schedule.Of(state).Select(e => e.Partition).Order(StringComparer.Ordinal)];

    private static DateOnly D(int year, int month, int day) => new(year, month, day);
}

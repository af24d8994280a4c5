using System.Globalization;
using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>The index rows a member's state needs, so each timer job reads only the members due on its day.</summary>
public sealed class ScheduleTests
{
    private static readonly DateOnly LeapDay = new(2000, 2, 29);

    private static List<string> Partitions(IEnumerable<ScheduleEntry> entries) =>
        [.. entries.Select(e => e.Partition).Order(StringComparer.Ordinal)];

    [Fact]
    public void Schedule_lists_a_row_per_expiry_day_pending_day_review_and_grace_day_and_the_birthday()
    {
        var state = MemberState.New(Member, new MemberProfile(Birthday: new DateOnly(1990, 7, 4)), T0) with
        {
            Lots = [new Lot(new DateOnly(2026, 3, 10), 5), new Lot(new DateOnly(2026, 3, 12), 3), new Lot(DateOnly.MaxValue, 4)],
            Pending = [new PendingLot("o1", new DateOnly(2025, 3, 24), 10), new PendingLot("o2", new DateOnly(2025, 3, 24), 5)],
            ReviewOn = new DateOnly(2026, 3, 10),
            GraceUntil = new DateOnly(2026, 4, 9),
        };

        // Points that never expire need no row; two pending lots of one day share one.
        Assert.Equal(
            ["birthday|0704", "expiry|20260310", "expiry|20260312", "pending|20250324", "review|20260310", "review|20260409"],
            Partitions(Schedule.Of(state)));
        Assert.Empty(Schedule.Of(null));
        Assert.Empty(Schedule.Of(MemberState.New(Member, null, T0)));
    }

    [Fact]
    public void Added_lists_only_the_rows_the_new_state_needs_in_partition_order()
    {
        var before = MemberState.New(Member, null, T0) with { Lots = [new Lot(new DateOnly(2026, 3, 10), 5)] };
        var after = before with
        {
            Lots = [new Lot(new DateOnly(2026, 3, 10), 5), new Lot(new DateOnly(2026, 4, 1), 7)],
            Pending = [new PendingLot("o1", new DateOnly(2025, 3, 24), 10)],
        };

        Assert.Equal([new ScheduleEntry("expiry", "20260401"), new ScheduleEntry("pending", "20250324")], Schedule.Added(before, after));

        // Rows are only added: a state needing fewer rows adds none.
        Assert.Empty(Schedule.Added(after, before));
        Assert.Equal([new ScheduleEntry("expiry", "20260310")], Schedule.Added(null, before));
    }

    [Fact]
    public void Decision_leaves_a_state_whose_rows_name_every_day_a_timer_must_look_at()
    {
        // A new member buys 600 with a 14-day window: Silver (review a year on), pending to 24 March.
        var program = Tiered with { PendingDays = 14 };
        var purchase = Purchase("o1", 600m, profile: new MemberProfile(Birthday: LeapDay));

        var decision = Decider.Decide(null, purchase, DecisionInputs.None, program, T0);

        Assert.Equal(["birthday|0229", "pending|20250324", "review|20260310"], Partitions(Schedule.Added(null, decision.State)));
    }

    [Theory]
    [InlineData("2027-02-28", new[] { "0228", "0229" })]
    [InlineData("2028-02-28", new[] { "0228" })]
    [InlineData("2028-02-29", new[] { "0229" })]
    [InlineData("2027-03-01", new[] { "0301" })]
    [InlineData("2027-12-31", new[] { "1231" })]
    public void Birthday_keys_on_28_February_include_29_February_only_in_common_years(string day, string[] keys)
    {
        Assert.Equal(keys, Schedule.BirthdayKeysOn(DateOnly.Parse(day, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Member_born_on_29_February_celebrates_on_28_February_in_common_years_only()
    {
        Assert.True(Schedule.IsBirthday(LeapDay, new DateOnly(2027, 2, 28)));
        Assert.False(Schedule.IsBirthday(LeapDay, new DateOnly(2028, 2, 28)));
        Assert.True(Schedule.IsBirthday(LeapDay, new DateOnly(2028, 2, 29)));
        Assert.False(Schedule.IsBirthday(LeapDay, new DateOnly(2027, 3, 1)));

        // Someone born on 28 February is not moved.
        Assert.True(Schedule.IsBirthday(new DateOnly(1999, 2, 28), new DateOnly(2028, 2, 28)));
        Assert.False(Schedule.IsBirthday(new DateOnly(1999, 2, 28), new DateOnly(2028, 2, 29)));
    }

    [Fact]
    public void Birthday_bonus_for_29_February_is_paid_on_the_29th_in_a_leap_year()
    {
        var program = Program with { BirthdayBonus = 100 };
        var store = History(program, (Enrolled(new MemberProfile(Birthday: LeapDay)), T0));

        var the28th = store.Apply(BirthdayOn(new DateOnly(2028, 2, 28), Utc(2028, 2, 28)), Utc(2028, 2, 28))!;
        var the29th = store.Apply(BirthdayOn(new DateOnly(2028, 2, 29), Utc(2028, 2, 29)), Utc(2028, 2, 29))!;

        Assert.Equal(DecisionOutcome.AlreadyApplied, the28th.Outcome);
        Assert.Equal((LedgerKinds.BirthdayBonus, 100L), (Assert.Single(the29th.Entries).Kind, the29th.Entries[0].Points));
        Assert.Equal(2028, store.State!.LastBirthdayYear);
    }

    [Fact]
    public void Day_keys_are_yyyyMMdd_and_birthday_keys_MMdd()
    {
        Assert.Equal("20270105", Schedule.DayKey(new DateOnly(2027, 1, 5)));
        Assert.Equal("0105", Schedule.BirthdayKey(new DateOnly(1985, 1, 5)));
        Assert.Equal("expiry|20270105", new ScheduleEntry(ScheduleKinds.Expiry, "20270105").Partition);
    }
}

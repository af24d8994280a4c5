using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>
/// Tier benefits under <see cref="Given.Tiered"/> (the demo's grants: free delivery 1 a month at
/// Silver, 2 at Gold, 4 at Diamond; birthday gift 1 a year; priority support unlimited from Gold;
/// early access at Diamond only), UTC days.
/// </summary>
public sealed class BenefitTests
{
    /// <summary>A member who reached <paramref name="tier"/> with one order on T0 (2025-03-10).</summary>
    private static MemberStore MemberIn(string tier) => tier switch
    {
        "member" => History(Tiered, (Enrolled(), T0)),
        "silver" => History(Tiered, (Purchase("o1", 600m), T0)),
        "gold" => History(Tiered, (Purchase("o1", 1600m), T0)),
        _ => History(Tiered, (Purchase("o1", 5000m), T0)),
    };

    [Theory]
    [InlineData("member", "free-delivery", "'free-delivery' comes with Silver, Gold, Diamond; this member is Member.")]
    [InlineData("silver", "priority-support", "'priority-support' comes with Gold, Diamond; this member is Silver.")]
    [InlineData("gold", "early-access", "'early-access' comes with Diamond; this member is Gold.")]
    public void Benefit_outside_the_member_s_tier_is_refused_naming_the_tiers_that_grant_it(string tier, string benefit, string message)
    {
        var store = MemberIn(tier);
        var before = store.Snapshot();

        var decision = store.Apply(UseBenefit("b1", benefit, T0), T0)!;

        Assert.Equal(DecisionOutcome.Refused, decision.Outcome);
        Assert.Equal(new Refusal(RefusalCodes.NotInTier, message), Assert.Single(decision.Refusals));
        Assert.Empty(decision.Entries);
        Assert.Equal(before, store.Snapshot());
    }

    [Fact]
    public void Unknown_benefit_is_refused()
    {
        var decision = MemberIn("diamond").Decide(UseBenefit("b1", "spa-day", T0), T0);

        Assert.Equal(new Refusal(RefusalCodes.UnknownBenefit, "No tier grants a benefit 'spa-day'."), Assert.Single(decision.Refusals));
    }

    [Fact]
    public void Benefit_use_by_an_unknown_member_is_refused()
    {
        var decision = Decider.Decide(null, UseBenefit("b1", "free-delivery", T0), DecisionInputs.None, Tiered, T0);

        Assert.Equal(RefusalCodes.UnknownMember, Assert.Single(decision.Refusals).Code);
    }

    [Fact]
    public void Unlimited_benefit_never_runs_out()
    {
        var store = MemberIn("gold");

        var decisions = Enumerable.Range(1, 5).Select(i => store.Apply(UseBenefit($"b{i}", "priority-support", T0.AddMinutes(i)), T0.AddMinutes(i))!).ToList();

        Assert.All(decisions, d => Assert.Equal(DecisionOutcome.Applied, d.Outcome));
        var last = Assert.Single(decisions[^1].Entries);
        Assert.Equal((LedgerKinds.BenefitUsed, 0L, "priority-support", "Priority support used (5 this month, unlimited)"), (last.Kind, last.Points, last.BenefitId, last.Reason));
        Assert.Equal(1600, store.State!.Balance);
    }

    [Fact]
    public void Yearly_quota_lasts_the_calendar_year()
    {
        var store = MemberIn("silver");

        Assert.Equal("Birthday gift used (1 of 1 this year): for Ada", Assert.Single(store.Apply(UseBenefit("b1", "birthday-gift", T0, "for Ada"), T0)!.Entries).Reason);

        var december = store.Apply(UseBenefit("b2", "birthday-gift", Utc(2025, 12, 31)), Utc(2025, 12, 31))!;
        Assert.Equal(new Refusal(RefusalCodes.QuotaUsedUp, "Birthday gift: 1 of 1 used this year; the quota resets on 2026-01-01."), Assert.Single(december.Refusals));

        var january = store.Apply(UseBenefit("b3", "birthday-gift", Utc(2026, 1, 1, hour: 0)), Utc(2026, 1, 1, hour: 0))!;
        Assert.Equal("Birthday gift used (1 of 1 this year)", Assert.Single(january.Entries).Reason);
    }

    [Fact]
    public void Monthly_quota_is_the_one_of_the_tier_held_at_the_use()
    {
        var store = MemberIn("silver");
        store.Apply(UseBenefit("b1", "free-delivery", T0), T0);

        // Silver: 1 a month.
        var second = store.Apply(UseBenefit("b2", "free-delivery", T0), T0)!;
        Assert.Equal(new Refusal(RefusalCodes.QuotaUsedUp, "Free delivery: 1 of 1 used this month; the quota resets on 2025-04-01."), Assert.Single(second.Refusals));

        // 600 + 1000 = 1600 reaches Gold the same month: 2 a month, one of them used.
        store.Apply(Purchase("o2", 1000m), T0);
        Assert.Equal("gold", store.State!.TierId);
        var again = store.Apply(UseBenefit("b3", "free-delivery", T0), T0)!;
        Assert.Equal("Free delivery used (2 of 2 this month)", Assert.Single(again.Entries).Reason);
    }

    [Fact]
    public void Quota_month_is_the_program_s_local_month()
    {
        // New York: 31 March 22:00 and 23:30 are already 1 April in UTC.
        var program = Tiered with { TimeZone = "America/New_York" };
        var store = History(program, (Purchase("o1", 600m), InNewYork(2027, 3, 1)));
        var late = InNewYork(2027, 3, 31, hour: 22);
        var later = InNewYork(2027, 3, 31, hour: 23, minute: 30);
        var april = InNewYork(2027, 4, 1, hour: 0, minute: 30);

        Assert.Equal("Free delivery used (1 of 1 this month)", Assert.Single(store.Apply(UseBenefit("b1", "free-delivery", late), late)!.Entries).Reason);
        Assert.Equal(
            new Refusal(RefusalCodes.QuotaUsedUp, "Free delivery: 1 of 1 used this month; the quota resets on 2027-04-01."),
            Assert.Single(store.Apply(UseBenefit("b2", "free-delivery", later), later)!.Refusals));
        Assert.Equal(DecisionOutcome.Applied, store.Apply(UseBenefit("b3", "free-delivery", april), april)!.Outcome);
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class ReportFiguresTests
{
    // Decides and applies each event, summing the figures of every decision.
    private static (MemberStore Store, ReportFigures Total) Run(LoyaltyProgram program, params (LoyaltyEvent Event, DateTimeOffset At)[] steps)
    {
        var store = new MemberStore(program);
        var total = ReportFigures.Zero;
        foreach (var (evt, at) in steps)
        {
            var before = store.State;
            var decision = store.Apply(evt, at)!;
            total = total.Plus(ReportFigures.Of(before, decision, program));
        }

        return (store, total);
    }

    [Fact]
    public void Summed_over_a_members_history_the_figures_are_its_ledger_by_kind_its_balance_its_lots_by_month_and_its_tier()
    {
        var program = Tiered with { SignUpBonus = 50 };
        var (store, total) = Run(
            program,
            (Enrolled(), T0),
            (Purchase("o1", 300m), T0.AddDays(1)),
            (Purchase("o2", 400m), T0.AddDays(40)),
            (Redeem("q1", "five-off"), T0.AddDays(41)),
            (RefundAmount("o2", "r1", 100m), T0.AddDays(42)),
            (Adjusted(-30), T0.AddDays(43)),
            (Reversed("q1"), T0.AddDays(44)),
            (Adjusted(15, eventId: "adjust-2"), T0.AddDays(45)),
            (ExpiryDue(T0Expiry.AddDays(1), T0.AddDays(368)), T0.AddDays(368)));

        var ledger = store.Ledger;
        long Sum(params string[] kinds) => ledger.Where(e => kinds.Contains(e.Kind)).Sum(e => e.Points + e.PendingChange);
        Assert.Equal(Sum(LedgerKinds.Earned, LedgerKinds.SignUpBonus), total.Earned);
        Assert.Equal(-Sum(LedgerKinds.Redeemed), total.Redeemed);
        Assert.Equal(Sum(LedgerKinds.RedemptionReversed), total.Reinstated);
        Assert.Equal(-Sum(LedgerKinds.Refunded), total.TakenBack);
        Assert.True(total.Expired > 0);
        Assert.Equal(-Sum(LedgerKinds.Expired), total.Expired);
        Assert.Equal(-15, total.Adjusted);
        Assert.Equal(store.State!.Balance, total.Liability);
        Assert.Equal(ledger.Sum(e => e.Points), total.Liability);
        Assert.Equal(store.State.LifetimeSpend, total.Spend);
        Assert.Equal((1L, 2L), (total.Joined, total.Orders));

        // The reversal took the only redemption back: no member has redeemed.
        Assert.Equal(0, total.NewRedeemers);
        Assert.Equal(
            store.State.Lots.GroupBy(l => ReportFigures.MonthKey(l.ExpiresOn)).ToDictionary(g => g.Key, g => g.Sum(l => l.Points)),
            total.Expiring);
        Assert.Equal(new Dictionary<string, long> { [TierMath.Find(program, store.State.TierId)!.Id] = 1 }, total.Tiers);
        Assert.Equal(total.TierUps - total.TierDowns, TierMath.Level(program, store.State.TierId));
        Assert.True(total.TierUps > 0);
    }

    [Fact]
    public void Feedback_counts_its_scores_and_a_decision_that_changes_no_figure_is_empty()
    {
        var (store, _) = Run(Program, (Enrolled(), T0), (Purchase("o1", 120m), T0));
        var before = store.State;
        var feedback = store.Apply(new FeedbackSubmitted("fb1", Member, T0, 4, 6, "ok", null), T0)!;
        var figures = ReportFigures.Of(before, feedback, Program);
        Assert.Equal((1L, 4L, 1L, 0L, 1L), (figures.SatisfactionCount, figures.SatisfactionSum, figures.NpsResponses, figures.Promoters, figures.Detractors));
        Assert.False(figures.IsEmpty);

        Assert.True(ReportFigures.Zero.IsEmpty);
        var refused = store.Decide(Redeem("q9", "no-such-reward"), T0);
        Assert.True(ReportFigures.Of(store.State, refused, Program).IsEmpty);
        Assert.True(ReportFigures.Of(store.State, refused with { Outcome = DecisionOutcome.Applied, State = store.State, Entries = [] }, Program).IsEmpty);
    }

    [Fact]
    public void A_member_counts_as_active_once_in_each_program_local_month_with_an_order_credited()
    {
        var store = new MemberStore(Program);
        var byMonth = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (evt, at) in new (LoyaltyEvent Event, DateTimeOffset At)[]
        {
            (Enrolled(), T0),
            (Purchase("o1", 30m), T0.AddDays(1)),
            (Purchase("o2", 40m), T0.AddDays(2)),
            (Purchase("o1", 30m, eventId: "paid:o1:again"), T0.AddDays(3)),
            (Purchase("o3", 0.5m), T0.AddDays(25)),
            (Cancelled("o3"), T0.AddDays(26)),
            (Purchase("o4", 20m), T0.AddDays(27)),
            (Adjusted(10), T0.AddDays(60)),
        })
        {
            var before = store.State;
            var figures = store.Apply(evt, at) is { } decision ? ReportFigures.Of(before, decision, Program) : ReportFigures.Zero;
            var month = ReportFigures.MonthKey(Program.LocalDate(at));
            byMonth[month] = byMonth.GetValueOrDefault(month) + figures.ActiveMembers;
        }

        // March: o1 and o2 (the repeat of o1 is no new order); April: o3 earns no point but is an order, o4 adds nothing; May: no order.
        Assert.Equal(new Dictionary<string, long> { ["2025-03"] = 1, ["2025-04"] = 1, ["2025-05"] = 0 }, byMonth);
        Assert.Equal(
            store.Orders.Values.Select(o => ReportFigures.MonthKey(Program.LocalDate(o.CreditedAt))).Distinct().Order().ToList(),
            byMonth.Where(p => p.Value > 0).Select(p => p.Key).Order().ToList());
    }
}

using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class ImportTests
{
    private const string File = "f00d";

    private static MemberImported Imported(long points, string? tier = null, DateOnly? expires = null, string file = File, MemberProfile? profile = null, decimal? spend = null, DateTimeOffset? lastPurchase = null) =>
        new(MemberImported.IdFor(Member, file), Member, T0, profile ?? new MemberProfile(Email: "li@example.com", FirstName: "小明", LastName: "王"), points, expires, tier, spend, lastPurchase, file);

    [Fact]
    public void A_new_member_moves_in_with_the_opening_balance_as_one_imported_lot_and_no_sign_up_bonus_or_welcome()
    {
        var store = new MemberStore(Program with { SignUpBonus = 50 });

        var decision = store.Decide(Imported(1200, spend: 830.5m, lastPurchase: T0.AddDays(-3)), T0);

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.Imported, 1200L), (entry.Kind, entry.Points));
        Assert.Equal([new Lot(T0Expiry, 1200)], decision.State!.Lots);
        Assert.Empty(decision.Messages);
        Assert.Equal((1200L, 830.5m, T0.AddDays(-3), File), (decision.State.Balance, decision.State.LifetimeSpend, decision.State.LastPurchaseAt, decision.State.ImportedFrom));
        Assert.Equal(0, decision.State.LifetimeEarned);
    }

    [Fact]
    public void The_expiry_the_file_gives_the_points_is_kept()
    {
        var decision = new MemberStore(Program).Decide(Imported(300, expires: new DateOnly(2025, 6, 30)), T0);

        Assert.Equal([new Lot(new DateOnly(2025, 6, 30), 300)], decision.State!.Lots);
        Assert.Contains("2025-06-30", Assert.Single(decision.Entries).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_imported_tier_is_set_with_its_reason_and_a_review_a_year_on()
    {
        var decision = new MemberStore(Tiered).Decide(Imported(100, tier: "gold"), T0);

        Assert.Equal("gold", decision.State!.TierId);
        Assert.Equal(new DateOnly(2026, 3, 10), decision.State.ReviewOn);
        var note = Assert.Single(decision.Entries, e => e.Kind == LedgerKinds.TierChanged);
        Assert.Equal(0, note.Points);
        Assert.Contains("imported from file f00d", note.Reason, StringComparison.Ordinal);
        Assert.Empty(decision.Messages);
    }

    [Fact]
    public void The_same_file_again_is_already_applied_and_another_file_is_refused()
    {
        var store = new MemberStore(Program);
        store.Apply(Imported(100), T0);

        Assert.Equal(DecisionOutcome.AlreadyApplied, store.Decide(Imported(100) with { EventId = "other-id" }, T0).Outcome);
        var refused = store.Decide(Imported(100, file: "beef"), T0);
        Assert.Equal(RefusalCodes.AlreadyImported, Assert.Single(refused.Refusals).Code);
    }

    [Fact]
    public void An_existing_member_keeps_what_the_shop_sent_and_gains_what_was_missing()
    {
        var store = History(Enrolled(new MemberProfile(Email: "shop@example.com")));

        var decision = store.Decide(Imported(40, profile: new MemberProfile(Email: "old@example.com", Phone: "13800138000")), T0);

        Assert.Equal(("shop@example.com", "13800138000"), (decision.State!.Profile.Email, decision.State.Profile.Phone));
        Assert.Equal(40, decision.State.Balance);
    }

    [Fact]
    public void An_imported_balance_repays_debt_first_and_is_never_held_by_the_credit_limits()
    {
        var store = History(Program with { MaxPointsPerEvent = 10 }, (Enrolled(), T0), (Adjusted(-25), T0));

        var decision = store.Decide(Imported(5_000), T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Equal((5_000L, -25L, 4_975L), (decision.Entries[0].Points, decision.Entries[0].DebtChange, decision.State!.Balance));
    }

    [Theory]
    [InlineData(-1L, null, null)]
    [InlineData(10L, "platinum", null)]
    [InlineData(10L, null, "2025-03-09")]
    public void A_negative_balance_an_unknown_tier_or_a_past_expiry_is_refused(long points, string? tier, string? expires)
    {
        var decision = new MemberStore(Tiered).Decide(Imported(points, tier, expires is null ? null : DateOnly.Parse(expires, System.Globalization.CultureInfo.InvariantCulture)), T0);

        Assert.Equal(RefusalCodes.Invalid, Assert.Single(decision.Refusals).Code);
    }
}

public sealed class ErasureTests
{
    private static MemberErased Erased(string reason = "customer-request") => new(MemberErased.IdFor(Member), Member, T0, reason);

    [Fact]
    public void Erasure_strips_the_profile_and_keeps_points_lots_and_figures_with_a_zero_point_entry()
    {
        var store = History(Enrolled(new MemberProfile(Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Birthday: new DateOnly(1990, 1, 2), Phone: "+44 20 7946 0000", MarketingConsent: true)), Purchase("o1", 40m));
        var before = store.State!;

        var decision = store.Decide(Erased(), T0);

        Assert.Equal(Decider.ErasedProfile, decision.State!.Profile);
        Assert.True(decision.State.Erased);
        Assert.Equal((before.Balance, before.Lots, before.LifetimeSpend, before.LastPurchaseAt), (decision.State.Balance, decision.State.Lots, decision.State.LifetimeSpend, decision.State.LastPurchaseAt));
        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.Erased, 0L), (entry.Kind, entry.Points));
        Assert.Equal(DecisionOutcome.AlreadyApplied, History(Enrolled(), Erased()).Decide(Erased() with { EventId = "again" }, T0).Outcome);
    }

    [Fact]
    public void A_later_purchase_with_the_customers_email_earns_without_bringing_the_profile_back()
    {
        var store = History(Enrolled(new MemberProfile(Email: "ada@example.com")), Erased());

        var decision = store.Decide(Purchase("o2", 30m, profile: new MemberProfile(Email: "ada@example.com", FirstName: "Ada")), T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Equal(30, decision.Entries.Single(e => e.Kind == LedgerKinds.Earned).Points);
        Assert.Equal(Decider.ErasedProfile, decision.State!.Profile);
    }

    [Fact]
    public void Feedback_after_erasure_keeps_its_scores_and_loses_its_text_and_a_free_text_reason_is_refused()
    {
        var store = History(Enrolled(), Erased());

        var note = store.Decide(new FeedbackSubmitted("fb", Member, T0, 5, 9, "I am Ada from Leeds", null), T0).Note!;

        Assert.Equal((5, (string?)null), (note.Satisfaction!.Value, note.Text));
        Assert.Equal(RefusalCodes.Invalid, Assert.Single(History(Enrolled()).Decide(Erased("Ada asked on the phone"), T0).Refusals).Code);
    }
}

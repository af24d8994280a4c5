using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>The discount outbox: written with the redemption, claimed under a lease, and its outcome recorded.</summary>
public sealed class DiscountTests
{
    private static readonly LoyaltyProgram WithWebhook = Program with { Discounts = new DiscountRules { Webhook = true, RetryDelay = TimeSpan.FromSeconds(30), CreateLease = TimeSpan.FromMinutes(2), MaxAttempts = 3 } };
    private static readonly LoyaltyProgram RefundingExpired = WithWebhook with { Discounts = WithWebhook.Discounts with { RefundExpired = true } };

    [Fact]
    public void A_redemption_writes_a_waiting_discount_due_now_with_a_stable_idempotency_key_and_the_rewards_expiry()
    {
        var (_, redeemed) = Redeemed();
        var d = redeemed.Discount!;
        Assert.Equal((DiscountStatuses.Waiting, T0, DiscountChannels.Webhook, "CODE-q1", 0), (d.Status, d.DueAt, d.Channel, d.Code, d.Attempts));
        Assert.Equal(DiscountRules.IdempotencyKey(Member, "q1"), d.IdempotencyKey);
        Assert.NotEqual(DiscountRules.IdempotencyKey(Member, "q2"), d.IdempotencyKey);
        Assert.Equal(T0.AddDays(30), d.ExpiresAt);
    }

    [Fact]
    public void Without_a_channel_for_the_members_shop_or_for_a_gift_no_discount_is_written()
    {
        var store = History(Purchase("o1", 500m));
        Assert.Null(Decider.Decide(store.State, Redeem("q1", "five-off"), DecisionInputs.None, Program, T0).Discount);
        Assert.Null(Decider.Decide(store.State, Redeem("q1", "mug"), DecisionInputs.None, WithWebhook, T0).Discount);
        var shopifyOnly = Program with { Discounts = new DiscountRules { Shopify = true } };
        Assert.Null(Decider.Decide(store.State, Redeem("q1", "five-off"), DecisionInputs.None, shopifyOnly, T0).Discount);
    }

    [Fact]
    public void A_claim_takes_a_lease_and_a_second_claim_inside_it_takes_nothing()
    {
        var (state, redeemed) = Redeemed();
        var claim = Claim(state, redeemed, T0.AddSeconds(1));
        Assert.Equal((DiscountStatuses.Creating, 1, T0.AddSeconds(1) + TimeSpan.FromMinutes(2)), (claim.Discount!.Status, claim.Discount.Attempts, claim.Discount.DueAt));

        var again = Decider.Decide(claim.State, new DiscountDue("due-2", Member, T0.AddSeconds(2), "q1"), new DecisionInputs(Redemption: redeemed.Redemption, Discount: claim.Discount), WithWebhook, T0.AddSeconds(2));
        Assert.Equal(DecisionOutcome.AlreadyApplied, again.Outcome);

        // Once the lease ends without an outcome, the discount is claimed again (same code).
        var after = Decider.Decide(claim.State, new DiscountDue("due-3", Member, T0.AddMinutes(3), "q1"), new DecisionInputs(Redemption: redeemed.Redemption, Discount: claim.Discount), WithWebhook, T0.AddMinutes(3));
        Assert.Equal((DiscountStatuses.Creating, 2), (after.Discount!.Status, after.Discount.Attempts));
    }

    [Fact]
    public void A_transient_failure_waits_a_doubling_backoff_and_a_late_outcome_changes_nothing()
    {
        var (state, redeemed) = Redeemed();
        var claim = Claim(state, redeemed, T0);
        var retry = Record(claim, redeemed, 1, DiscountOutcomes.Retry, "webhook 503", T0.AddSeconds(5));
        Assert.Equal((DiscountStatuses.Waiting, T0.AddSeconds(35), "webhook 503"), (retry.Discount!.Status, retry.Discount.DueAt, retry.Discount.Reason));
        Assert.Equal(TimeSpan.FromSeconds(60), WithWebhook.Discounts.Backoff(2));

        var late = Decider.Decide(retry.State, new DiscountAttempted("late", Member, T0.AddSeconds(6), "q1", 1, DiscountOutcomes.Created, null, "id-1"), new DecisionInputs(Redemption: redeemed.Redemption, Discount: retry.Discount), WithWebhook, T0.AddSeconds(6));
        Assert.Equal(DecisionOutcome.AlreadyApplied, late.Outcome);
    }

    [Fact]
    public void Created_records_the_shops_id_sends_the_receipt_only_then_and_is_due_again_at_its_expiry()
    {
        var (state, redeemed) = Redeemed();
        Assert.DoesNotContain(redeemed.Messages, m => m.Kind == MessageKinds.RedemptionReceipt);
        var created = Record(Claim(state, redeemed, T0), redeemed, 1, DiscountOutcomes.Created, null, T0.AddSeconds(1), "gid://shopify/DiscountCodeNode/1");
        Assert.Equal((DiscountStatuses.Created, (DateTimeOffset?)T0.AddDays(30), "gid://shopify/DiscountCodeNode/1", (DateTimeOffset?)T0.AddSeconds(1)), (created.Discount!.Status, created.Discount.DueAt, created.Discount.ShopDiscountId, created.Discount.CreatedInShopAt));
        Assert.Equal("CODE-q1", Assert.Single(created.Messages, m => m.Kind == MessageKinds.RedemptionReceipt).Code);
        Assert.Empty(created.Entries);
        Assert.Equal(state.Balance, created.State!.Balance);
    }

    [Fact]
    public void A_code_used_on_an_order_is_marked_used_never_expires_and_cannot_be_reversed()
    {
        var (state, redeemed) = Redeemed();
        var created = Record(Claim(state, redeemed, T0), redeemed, 1, DiscountOutcomes.Created, null, T0.AddSeconds(1), "id-1");
        var used = Decider.Decide(created.State, new CodeUsed(CodeUsed.IdFor("q1"), Member, T0.AddDays(2), "q1", "o9"), new DecisionInputs(Redemption: created.Redemption, Discount: created.Discount), WithWebhook, T0.AddDays(2));
        Assert.Equal(("o9", (DateTimeOffset?)T0.AddDays(2)), (used.Redemption!.UsedOrderId, used.Redemption.UsedAt));
        Assert.Equal((DiscountStatuses.Used, (DateTimeOffset?)null), (used.Discount!.Status, used.Discount.DueAt));

        var again = Decider.Decide(used.State, new CodeUsed(CodeUsed.IdFor("q1"), Member, T0.AddDays(3), "q1", "o10"), new DecisionInputs(Redemption: used.Redemption, Discount: used.Discount), WithWebhook, T0.AddDays(3));
        Assert.Equal(DecisionOutcome.AlreadyApplied, again.Outcome);
        var atExpiry = Decider.Decide(used.State, new DiscountDue("due-exp", Member, T0.AddDays(31), "q1"), new DecisionInputs(Redemption: used.Redemption, Discount: used.Discount), RefundingExpired, T0.AddDays(31));
        Assert.Equal(DecisionOutcome.AlreadyApplied, atExpiry.Outcome);
        var reversal = Decider.Decide(used.State, new RedemptionReversed("rev", Member, T0.AddDays(4), "q1", "owner"), new DecisionInputs(Redemption: used.Redemption, Discount: used.Discount), WithWebhook, T0.AddDays(4));
        Assert.Equal(RefusalCodes.RedemptionUsed, Assert.Single(reversal.Refusals).Code);
    }

    [Fact]
    public void An_unused_code_at_its_expiry_is_deleted_and_where_the_program_says_so_its_points_come_back_once()
    {
        var (state, redeemed) = Redeemed();
        var created = Record(Claim(state, redeemed, T0), redeemed, 1, DiscountOutcomes.Created, null, T0.AddSeconds(1), "id-1");
        var at = T0.AddDays(30).AddSeconds(1);
        var claim = Decider.Decide(created.State, new DiscountDue("due-exp", Member, at, "q1"), new DecisionInputs(Redemption: created.Redemption, Discount: created.Discount), RefundingExpired, at);
        Assert.Equal((DiscountStatuses.Deleting, DiscountRules.ExpiredReason, 2), (claim.Discount!.Status, claim.Discount.DeleteReason, claim.Discount.Attempts));

        var inputs = new DecisionInputs(Redemption: created.Redemption, Discount: claim.Discount);
        var deleted = Decider.Decide(claim.State, new DiscountAttempted("del-2", Member, at, "q1", 2, DiscountOutcomes.Deleted, null, "id-1"), inputs, RefundingExpired, at);
        Assert.Equal(DiscountStatuses.Deleted, deleted.Discount!.Status);
        Assert.True(deleted.Redemption!.Reversed);
        Assert.Equal(100, Assert.Single(deleted.Entries).Points);

        // The same outcome again, or the program keeping the points: nothing comes back (twice).
        Assert.Equal(DecisionOutcome.AlreadyApplied, Decider.Decide(deleted.State, new DiscountAttempted("del-2b", Member, at, "q1", 2, DiscountOutcomes.Deleted, null, "id-1"), new DecisionInputs(Redemption: deleted.Redemption, Discount: deleted.Discount), RefundingExpired, at).Outcome);
        var kept = Decider.Decide(claim.State, new DiscountAttempted("del-2", Member, at, "q1", 2, DiscountOutcomes.Deleted, null, "id-1"), inputs, WithWebhook, at);
        Assert.Empty(kept.Entries);
        Assert.False(kept.Redemption?.Reversed ?? false);
    }

    [Fact]
    public void Reversing_a_created_discount_gives_the_points_back_and_makes_it_due_for_deletion_once()
    {
        var (state, redeemed) = Redeemed();
        var created = Record(Claim(state, redeemed, T0), redeemed, 1, DiscountOutcomes.Created, null, T0.AddSeconds(1), "id-1");
        var reversed = Decider.Decide(created.State, new RedemptionReversed("rev", Member, T0.AddDays(1), "q1", "wrong reward"), new DecisionInputs(Redemption: created.Redemption, Discount: created.Discount), WithWebhook, T0.AddDays(1));
        Assert.Equal((DiscountStatuses.Deleting, (DateTimeOffset?)T0.AddDays(1), "wrong reward"), (reversed.Discount!.Status, reversed.Discount.DueAt, reversed.Discount.DeleteReason));
        Assert.Equal(100, Assert.Single(reversed.Entries).Points);
        var again = Decider.Decide(reversed.State, new RedemptionReversed("rev-2", Member, T0.AddDays(1), "q1", "wrong reward"), new DecisionInputs(Redemption: reversed.Redemption, Discount: reversed.Discount), WithWebhook, T0.AddDays(1));
        Assert.Equal(DecisionOutcome.AlreadyApplied, again.Outcome);
    }

    [Fact]
    public void A_refusal_for_good_reverses_the_redemption_back_to_its_lots_with_the_reason()
    {
        var (state, redeemed) = Redeemed();
        var refused = Record(Claim(state, redeemed, T0), redeemed, 1, DiscountOutcomes.Refused, "WooCommerce 401 woocommerce_rest_cannot_create", T0.AddSeconds(1));
        Assert.Equal(DiscountStatuses.Refused, refused.Discount!.Status);
        Assert.True(refused.Redemption!.Reversed);
        var entry = Assert.Single(refused.Entries);
        Assert.Equal((LedgerKinds.RedemptionReversed, 100L), (entry.Kind, entry.Points));
        Assert.Contains("the shop refused the discount: WooCommerce 401 woocommerce_rest_cannot_create", entry.Reason, StringComparison.Ordinal);
        Assert.Equal(redeemed.Redemption!.LotsTaken.Select(c => c with { Points = -c.Points }), entry.Lots);
        Assert.Equal(state.Balance + 100, refused.State!.Balance);
        Assert.Equal(0, refused.State.LifetimeRedeemed);
    }

    [Fact]
    public void Retries_past_the_most_attempts_give_up_and_give_the_points_back()
    {
        var (state, redeemed) = Redeemed();
        var current = redeemed with { State = state };
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var at = T0.AddHours(attempt);
            current = Record(Claim(current.State!, current, at), redeemed, attempt, DiscountOutcomes.Retry, "webhook 503", at.AddSeconds(1));
        }

        Assert.Equal(DiscountStatuses.Refused, current.Discount!.Status);
        Assert.Equal("gave up after 3 attempts: webhook 503", current.Discount.Reason);
        Assert.True(current.Redemption!.Reversed);
    }

    [Fact]
    public void A_redemption_reversed_before_the_claim_is_never_sent_to_the_shop()
    {
        var (state, redeemed) = Redeemed();
        var claim = Decider.Decide(state, new DiscountDue("due-1", Member, T0, "q1"), new DecisionInputs(Redemption: redeemed.Redemption! with { Reversed = true }, Discount: redeemed.Discount), WithWebhook, T0);
        Assert.Equal((DiscountStatuses.Refused, "the redemption was reversed"), (claim.Discount!.Status, claim.Discount.Reason));
        Assert.Empty(claim.Entries);
    }

    // A member with 500 points who redeemed $5 off (q1) at T0: the state before the redemption's commit and the decision.
    private static (MemberState State, Decision Redeemed) Redeemed()
    {
        var store = History(Purchase("o1", 500m));
        var decision = Decider.Decide(store.State, Redeem("q1", "five-off"), DecisionInputs.None, WithWebhook, T0);
        return (decision.State!, decision);
    }

    private static Decision Claim(MemberState state, Decision last, DateTimeOffset at) =>
        Decider.Decide(state, new DiscountDue($"due-{at.Ticks}", Member, at, "q1"), new DecisionInputs(Redemption: last.Redemption, Discount: last.Discount), WithWebhook, at);

    private static Decision Record(Decision claim, Decision redeemed, int attempt, string outcome, string? reason, DateTimeOffset at, string? id = null) =>
        Decider.Decide(claim.State, new DiscountAttempted($"done-{attempt}", Member, at, "q1", attempt, outcome, reason, id), new DecisionInputs(Redemption: redeemed.Redemption, Discount: claim.Discount), WithWebhook, at) is var d && d.Redemption is null
            ? d with { Redemption = redeemed.Redemption }
            : d;
}

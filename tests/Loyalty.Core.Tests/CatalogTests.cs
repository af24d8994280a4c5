using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>The rest of the catalog: service rewards, tier-only rewards, a global limit, and each reward's validity and refund.</summary>
public sealed class CatalogTests
{
    private static readonly Reward Consultation = new("consultation", "Free consultation", RewardKind.Service, 100, PerMemberLimit: 2);
    private static readonly Reward GoldLounge = new("gold-lounge", "Gold lounge", RewardKind.FixedDiscount, 100, Value: 5m, Tiers: ["gold", "diamond"]);
    private static readonly Reward TenOnly = new("first-ten", "Signed print", RewardKind.Gift, 100, GlobalLimit: 10);
    private static readonly Reward Weekly = new("weekly", "$5 off this week", RewardKind.FixedDiscount, 100, Value: 5m, ValidityDays: 7);

    private static readonly LoyaltyProgram Catalog = Tiered with
    {
        Rewards = [.. Program.Rewards, Consultation, GoldLounge, TenOnly, Weekly],
        Discounts = new DiscountRules { Webhook = true, Shopify = true, WooCommerce = true, RetryDelay = TimeSpan.FromSeconds(30), CreateLease = TimeSpan.FromMinutes(2), MaxAttempts = 3 },
    };

    [Fact]
    public void A_service_reward_never_asks_the_shop_for_a_discount_and_sends_its_voucher_code_at_once()
    {
        Assert.Empty(Catalog.Validate());
        var store = History(Catalog, (Purchase("o1", 500m), T0));
        var decision = Decider.Decide(store.State, Redeem("q1", "consultation"), DecisionInputs.None, Catalog, T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Null(decision.Discount);
        Assert.Equal(("CODE-q1", 100L), (decision.Redemption!.Code, decision.Redemption.PointsSpent));
        Assert.Equal("CODE-q1", Assert.Single(decision.Messages, m => m.Kind == MessageKinds.RedemptionReceipt).Code);
        Assert.False(Consultation.IsShopDiscount);
        Assert.False(Program.FindReward("mug")!.IsShopDiscount);

        // A discount of the same member through the same channel does go to the shop.
        Assert.NotNull(Decider.Decide(decision.State, Redeem("q2", "five-off"), DecisionInputs.None, Catalog, T0).Discount);
    }

    [Fact]
    public void The_owner_marks_a_voucher_used_once_after_which_it_cannot_be_reversed_and_a_reversed_one_is_not_honoured()
    {
        var store = History(Catalog, (Purchase("o1", 500m), T0));
        var redeemed = Decider.Decide(store.State, Redeem("q1", "consultation"), DecisionInputs.None, Catalog, T0);
        var used = Decider.Decide(redeemed.State, new CodeUsed(CodeUsed.IdFor("q1"), Member, T0.AddDays(1), "q1", null), new DecisionInputs(Redemption: redeemed.Redemption), Catalog, T0.AddDays(1));
        Assert.Equal(DecisionOutcome.Applied, used.Outcome);
        Assert.Equal(((string?)null, (DateTimeOffset?)T0.AddDays(1)), (used.Redemption!.UsedOrderId, used.Redemption.UsedAt));
        Assert.Empty(used.Entries);

        Assert.Equal(DecisionOutcome.AlreadyApplied, Decider.Decide(used.State, new CodeUsed(CodeUsed.IdFor("q1"), Member, T0.AddDays(2), "q1", null), new DecisionInputs(Redemption: used.Redemption), Catalog, T0.AddDays(2)).Outcome);
        var reversal = Decider.Decide(used.State, Reversed("q1"), new DecisionInputs(Redemption: used.Redemption), Catalog, T0.AddDays(2));
        Assert.Equal(RefusalCodes.RedemptionUsed, Assert.Single(reversal.Refusals).Code);
        Assert.Contains("marked by the owner", reversal.Refusals[0].Message, StringComparison.Ordinal);

        var reversed = Decider.Decide(redeemed.State, Reversed("q1"), new DecisionInputs(Redemption: redeemed.Redemption), Catalog, T0.AddDays(1));
        var late = Decider.Decide(reversed.State, new CodeUsed(CodeUsed.IdFor("q1"), Member, T0.AddDays(2), "q1", null), new DecisionInputs(Redemption: reversed.Redemption), Catalog, T0.AddDays(2));
        Assert.Equal(RefusalCodes.RedemptionReversed, Assert.Single(late.Refusals).Code);
    }

    [Fact]
    public void A_tier_only_reward_is_refused_to_other_tiers_writing_nothing_and_redeemed_by_its_own()
    {
        var store = History(Catalog, (Purchase("o1", 500m), T0));
        Assert.Equal("silver", TierOf(store.State, Catalog));

        var refused = Decider.Decide(store.State, Redeem("q1", "gold-lounge"), DecisionInputs.None, Catalog, T0);
        Assert.Equal(DecisionOutcome.Refused, refused.Outcome);
        Assert.Equal(RefusalCodes.RewardNotInTier, refused.Refusals[0].Code);
        Assert.Contains("gold, diamond", refused.Refusals[0].Message, StringComparison.Ordinal);
        Assert.Empty(refused.Entries);
        Assert.Null(refused.Redemption);
        Assert.Null(refused.Discount);

        var gold = store.State! with { TierId = "gold" };
        var applied = Decider.Decide(gold, Redeem("q1", "gold-lounge"), DecisionInputs.None, Catalog, T0);
        Assert.Equal(DecisionOutcome.Applied, applied.Outcome);
        Assert.True(GoldLounge.OpenTo("diamond", Catalog));
        Assert.False(GoldLounge.OpenTo(null, Catalog));
        Assert.True(Consultation.OpenTo(null, Catalog));
    }

    [Fact]
    public void The_global_limit_has_room_below_the_limit_and_only_an_accepted_redemption_takes_a_slot()
    {
        Assert.True(RewardLimits.HasRoom(TenOnly, 9));
        Assert.False(RewardLimits.HasRoom(TenOnly, 10));
        Assert.False(RewardLimits.HasRoom(TenOnly, 11));
        Assert.True(RewardLimits.HasRoom(Consultation, long.MaxValue));
        Assert.Equal(RefusalCodes.SoldOut, RewardLimits.SoldOut(TenOnly).Code);

        var store = History(Catalog, (Purchase("o1", 150m), T0));
        var redeem = Redeem("q1", "first-ten");
        var taken = Decider.Decide(store.State, redeem, DecisionInputs.None, Catalog, T0);
        Assert.Same(TenOnly, RewardLimits.Takes(redeem, taken, Catalog));

        // Refused by the member's own rules (not enough points), or of an unlimited reward: no slot.
        var tooDear = Decider.Decide(taken.State, Redeem("q2", "first-ten"), DecisionInputs.None, Catalog, T0);
        Assert.Equal(RefusalCodes.InsufficientPoints, tooDear.Refusals[0].Code);
        Assert.Null(RewardLimits.Takes(Redeem("q2", "first-ten"), tooDear, Catalog));
        var unlimited = Decider.Decide(store.State, Redeem("q3", "five-off"), DecisionInputs.None, Catalog, T0);
        Assert.Null(RewardLimits.Takes(Redeem("q3", "five-off"), unlimited, Catalog));

        // Its reversal gives the slot back, once.
        var reversed = Decider.Decide(taken.State, Reversed("q1"), new DecisionInputs(Redemption: taken.Redemption), Catalog, T0);
        Assert.Same(TenOnly, RewardLimits.GivesBack(taken.Redemption, reversed, Catalog));
        var again = Decider.Decide(reversed.State, Reversed("q1", eventId: "reverse-2"), new DecisionInputs(Redemption: reversed.Redemption), Catalog, T0);
        Assert.Null(RewardLimits.GivesBack(reversed.Redemption, again, Catalog));
    }

    [Fact]
    public void A_rewards_validity_sets_its_codes_expiry_in_the_discount_and_the_program_default_the_others()
    {
        var store = History(Catalog, (Purchase("o1", 500m), T0));
        var weekly = Decider.Decide(store.State, Redeem("q1", "weekly"), DecisionInputs.None, Catalog, T0);
        Assert.Equal(T0.AddDays(7), weekly.Discount!.ExpiresAt);
        var plain = Decider.Decide(weekly.State, Redeem("q2", "five-off"), DecisionInputs.None, Catalog, T0);
        Assert.Equal(T0.AddDays(Catalog.Discounts.ValidityDays), plain.Discount!.ExpiresAt);
    }

    [Theory]
    [InlineData(false, null, false)]
    [InlineData(true, null, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    public void A_rewards_refund_on_expiry_overrides_the_programs(bool programRefunds, bool? rewardRefunds, bool refunded)
    {
        var program = Catalog with
        {
            Rewards = [Weekly with { RefundOnExpiry = rewardRefunds }],
            Discounts = Catalog.Discounts with { RefundExpired = programRefunds },
        };
        var store = History(program, (Purchase("o1", 500m), T0));
        var redeemed = Decider.Decide(store.State, Redeem("q1", "weekly"), DecisionInputs.None, program, T0);
        var claim = Decider.Decide(redeemed.State, new DiscountDue("due-1", Member, T0, "q1"), new DecisionInputs(Redemption: redeemed.Redemption, Discount: redeemed.Discount), program, T0);
        var created = Decider.Decide(claim.State, new DiscountAttempted("done-1", Member, T0, "q1", 1, DiscountOutcomes.Created, null, "id-1"), new DecisionInputs(Redemption: redeemed.Redemption, Discount: claim.Discount), program, T0);
        var at = T0.AddDays(7).AddSeconds(1);
        var expiring = Decider.Decide(created.State, new DiscountDue("due-2", Member, at, "q1"), new DecisionInputs(Redemption: redeemed.Redemption, Discount: created.Discount), program, at);
        Assert.Equal(DiscountRules.ExpiredReason, expiring.Discount!.DeleteReason);

        var deleted = Decider.Decide(expiring.State, new DiscountAttempted("done-2", Member, at, "q1", 2, DiscountOutcomes.Deleted, null, "id-1"), new DecisionInputs(Redemption: redeemed.Redemption, Discount: expiring.Discount), program, at);
        Assert.Equal(DiscountStatuses.Deleted, deleted.Discount!.Status);
        Assert.Equal(refunded, deleted.Entries.Any(e => e.Points == 100));
        Assert.Equal(refunded ? store.State!.Spendable : store.State!.Spendable - 100, deleted.State!.Spendable);
    }
}

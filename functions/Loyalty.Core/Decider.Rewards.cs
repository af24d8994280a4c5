namespace Loyalty.Core;

// Discounts in the shop: the redemption's commit writes the discount outbox row; the dispatcher's
// two steps are decisions of their own, like a message's: the claim (one call to the shop, under a
// lease) and the outcome (created, retry with backoff, or refused for good, which reverses the
// redemption and gives the points back to their lots).
public static partial class Decider
{
    /// <summary>The discount outbox row deciding <paramref name="evt"/> needs, to read by key first.</summary>
    public static string? DiscountNeeded(LoyaltyEvent evt) => evt switch
    {
        DiscountDue d => d.RequestId,
        DiscountAttempted a => a.RequestId,
        _ => null,
    };

    // The discount a redemption asks the shop for; none for a gift (handed over by the shop) or
    // when the member's shop has no channel set up (the code then lives only in this service).
    private static DiscountOrder? DiscountFor(RedemptionRequested e, Reward reward, LoyaltyProgram program, DateTimeOffset now)
    {
        var rules = program.Discounts;
        if (reward.Kind == RewardKind.Gift || DiscountChannels.For(e.MemberId, rules) is not { } channel)
        {
            return null;
        }

        return new DiscountOrder
        {
            RequestId = e.RequestId,
            RewardId = reward.Id,
            Code = e.Code,
            Channel = channel,
            IdempotencyKey = DiscountRules.IdempotencyKey(e.MemberId, e.RequestId),
            Kind = reward.Kind,
            Value = reward.Value,
            Currency = program.Currency,
            ProductId = reward.ProductId,
            Title = reward.Name,
            ExpiresAt = now.AddDays(reward.ValidityDays ?? rules.ValidityDays),
            Status = DiscountStatuses.Waiting,
            DueAt = now,
            CreatedAt = now,
        };
    }

    private static Decision ClaimDiscount(MemberState? state, DiscountDue e, DiscountOrder? d, RedemptionRecord? redemption, LoyaltyProgram program, DateTimeOffset now)
    {
        // Gone, finished, or not due yet (an index row older than the row's own due time, or a lease still running).
        if (state is null || d is null || d.Status is not (DiscountStatuses.Waiting or DiscountStatuses.Creating) || d.DueAt is not { } due || due > now)
        {
            return AlreadyApplied(state);
        }

        var rules = program.Discounts;
        var draft = Draft.Start(state, e, now);
        if (redemption is null || redemption.Reversed)
        {
            // Undone before the shop had it: nothing to create.
            return draft.Applied() with { Discount = d with { Status = DiscountStatuses.Refused, DueAt = null, Reason = "the redemption was reversed" } };
        }

        if (d.Attempts >= rules.MaxAttempts)
        {
            // The last claim's outcome was never recorded either: give up as for a shop that never answers.
            return RefuseDiscount(draft, d, redemption, $"no answer from the shop after {d.Attempts} attempts");
        }

        return draft.Applied() with { Discount = d with { Status = DiscountStatuses.Creating, Attempts = d.Attempts + 1, DueAt = now + rules.CreateLease } };
    }

    private static Decision RecordDiscount(MemberState? state, DiscountAttempted e, DiscountOrder? d, RedemptionRecord? redemption, LoyaltyProgram program, DateTimeOffset now)
    {
        // Only the outcome of the call that holds the claim counts; a late one changes nothing.
        if (state is null || d is null || d.Status != DiscountStatuses.Creating || d.Attempts != e.Attempt)
        {
            return AlreadyApplied(state);
        }

        var rules = program.Discounts;
        var draft = Draft.Start(state, e, now);
        var reason = e.Reason ?? e.Outcome;
        return e.Outcome switch
        {
            DiscountOutcomes.Created => draft.Applied() with
            {
                Discount = d with { Status = DiscountStatuses.Created, DueAt = null, Reason = null, ShopDiscountId = e.ShopDiscountId, CreatedInShopAt = now },
            },
            DiscountOutcomes.Retry when e.Attempt < rules.MaxAttempts => draft.Applied() with
            {
                Discount = d with { Status = DiscountStatuses.Waiting, DueAt = now + rules.Backoff(e.Attempt), Reason = reason },
            },
            DiscountOutcomes.Retry => RefuseDiscount(draft, d, redemption, $"gave up after {e.Attempt} attempts: {reason}"),
            _ => RefuseDiscount(draft, d, redemption, "the shop refused the discount: " + reason),
        };
    }

    // Refused for good: the redemption is reversed in the same commit, its points back on the
    // days they came from, with the reason on the ledger and on the discount row.
    private static Decision RefuseDiscount(Draft draft, DiscountOrder d, RedemptionRecord? redemption, string reason)
    {
        var finished = d with { Status = DiscountStatuses.Refused, DueAt = null, Reason = reason };
        if (redemption is null || redemption.Reversed)
        {
            return draft.Applied() with { Discount = finished };
        }

        return GiveBack(draft, redemption, reason).Applied(redemption: redemption with { Reversed = true }) with { Discount = finished };
    }
}

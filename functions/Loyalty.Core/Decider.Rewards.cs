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
        CodeUsed u => u.RequestId,
        RedemptionReversed v => v.RequestId,
        _ => null,
    };

    // The discount a redemption asks the shop for; none for a gift (handed over by the shop), a
    // service (rendered by the shop, its code a voucher the owner honours) or when the member's
    // shop has no channel set up (the code then lives only in this service).
    private static DiscountOrder? DiscountFor(RedemptionRequested e, Reward reward, LoyaltyProgram program, DateTimeOffset now)
    {
        var rules = program.Discounts;
        if (!reward.IsShopDiscount || DiscountChannels.For(e.MemberId, rules) is not { } channel)
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
        if (state is null || d is null || d.Status is not (DiscountStatuses.Waiting or DiscountStatuses.Creating or DiscountStatuses.Created or DiscountStatuses.Deleting) || d.DueAt is not { } due || due > now)
        {
            return AlreadyApplied(state);
        }

        var rules = program.Discounts;
        var draft = Draft.Start(state, e, now);
        var lease = d with { Attempts = d.Attempts + 1, DueAt = now + rules.CreateLease };
        if (d.Status == DiscountStatuses.Deleting)
        {
            return draft.Applied() with { Discount = lease };
        }

        if (d.Status == DiscountStatuses.Created)
        {
            // Its expiry: an unused code is deleted from the shop (a used one is never due).
            return redemption is null || redemption.UsedAt is not null
                ? draft.Applied() with { Discount = d with { DueAt = null } }
                : draft.Applied() with { Discount = lease with { Status = DiscountStatuses.Deleting, DeleteReason = redemption.Reversed ? "the redemption was reversed" : DiscountRules.ExpiredReason } };
        }

        if (redemption is null || redemption.Reversed)
        {
            // Undone before the shop had it: nothing to create when no call was ever made; after a
            // call (whose outcome may be lost) the code is deleted, found by its code if need be.
            return d.Attempts == 0
                ? draft.Applied() with { Discount = d with { Status = DiscountStatuses.Refused, DueAt = null, Reason = "the redemption was reversed" } }
                : draft.Applied() with { Discount = lease with { Status = DiscountStatuses.Deleting, DeleteReason = "the redemption was reversed" } };
        }

        if (d.Attempts >= rules.MaxAttempts)
        {
            // The last claim's outcome was never recorded either: give up as for a shop that never answers.
            return RefuseDiscount(draft, d, redemption, $"no answer from the shop after {d.Attempts} attempts");
        }

        return draft.Applied() with { Discount = lease with { Status = DiscountStatuses.Creating } };
    }

    private static Decision RecordDiscount(MemberState? state, DiscountAttempted e, DiscountOrder? d, RedemptionRecord? redemption, LoyaltyProgram program, DateTimeOffset now)
    {
        // Only the outcome of the call that holds the claim counts; a late one changes nothing.
        if (state is null || d is null || d.Attempts != e.Attempt || d.Status is not (DiscountStatuses.Creating or DiscountStatuses.Deleting))
        {
            return AlreadyApplied(state);
        }

        var rules = program.Discounts;
        var draft = Draft.Start(state, e, now);
        var reason = e.Reason ?? e.Outcome;
        if (d.Status == DiscountStatuses.Deleting)
        {
            return e.Outcome switch
            {
                DiscountOutcomes.Deleted => Deleted(draft, d, redemption, program, now),

                // A deletion never gives up: a live code for a reversed or expired redemption is not left behind.
                DiscountOutcomes.Retry or DiscountOutcomes.Refused => draft.Applied() with { Discount = d with { DueAt = now + rules.Backoff(e.Attempt), Reason = reason } },
                _ => AlreadyApplied(state),
            };
        }

        return e.Outcome switch
        {
            DiscountOutcomes.Created when redemption is null || redemption.Reversed => draft.Applied() with
            {
                // Reversed while the shop was creating it: deleted next.
                Discount = d with { Status = DiscountStatuses.Deleting, DueAt = now, Reason = null, ShopDiscountId = e.ShopDiscountId, CreatedInShopAt = now, DeleteReason = "the redemption was reversed" },
            },
            DiscountOutcomes.Created => Receipt(draft, d, redemption, program).Applied() with
            {
                // Due again at its expiry, unless an order used it already.
                Discount = d with
                {
                    Status = redemption.UsedAt is null ? DiscountStatuses.Created : DiscountStatuses.Used,
                    DueAt = redemption.UsedAt is null ? d.ExpiresAt : null,
                    Reason = null,
                    ShopDiscountId = e.ShopDiscountId,
                    CreatedInShopAt = now,
                },
            },
            DiscountOutcomes.Retry when e.Attempt < rules.MaxAttempts => draft.Applied() with
            {
                Discount = d with { Status = DiscountStatuses.Waiting, DueAt = now + rules.Backoff(e.Attempt), Reason = reason },
            },
            DiscountOutcomes.Retry => RefuseDiscount(draft, d, redemption, $"gave up after {e.Attempt} attempts: {reason}"),
            _ => RefuseDiscount(draft, d, redemption, "the shop refused the discount: " + reason),
        };
    }

    /// <summary>The redemption receipt (with the code), sent once the shop has the code, or at once when no shop is asked.</summary>
    private static Draft Receipt(Draft draft, DiscountOrder? d, RedemptionRecord redemption, LoyaltyProgram program) => draft.Notify(program, new OutboxMessage
    {
        MessageId = draft.SourceEventId + ":receipt",
        Kind = MessageKinds.RedemptionReceipt,
        CreatedAt = draft.Now,
        Points = redemption.PointsSpent,
        Text = d?.Title ?? program.FindReward(redemption.RewardId)?.Name ?? redemption.RewardId,
        Code = redemption.Code,
        RewardId = redemption.RewardId,
        Balance = draft.State.Spendable,
    });

    // Gone from the shop: a code that expired unused gives its points back where the reward (or
    // else the program) says so.
    private static Decision Deleted(Draft draft, DiscountOrder d, RedemptionRecord? redemption, LoyaltyProgram program, DateTimeOffset now)
    {
        var gone = d with { Status = DiscountStatuses.Deleted, DueAt = null, Reason = null, DeletedAt = now };
        if (d.DeleteReason != DiscountRules.ExpiredReason || redemption is null || redemption.Reversed || redemption.UsedAt is not null
            || !(program.FindReward(redemption.RewardId)?.RefundOnExpiry ?? program.Discounts.RefundExpired))
        {
            return draft.Applied() with { Discount = gone };
        }

        return GiveBack(draft, redemption, Invariant($"code expired unused on {d.ExpiresAt:yyyy-MM-dd}")).Applied(redemption: redemption with { Reversed = true }) with { Discount = gone };
    }

    // An order (or the owner) used the code: the redemption is marked used, and its code is no longer due to expire.
    private static Decision UseCode(MemberState? state, CodeUsed e, RedemptionRecord? redemption, DiscountOrder? d, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        if (redemption is null)
        {
            return Refused(state, RefusalCodes.UnknownRedemption, $"There is no redemption '{e.RequestId}' for this member.");
        }

        if (redemption.UsedAt is not null)
        {
            return AlreadyApplied(state);
        }

        if (redemption.Reversed && e.OrderId is null)
        {
            // The owner marking a reversed redemption used: its points are back, so it is not honoured.
            return Refused(state, RefusalCodes.RedemptionReversed, $"Redemption '{e.RequestId}' was reversed; its code is no longer honoured.");
        }

        // A deletion for its expiry stops (the shop took the code); one for a reversal goes on.
        var discount = d is { Status: DiscountStatuses.Created } || d is { Status: DiscountStatuses.Deleting, DeleteReason: DiscountRules.ExpiredReason }
            ? d with { Status = DiscountStatuses.Used, DueAt = null, DeleteReason = null }
            : null;
        return Draft.Start(state, e, now).Applied(redemption: redemption with { UsedOrderId = e.OrderId, UsedAt = now }) with { Discount = discount };
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

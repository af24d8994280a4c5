namespace Loyalty.Core;

/// <summary>Stable codes for refusals; also the problem type suffix over HTTP.</summary>
public static class RefusalCodes
{
    /// <summary>The member has fewer spendable points than the reward costs.</summary>
    public const string InsufficientPoints = "insufficient-points";

    /// <summary>No reward with that id.</summary>
    public const string UnknownReward = "unknown-reward";

    /// <summary>The member has redeemed this reward as often as allowed.</summary>
    public const string LimitReached = "limit-reached";

    /// <summary>The order's currency is not the program's.</summary>
    public const string CurrencyMismatch = "currency-mismatch";

    /// <summary>The member does not exist (for events that need an existing member).</summary>
    public const string UnknownMember = "unknown-member";

    /// <summary>No redemption with that request id.</summary>
    public const string UnknownRedemption = "unknown-redemption";

    /// <summary>The redemption's code was used on an order: it cannot be reversed.</summary>
    public const string RedemptionUsed = "redemption-used";

    /// <summary>The reward is for members of other tiers only.</summary>
    public const string RewardNotInTier = "reward-not-in-tier";

    /// <summary>The reward's global limit is reached: every one of them has been redeemed.</summary>
    public const string SoldOut = "reward-sold-out";

    /// <summary>The redemption was reversed: its code can no longer be marked used.</summary>
    public const string RedemptionReversed = "redemption-reversed";

    /// <summary>The benefit is not part of the member's tier.</summary>
    public const string NotInTier = "not-in-tier";

    /// <summary>The benefit's quota for the current period is used up.</summary>
    public const string QuotaUsedUp = "quota-used-up";

    /// <summary>No tier of the program grants that benefit.</summary>
    public const string UnknownBenefit = "unknown-benefit";

    /// <summary>A member cannot refer themselves.</summary>
    public const string SelfReferral = "self-referral";

    /// <summary>The member already has a referrer, or has already paid an order.</summary>
    public const string ReferralNotAllowed = "referral-not-allowed";

    /// <summary>The event would credit more than the program's limits allow without the owner's approval.</summary>
    public const string OverLimit = "over-limit";

    /// <summary>The shop order was already credited to another member: one order earns once, for one member.</summary>
    public const string OrderClaimed = "order-claimed";

    /// <summary>The member was already imported from another file: a member moves in once (adjust points instead).</summary>
    public const string AlreadyImported = "already-imported";

    /// <summary>The event is invalid for the state (e.g. a zero adjustment).</summary>
    public const string Invalid = "invalid";
}

/// <summary>Why a decision refused an event: a business outcome, not an error.</summary>
public sealed record Refusal(string Code, string Message);

/// <summary>How a decision came out.</summary>
public enum DecisionOutcome
{
    /// <summary>Commit <see cref="Decision.State"/>, the entries and the records.</summary>
    Applied,

    /// <summary>
    /// The event was already reflected in the state or records (same order credited, same
    /// refund id, same redemption request): nothing to write.
    /// </summary>
    AlreadyApplied,

    /// <summary>Refused for the reasons given: nothing to write.</summary>
    Refused,

    /// <summary>
    /// The event refers to an order this member has no record of yet (a refund or
    /// cancellation that overtook its purchase): try again later.
    /// </summary>
    OrderNotSeen,

    /// <summary>
    /// The event would credit more than the program's limits (<see cref="CreditLimits"/>):
    /// nothing is written to the member; it waits for the owner to approve or reject it.
    /// The reason is the one refusal, coded <see cref="RefusalCodes.OverLimit"/>.
    /// </summary>
    Held,
}

/// <summary>Rows besides the state row that a decision may need, read by key before deciding.</summary>
/// <param name="Message">The outbox message a dispatch event is about (<see cref="Decider.MessageNeeded"/>).</param>
/// <param name="OverLimitApproved">The owner approved this event over the credit limits.</param>
/// <param name="Discount">The discount outbox row of the redemption the event is about (<see cref="Decider.DiscountNeeded"/>).</param>
public sealed record DecisionInputs(OrderRecord? Order = null, RedemptionRecord? Redemption = null, OutboxMessage? Message = null, bool OverLimitApproved = false, DiscountOrder? Discount = null)
{
    /// <summary>No extra rows.</summary>
    public static DecisionInputs None { get; } = new();
}

/// <summary>The value a decision returns: what to write, or why not.</summary>
public sealed record Decision
{
    /// <summary>How it came out.</summary>
    public required DecisionOutcome Outcome { get; init; }

    /// <summary>The member's new state (Applied) or the unchanged one.</summary>
    public MemberState? State { get; init; }

    /// <summary>New ledger entries, in sequence order (on a Held decision: what approval would write).</summary>
    public IReadOnlyList<LedgerEntry> Entries { get; init; } = [];

    /// <summary>The order record to write (insert or replace), if the event touched an order.</summary>
    public OrderRecord? Order { get; init; }

    /// <summary>
    /// The redemption record to write, if the event touched one; for a repeated redemption
    /// request (<see cref="DecisionOutcome.AlreadyApplied"/>) the existing record, to return again.
    /// </summary>
    public RedemptionRecord? Redemption { get; init; }

    /// <summary>Feedback or a service record to write beside the member.</summary>
    public MemberNote? Note { get; init; }

    /// <summary>The discount outbox row to write (<c>discount|{requestId}</c>), if the event touched one.</summary>
    public DiscountOrder? Discount { get; init; }

    /// <summary>Messages to the member, written with the decision.</summary>
    public IReadOnlyList<OutboxMessage> Messages { get; init; } = [];

    /// <summary>Events for other members that follow from this one (a referrer's bonus), sent before the commit.</summary>
    public IReadOnlyList<LoyaltyEvent> FollowUps { get; init; } = [];

    /// <summary>Why the event was refused.</summary>
    public IReadOnlyList<Refusal> Refusals { get; init; } = [];
}

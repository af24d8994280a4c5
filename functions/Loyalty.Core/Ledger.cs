namespace Loyalty.Core;

/// <summary>The kinds of ledger entry.</summary>
public static class LedgerKinds
{
    /// <summary>Sign-up bonus.</summary>
    public const string SignUpBonus = "signup_bonus";

    /// <summary>Points earned by a paid order.</summary>
    public const string Earned = "earned";

    /// <summary>Points taken back by a refund.</summary>
    public const string Refunded = "refunded";

    /// <summary>Points taken back by a cancellation.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Points spent on a reward.</summary>
    public const string Redeemed = "redeemed";

    /// <summary>Points given back by a reversed redemption.</summary>
    public const string RedemptionReversed = "redemption_reversed";

    /// <summary>Manual adjustment by an admin.</summary>
    public const string Adjusted = "adjusted";

    /// <summary>A lot expired.</summary>
    public const string Expired = "expired";

    /// <summary>Pending points became spendable.</summary>
    public const string Activated = "activated";

    /// <summary>Birthday bonus.</summary>
    public const string BirthdayBonus = "birthday_bonus";

    /// <summary>Referral bonus (to the referrer or the friend).</summary>
    public const string ReferralBonus = "referral_bonus";

    /// <summary>The tier changed (0 points; the reason holds the figures).</summary>
    public const string TierChanged = "tier_changed";

    /// <summary>A tier benefit was used (0 points).</summary>
    public const string BenefitUsed = "benefit_used";

    /// <summary>The opening balance of a member moved in from a spreadsheet (not earned here).</summary>
    public const string Imported = "imported";

    /// <summary>The member's personal data was erased (0 points; the reason is one of <see cref="ErasureReasons.All"/>).</summary>
    public const string Erased = "erased";
}

/// <summary>Points added to (positive) or taken from (negative) the lot of one expiry day.</summary>
public sealed record LotChange(DateOnly ExpiresOn, long Points);

/// <summary>
/// One append-only ledger entry. <see cref="Points"/> is the change to the balance; it equals
/// the sum of <see cref="Lots"/> minus <see cref="DebtChange"/>.
/// </summary>
public sealed record LedgerEntry
{
    /// <summary>Position in the member's ledger, from 1.</summary>
    public required long Sequence { get; init; }

    /// <summary>One of <see cref="LedgerKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Change to the balance.</summary>
    public required long Points { get; init; }

    /// <summary>The event that caused it.</summary>
    public required string SourceEventId { get; init; }

    /// <summary>When it was decided.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Changes to lots.</summary>
    public IReadOnlyList<LotChange> Lots { get; init; } = [];

    /// <summary>Change to debt (positive when a shortfall is recorded, negative when recovered).</summary>
    public long DebtChange { get; init; }

    /// <summary>Change to pending points (purchase points waiting out the return window).</summary>
    public long PendingChange { get; init; }

    /// <summary>Balance after this entry.</summary>
    public long BalanceAfter { get; init; }

    /// <summary>The order, for earnings, refunds and cancellations.</summary>
    public string? OrderId { get; init; }

    /// <summary>The reward, for redemptions.</summary>
    public string? RewardId { get; init; }

    /// <summary>Why (adjustments, reversals, or the figures behind a take-back).</summary>
    public string? Reason { get; init; }

    /// <summary>Who (adjustments).</summary>
    public string? Actor { get; init; }

    /// <summary>The tier after the entry (tier changes).</summary>
    public string? TierId { get; init; }

    /// <summary>The benefit (benefit uses).</summary>
    public string? BenefitId { get; init; }
}

/// <summary>Kinds of outbox message.</summary>
public static class MessageKinds
{
    /// <summary>Points expire soon.</summary>
    public const string ExpiryReminder = "expiry-reminder";

    /// <summary>Happy birthday, with the offer.</summary>
    public const string BirthdayOffer = "birthday-offer";

    /// <summary>The member moved up or down a tier (messages written before tier-up and tier-down existed).</summary>
    public const string TierChanged = "tier-changed";

    /// <summary>The member moved up a tier.</summary>
    public const string TierUp = "tier-up";

    /// <summary>The member moved down a tier.</summary>
    public const string TierDown = "tier-down";

    /// <summary>Welcome to the program, with the sign-up bonus.</summary>
    public const string Welcome = "welcome";

    /// <summary>A reward was redeemed: the code and the points spent.</summary>
    public const string RedemptionReceipt = "redemption-receipt";

    /// <summary>An order earned points (only when the program switches it on).</summary>
    public const string PointsEarned = "points-earned";

    /// <summary>Every kind a message is written with today.</summary>
    public static IReadOnlyList<string> All { get; } = [Welcome, ExpiryReminder, BirthdayOffer, TierUp, TierDown, RedemptionReceipt, PointsEarned];
}

/// <summary>Where a message stands (<see cref="OutboxMessage.Status"/>).</summary>
public static class MessageStatuses
{
    /// <summary>Due at <see cref="OutboxMessage.DueAt"/> (quiet hours, the weekly cap or a retry may have moved it).</summary>
    public const string Waiting = "waiting";

    /// <summary>Claimed by a dispatcher; if it is not recorded as sent by <see cref="OutboxMessage.DueAt"/>, it is sent again.</summary>
    public const string Sending = "sending";

    /// <summary>Delivered to every enabled channel.</summary>
    public const string Sent = "sent";

    /// <summary>Given up on: <see cref="OutboxMessage.Reason"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>Not sent on purpose (no consent, unsubscribed, no address): <see cref="OutboxMessage.Reason"/> says why.</summary>
    public const string Skipped = "skipped";
}

/// <summary>Whether a kind of message needs the member's consent (<see cref="OutboxMessage.Category"/>).</summary>
public static class MessageCategories
{
    /// <summary>Needs marketing consent, carries an unsubscribe link, counts against the weekly cap.</summary>
    public const string Marketing = "marketing";

    /// <summary>Receipts and account notices: always sent, never capped.</summary>
    public const string Service = "service";
}

/// <summary>
/// A message to the member, written with the decision that caused it and delivered by a
/// separate dispatcher. <see cref="MessageId"/> is derived from the event, so a replay writes the same row.
/// </summary>
public sealed record OutboxMessage
{
    /// <summary>Stable id: the source event id and the kind.</summary>
    public required string MessageId { get; init; }

    /// <summary>One of <see cref="MessageKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>When the decision was taken.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The points to show (expiring, bonus).</summary>
    public long? Points { get; init; }

    /// <summary>The date to show (the expiry day, the birthday).</summary>
    public DateOnly? Date { get; init; }

    /// <summary>The tier to show (tier changes).</summary>
    public string? TierId { get; init; }

    /// <summary>The offer or the sentence to show.</summary>
    public string? Text { get; init; }

    /// <summary>The spendable balance when the message was written.</summary>
    public long Balance { get; init; }

    /// <summary>The redemption code (redemption receipts).</summary>
    public string? Code { get; init; }

    /// <summary>The reward redeemed (redemption receipts).</summary>
    public string? RewardId { get; init; }

    /// <summary><see cref="MessageCategories"/>: marketing or service, as the program says for the kind.</summary>
    public string? Category { get; init; }

    /// <summary><see cref="MessageStatuses"/>.</summary>
    public string Status { get; init; } = MessageStatuses.Waiting;

    /// <summary>When the dispatcher should next take it; null once it is finished (and for messages written before dispatching existed).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Sending attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>Why it waits (quiet hours, weekly cap, a transient failure), or why it failed or was skipped.</summary>
    public string? Reason { get; init; }

    /// <summary>When it was recorded as sent.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The channels (<c>email</c>, <c>webhook</c>) that have accepted it; a retry sends only to the others.</summary>
    public IReadOnlyList<string> SentChannels { get; init; } = [];
}

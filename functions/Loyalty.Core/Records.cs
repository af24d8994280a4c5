namespace Loyalty.Core;

/// <summary>What one line of an order earned.</summary>
/// <param name="Points">The line's points before the order's rounding (tier and promotions included); null on records written before it was kept.</param>
public sealed record OrderLineEarning(string LineId, string? Sku, string? Category, int Quantity, decimal Merchandise, decimal? Points = null);

/// <summary>
/// What one order earned and how much of it has been taken back, kept beside the member
/// and read by key when a refund or cancellation of that order arrives.
/// </summary>
public sealed record OrderRecord
{
    /// <summary>The shop's order id.</summary>
    public required string OrderId { get; init; }

    /// <summary>Currency of the amounts below.</summary>
    public required string Currency { get; init; }

    /// <summary>Eligible merchandise (after discounts, excluding tax, shipping and tips).</summary>
    public decimal Merchandise { get; init; }

    /// <summary>What the customer paid in all.</summary>
    public decimal OrderTotal { get; init; }

    /// <summary>Points the order earned.</summary>
    public long PointsEarned { get; init; }

    /// <summary>Earnings per line.</summary>
    public IReadOnlyList<OrderLineEarning> Lines { get; init; } = [];

    /// <summary>Share of the order refunded so far, 0 to 1.</summary>
    public decimal RefundedShare { get; init; }

    /// <summary>
    /// Share of the order's points refunded so far, 0 to 1: a refund by lines counts what those
    /// lines earned (<see cref="OrderLineEarning.Points"/>), which differs from <see cref="RefundedShare"/>
    /// when lines earn at different rates. Null on records written before it was kept (then <see cref="RefundedShare"/>).
    /// </summary>
    public decimal? RefundedPointsShare { get; init; }

    /// <summary>Points taken back so far by refunds and cancellation; never more than <see cref="PointsEarned"/>.</summary>
    public long PointsTakenBack { get; init; }

    /// <summary>Whether the order was cancelled.</summary>
    public bool Cancelled { get; init; }

    /// <summary>Refund ids already applied to this order.</summary>
    public IReadOnlyList<string> AppliedRefundIds { get; init; } = [];

    /// <summary>When the order was credited.</summary>
    public DateTimeOffset CreditedAt { get; init; }

    /// <summary>When the order was placed (the event's time); null on records written before it was kept.</summary>
    public DateTimeOffset? PlacedAt { get; init; }
}

/// <summary>A redemption, kept beside the member so a repeated request returns it and a reversal can undo it.</summary>
public sealed record RedemptionRecord
{
    /// <summary>The caller's idempotency key.</summary>
    public required string RequestId { get; init; }

    /// <summary>The reward redeemed.</summary>
    public required string RewardId { get; init; }

    /// <summary>The code the member hands to the shop.</summary>
    public required string Code { get; init; }

    /// <summary>Points spent.</summary>
    public long PointsSpent { get; init; }

    /// <summary>The lots the points were taken from (negative points per expiry day).</summary>
    public IReadOnlyList<LotChange> LotsTaken { get; init; } = [];

    /// <summary>When it was redeemed.</summary>
    public DateTimeOffset RedeemedAt { get; init; }

    /// <summary>Spendable balance right after the redemption.</summary>
    public long BalanceAfter { get; init; }

    /// <summary>Whether it has been reversed.</summary>
    public bool Reversed { get; init; }

    /// <summary>The order that used the code; null while unused.</summary>
    public string? UsedOrderId { get; init; }

    /// <summary>When the order using the code was seen; null while unused.</summary>
    public DateTimeOffset? UsedAt { get; init; }
}

/// <summary>
/// Feedback or a service record, kept beside the member (<c>note|{noteId}</c>) so the member
/// page lists them; <see cref="NoteId"/> is the event id, so a retry writes the same row.
/// </summary>
public sealed record MemberNote
{
    /// <summary>The id of the event that wrote it.</summary>
    public required string NoteId { get; init; }

    /// <summary><c>feedback</c>, or a service record's kind (<c>enquiry</c>, <c>complaint</c>, <c>request</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Satisfaction 1 to 5 (feedback).</summary>
    public int? Satisfaction { get; init; }

    /// <summary>Net-promoter score 0 to 10 (feedback).</summary>
    public int? Nps { get; init; }

    /// <summary>What the member wrote (feedback) or what the record is about (service record).</summary>
    public string? Text { get; init; }

    /// <summary>The order the feedback is about.</summary>
    public string? OrderId { get; init; }

    /// <summary>A service record's status.</summary>
    public string? Status { get; init; }
}

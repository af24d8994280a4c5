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
}

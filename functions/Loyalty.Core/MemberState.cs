namespace Loyalty.Core;

/// <summary>Points that expire at the end of one program-local day (lots of one day are merged).</summary>
public sealed record Lot(DateOnly ExpiresOn, long Points);

/// <summary>Purchase points waiting out the return window; they count for nothing until <paramref name="ActivatesOn"/>.</summary>
public sealed record PendingLot(string? OrderId, DateOnly ActivatesOn, long Points);

/// <summary>
/// Everything about a member that a decision needs, stored as one row. Lots are kept
/// sorted by expiry day, oldest first, each with points greater than zero.
/// </summary>
public sealed record MemberState
{
    /// <summary>The member id (e.g. <c>shopify-123</c>).</summary>
    public required string MemberId { get; init; }

    /// <summary>What the shop told us of the member.</summary>
    public MemberProfile Profile { get; init; } = MemberProfile.Empty;

    /// <summary>When the member joined.</summary>
    public DateTimeOffset EnrolledAt { get; init; }

    /// <summary>Whether the sign-up bonus has been granted.</summary>
    public bool SignUpBonusGranted { get; init; }

    /// <summary>Open lots, oldest expiry first.</summary>
    public IReadOnlyList<Lot> Lots { get; init; } = [];

    /// <summary>Points taken back after they were spent and not yet recovered from later earnings.</summary>
    public long Debt { get; init; }

    /// <summary>Points ever earned (sign-up bonus, purchases, positive adjustments).</summary>
    public long LifetimeEarned { get; init; }

    /// <summary>Points ever spent on rewards, net of reversals.</summary>
    public long LifetimeRedeemed { get; init; }

    /// <summary>Successful redemptions per reward id, net of reversals (for per-member limits).</summary>
    public IReadOnlyDictionary<string, int> Redemptions { get; init; } = new Dictionary<string, int>();

    /// <summary>Purchase points not yet spendable, oldest activation first.</summary>
    public IReadOnlyList<PendingLot> Pending { get; init; } = [];

    /// <summary>The member's tier id; null reads as the program's lowest tier.</summary>
    public string? TierId { get; init; }

    /// <summary>When the tier last changed.</summary>
    public DateTimeOffset? TierSince { get; init; }

    /// <summary>The program-local day the tier is next reviewed for a downgrade; null at the lowest tier.</summary>
    public DateOnly? ReviewOn { get; init; }

    /// <summary>Set when a review found the member below their tier: the day the downgrade happens unless they requalify.</summary>
    public DateOnly? GraceUntil { get; init; }

    /// <summary>Qualifying figures per month inside the rolling window.</summary>
    public IReadOnlyList<MonthFigures> Qualifying { get; init; } = [];

    /// <summary>Paid orders ever (for the referral's "first paid order").</summary>
    public int PaidOrders { get; init; }

    /// <summary>Benefit uses in the current periods, keyed <c>{benefitId}|{period}</c> (e.g. <c>free-delivery|2026-11</c>).</summary>
    public IReadOnlyDictionary<string, int> BenefitUses { get; init; } = new Dictionary<string, int>();

    /// <summary>The year the last birthday bonus was granted in.</summary>
    public int? LastBirthdayYear { get; init; }

    /// <summary>The member who referred this one (one referrer per member).</summary>
    public string? ReferredBy { get; init; }

    /// <summary>Whether the referral has paid out (on the first paid order).</summary>
    public bool ReferralRewarded { get; init; }

    /// <summary>When the member's latest paid order was placed.</summary>
    public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>When the member's latest paid order was credited (the decision's time): the reports count a member as active once in each program-local month of a credited order.</summary>
    public DateTimeOffset? LastOrderCreditedAt { get; init; }

    /// <summary>Merchandise ever bought, net of refunds and cancellations (program currency).</summary>
    public decimal LifetimeSpend { get; init; }

    /// <summary>The satisfaction score (1 to 5) of the member's latest feedback that had one.</summary>
    public int? LastSatisfaction { get; init; }

    /// <summary>The net-promoter score (0 to 10) of the member's latest feedback that had one.</summary>
    public int? LastNps { get; init; }

    /// <summary>When the member last gave feedback.</summary>
    public DateTimeOffset? LastFeedbackAt { get; init; }
    /// <summary>The member withdrew marketing consent themselves (unsubscribe link or consent route).</summary>
    public bool Unsubscribed { get; init; }

    /// <summary>The e-mail address the mail server refused for good; the member has no working address while the profile still holds it.</summary>
    public string? BouncedEmail { get; init; }

    /// <summary>When marketing messages were claimed for sending in the last 7 days (the weekly cap).</summary>
    public IReadOnlyList<DateTimeOffset> MarketingSentAt { get; init; } = [];

    /// <summary>The program-local day of the member's last credit (for the per-day credit limit).</summary>
    public DateOnly? CreditDay { get; init; }

    /// <summary>Points credited on <see cref="CreditDay"/> (see <see cref="CreditLimits"/>).</summary>
    public long CreditedThatDay { get; init; }

    /// <summary>The member's personal data was erased: no later event brings a name, e-mail, phone, birthday or free text back.</summary>
    public bool Erased { get; init; }

    /// <summary>The hash of the spreadsheet the member was imported from (a member is imported once).</summary>
    public string? ImportedFrom { get; init; }

    /// <summary>Number of ledger entries written for this member; the next entry gets this + 1.</summary>
    public long LedgerSequence { get; init; }

    /// <summary>Number of decisions committed; grows by one with each.</summary>
    public long Version { get; init; }

    /// <summary>Sum of the open lots.</summary>
    public long LotPoints => Lots.Sum(l => l.Points);

    /// <summary>Lot points minus debt: equals the sum of the ledger. Negative only while debt exceeds the lots.</summary>
    public long Balance => LotPoints - Debt;

    /// <summary>Points pending activation.</summary>
    public long PendingPoints => Pending.Sum(p => p.Points);

    /// <summary>Points the member can spend now.</summary>
    public long Spendable => Math.Max(0, Balance);

    /// <summary>A member who has just joined, with nothing yet.</summary>
    public static MemberState New(string memberId, MemberProfile? profile, DateTimeOffset enrolledAt) =>
        new() { MemberId = memberId, Profile = profile ?? MemberProfile.Empty, EnrolledAt = enrolledAt };
}

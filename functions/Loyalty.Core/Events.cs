namespace Loyalty.Core;

/// <summary>What the shop knows of a member; every field optional.</summary>
/// <param name="Phone">The member's phone as the shop sent it.</param>
/// <param name="MarketingConsent">Whether the member agreed to marketing e-mail (Shopify's <c>email_marketing_consent</c>); null when the shop did not say.</param>
/// <param name="Locale">The member's language as the shop knows it (<c>en</c>, <c>zh-CN</c>, ...); chooses the templates.</param>
public sealed record MemberProfile(
    string? Email = null,
    string? FirstName = null,
    string? LastName = null,
    DateOnly? Birthday = null,
    string? Phone = null,
    bool? MarketingConsent = null,
    string? Locale = null)
{
    /// <summary>An empty profile.</summary>
    public static MemberProfile Empty { get; } = new();

    /// <summary>This profile with the known fields of <paramref name="newer"/> laid over it.</summary>
    public MemberProfile Merge(MemberProfile? newer) => newer is null
        ? this
        : new(newer.Email ?? Email, newer.FirstName ?? FirstName, newer.LastName ?? LastName, newer.Birthday ?? Birthday, newer.Phone ?? Phone, newer.MarketingConsent ?? MarketingConsent, newer.Locale ?? Locale);
}

/// <summary>
/// Something that happened to a member. <see cref="EventId"/> is stable for the thing it
/// describes (e.g. <c>shopify:{shop}:order:{id}:paid</c>), so a redelivery is recognised.
/// </summary>
public abstract record LoyaltyEvent(string EventId, string MemberId, DateTimeOffset OccurredAt);

/// <summary>The member joined the program (sign-up bonus once).</summary>
public sealed record MemberEnrolled(string EventId, string MemberId, DateTimeOffset OccurredAt, MemberProfile Profile)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>One line of a paid order, in the program currency, excluding tax and shipping.</summary>
/// <param name="LineId">The shop's id of the line, used by line refunds.</param>
/// <param name="UnitPrice">Price of one unit before discounts.</param>
/// <param name="Discount">Total discount allocated to the whole line (not per unit).</param>
public sealed record OrderLine(string LineId, string? Sku, string? Category, int Quantity, decimal UnitPrice, decimal Discount)
{
    /// <summary>The amount of this line that earns points: quantity × price − discount, never below zero.</summary>
    public decimal Merchandise => Math.Max(0m, (Quantity * UnitPrice) - Discount);
}

/// <summary>An order was paid: it earns points on its merchandise.</summary>
/// <param name="OrderTotal">What the customer paid in all (tax, shipping and tips included); refunds by amount are measured against it.</param>
/// <param name="Profile">What the shop sent about the customer; a purchase by an unknown member enrols them.</param>
/// <param name="DiscountCodes">The discount codes the order used (Shopify <c>discount_codes[].code</c>, WooCommerce <c>coupon_lines[].code</c>); a redemption's code among them is marked used.</param>
public sealed record PurchaseCompleted(
    string EventId,
    string MemberId,
    DateTimeOffset OccurredAt,
    string OrderId,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    decimal OrderTotal,
    MemberProfile? Profile = null,
    IReadOnlyList<string>? DiscountCodes = null)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>Merchandise refunded on one order line.</summary>
/// <param name="Amount">Merchandise amount refunded on that line (after its discounts, excluding tax).</param>
public sealed record RefundLine(string LineId, int Quantity, decimal Amount);

/// <summary>
/// Part or all of an order was refunded, either by lines (merchandise measured against the
/// order's merchandise) or by an amount (measured against the order total), or both.
/// </summary>
public sealed record OrderRefunded(
    string EventId,
    string MemberId,
    DateTimeOffset OccurredAt,
    string OrderId,
    string RefundId,
    IReadOnlyList<RefundLine> Lines,
    decimal Amount = 0m,
    bool Full = false)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The order was cancelled: everything it earned is taken back.</summary>
public sealed record OrderCancelled(string EventId, string MemberId, DateTimeOffset OccurredAt, string OrderId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The member asked to spend points on a reward. <see cref="Code"/> is the code to hand out if it succeeds.</summary>
public sealed record RedemptionRequested(
    string EventId,
    string MemberId,
    DateTimeOffset OccurredAt,
    string RequestId,
    string RewardId,
    string Code)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>A redemption was undone (code not used, order cancelled): its points come back to the lots they came from.</summary>
public sealed record RedemptionReversed(string EventId, string MemberId, DateTimeOffset OccurredAt, string RequestId, string Reason)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>An admin added (positive) or removed (negative) points, with the reason and who did it.</summary>
public sealed record PointsAdjusted(string EventId, string MemberId, DateTimeOffset OccurredAt, long Points, string Reason, string Actor)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The member used a tier benefit (free delivery, birthday gift...); <see cref="RequestId"/> makes a retry harmless.</summary>
public sealed record BenefitUsed(string EventId, string MemberId, DateTimeOffset OccurredAt, string RequestId, string BenefitId, string? Note)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The program-local day <see cref="AsOf"/> has ended: lots expiring on or before it expire.</summary>
public sealed record PointsExpiryDue(string EventId, string MemberId, DateTimeOffset OccurredAt, DateOnly AsOf)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>Remind the member of the points that expire at the end of <see cref="ExpiresOn"/>, <see cref="LeadDays"/> days ahead.</summary>
public sealed record ExpiryReminderDue(string EventId, string MemberId, DateTimeOffset OccurredAt, DateOnly ExpiresOn, int LeadDays)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The program-local day <see cref="On"/> is the member's birthday (29 February falls on 28 February in common years).</summary>
public sealed record BirthdayDue(string EventId, string MemberId, DateTimeOffset OccurredAt, DateOnly On)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>Pending points activating on or before <see cref="AsOf"/> become spendable.</summary>
public sealed record PendingActivationDue(string EventId, string MemberId, DateTimeOffset OccurredAt, DateOnly AsOf)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The member's tier review (or the end of its grace) falls on or before <see cref="AsOf"/>.</summary>
public sealed record TierReviewDue(string EventId, string MemberId, DateTimeOffset OccurredAt, DateOnly AsOf)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The member was referred by <see cref="ReferrerId"/>; both earn after this member's first paid order.</summary>
public sealed record ReferralRecorded(string EventId, string MemberId, DateTimeOffset OccurredAt, string ReferrerId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>
/// To the referrer: <see cref="FriendId"/> paid a first order (their event <see cref="FriendEventId"/>).
/// Sent before the friend's commit, so it is applied only once that event's marker exists.
/// </summary>
public sealed record ReferralRewarded(string EventId, string MemberId, DateTimeOffset OccurredAt, string FriendId, string FriendEventId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>
/// The member gave feedback: satisfaction 1 to 5, a net-promoter score 0 to 10, a text, each
/// optional but not all missing; <see cref="OrderId"/> when it is about one order.
/// </summary>
public sealed record FeedbackSubmitted(string EventId, string MemberId, DateTimeOffset OccurredAt, int? Satisfaction, int? Nps, string? Text, string? OrderId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The shop recorded an enquiry, complaint or request of the member (<see cref="ServiceRecordKinds"/>), with its status.</summary>
public sealed record ServiceRecorded(string EventId, string MemberId, DateTimeOffset OccurredAt, string Kind, string Summary, string Status)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>The kinds and statuses of a service record, and the score ranges of feedback.</summary>
public static class ServiceRecordKinds
{
    /// <summary>The kinds a service record may have.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["enquiry", "complaint", "request"];

    /// <summary>The statuses a service record may have.</summary>
    public static IReadOnlyList<string> Statuses { get; } = ["open", "in-progress", "resolved", "closed"];

    /// <summary>Lowest and highest satisfaction score.</summary>
    public static (int Min, int Max) Satisfaction { get; } = (1, 5);

    /// <summary>Lowest and highest net-promoter score.</summary>
    public static (int Min, int Max) Nps { get; } = (0, 10);
}

/// <summary>
/// The member gave or withdrew marketing consent themselves (the unsubscribe link, the consent
/// route). A withdrawal sticks: what the shop sends later does not override it; only the member
/// consenting again does.
/// </summary>
public sealed record ConsentChanged(string EventId, string MemberId, DateTimeOffset OccurredAt, bool Marketing, string Source)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>
/// The dispatcher found message <see cref="MessageId"/> due: decide whether it is sent now
/// (claimed), waits (quiet hours, weekly cap) or is skipped (no consent, no address).
/// </summary>
public sealed record MessageDue(string EventId, string MemberId, DateTimeOffset OccurredAt, string MessageId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>
/// What became of attempt <see cref="Attempt"/> of message <see cref="MessageId"/>: one of
/// <see cref="DeliveryOutcomes"/>; <see cref="SentChannels"/> are the channels that accepted it.
/// </summary>
public sealed record MessageDelivered(
    string EventId,
    string MemberId,
    DateTimeOffset OccurredAt,
    string MessageId,
    int Attempt,
    string Outcome,
    string? Reason,
    IReadOnlyList<string> SentChannels)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>How one sending attempt came out (<see cref="MessageDelivered.Outcome"/>).</summary>
public static class DeliveryOutcomes
{
    /// <summary>Every enabled channel accepted it.</summary>
    public const string Sent = "sent";

    /// <summary>A transient failure (SMTP 4xx, a timeout, webhook 5xx): try again after a backoff.</summary>
    public const string Retry = "retry";

    /// <summary>A permanent failure (SMTP 5xx, webhook 4xx): recorded, not tried again.</summary>
    public const string Failed = "failed";

    /// <summary>The mail server refused the address for good: the message fails and the address is marked.</summary>
    public const string Bounced = "bounced";
}

/// <summary>
/// A member moved in from the shop's spreadsheet (one row of an import file). The event id is
/// <c>import:{member}:{file hash}</c>, so the same file imported twice changes nothing.
/// </summary>
/// <param name="Profile">What the row says of the member; fields the member already has are kept.</param>
/// <param name="OpeningBalance">Points the member had in the old system (0 or more); they become one lot.</param>
/// <param name="LotExpiresOn">The program-local day those points expire at the end of; null: the program's lifetime from today.</param>
/// <param name="TierId">The tier the spreadsheet gave the member (a program tier id); null: no tier column.</param>
/// <param name="LifetimeSpend">Merchandise bought before the move (program currency).</param>
/// <param name="LastPurchaseAt">The latest purchase before the move.</param>
/// <param name="FileHash">The import file's hash: every row of one file carries it.</param>
public sealed record MemberImported(
    string EventId,
    string MemberId,
    DateTimeOffset OccurredAt,
    MemberProfile Profile,
    long OpeningBalance,
    DateOnly? LotExpiresOn,
    string? TierId,
    decimal? LifetimeSpend,
    DateTimeOffset? LastPurchaseAt,
    string FileHash)
    : LoyaltyEvent(EventId, MemberId, OccurredAt)
{
    /// <summary>The event id of one member's row in the file with <paramref name="fileHash"/>.</summary>
    public static string IdFor(string memberId, string fileHash) => $"import:{memberId}:{fileHash}";
}

/// <summary>
/// The member's personal data is to be erased (their request, Shopify's <c>customers/redact</c>):
/// name, e-mail, phone, birthday and free text go; points, amounts and dates stay under the member id.
/// </summary>
/// <param name="Reason">One of <see cref="ErasureReasons.All"/> (never free text: it stays on the ledger).</param>
public sealed record MemberErased(string EventId, string MemberId, DateTimeOffset OccurredAt, string Reason)
    : LoyaltyEvent(EventId, MemberId, OccurredAt)
{
    /// <summary>The event id of a member's erasure (one per member: erasing again changes nothing).</summary>
    public static string IdFor(string memberId) => $"erase:{memberId}";
}

/// <summary>Why a member was erased.</summary>
public static class ErasureReasons
{
    /// <summary>Every reason an erasure may give.</summary>
    public static IReadOnlyList<string> All { get; } = ["customer-request", "shopify-customers-redact", "shopify-shop-redact", "retention"];
}

/// <summary>The dispatcher found the discount of redemption <see cref="RequestId"/> due: claim it for one call to the shop.</summary>
public sealed record DiscountDue(string EventId, string MemberId, DateTimeOffset OccurredAt, string RequestId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>
/// What became of call <see cref="Attempt"/> to the shop for the discount of redemption
/// <see cref="RequestId"/>: one of <see cref="DiscountOutcomes"/>, with the shop's id when created.
/// </summary>
public sealed record DiscountAttempted(
    string EventId,
    string MemberId,
    DateTimeOffset OccurredAt,
    string RequestId,
    int Attempt,
    string Outcome,
    string? Reason,
    string? ShopDiscountId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt);

/// <summary>
/// The code of the member's redemption <see cref="RequestId"/> was used on order <see cref="OrderId"/>
/// (a follow-up of the purchase that names it), or, with no order, the owner marked it used (a
/// service rendered, a gift handed over): the redemption is marked used and its code is never
/// deleted or refunded.
/// </summary>
public sealed record CodeUsed(string EventId, string MemberId, DateTimeOffset OccurredAt, string RequestId, string? OrderId)
    : LoyaltyEvent(EventId, MemberId, OccurredAt)
{
    /// <summary>The event id of the use of a redemption's code (one per redemption: a code is used once).</summary>
    public static string IdFor(string requestId) => "code-used:" + requestId;
}

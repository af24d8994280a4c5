using System.Security.Cryptography;
using System.Text;

namespace Loyalty.Core;

/// <summary>Where a redemption's discount is created (<see cref="DiscountOrder.Channel"/>).</summary>
public static class DiscountChannels
{
    /// <summary>Shopify's Admin GraphQL API (members <c>shopify-{customer id}</c>).</summary>
    public const string Shopify = "shopify";

    /// <summary>WooCommerce's REST API (members <c>woo-{customer id}</c>).</summary>
    public const string WooCommerce = "woocommerce";

    /// <summary>The signed <c>reward.redeemed</c> webhook to any other shop.</summary>
    public const string Webhook = "webhook";

    /// <summary>
    /// The channel for a member, from the source its id names, when that channel is set up;
    /// null: the code lives only in this service, as before channels existed.
    /// </summary>
    public static string? For(string memberId, DiscountRules rules)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        ArgumentNullException.ThrowIfNull(rules);
        if (memberId.StartsWith("shopify-", StringComparison.Ordinal))
        {
            return rules.Shopify ? Shopify : null;
        }

        if (memberId.StartsWith("woo-", StringComparison.Ordinal))
        {
            return rules.WooCommerce ? WooCommerce : null;
        }

        return rules.Webhook ? Webhook : null;
    }

    /// <summary>The shop's own customer id inside a member id (<c>shopify-123</c> gives <c>123</c>).</summary>
    public static string ShopCustomerId(string memberId)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        var dash = memberId.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? memberId : memberId[(dash + 1)..];
    }
}

/// <summary>Where a discount stands (<see cref="DiscountOrder.Status"/>).</summary>
public static class DiscountStatuses
{
    /// <summary>Written with the redemption, or after a transient failure: due at <see cref="DiscountOrder.DueAt"/>.</summary>
    public const string Waiting = "waiting";

    /// <summary>Claimed by a dispatcher; due again when its lease ends if no outcome is recorded.</summary>
    public const string Creating = "creating";

    /// <summary>The shop has it.</summary>
    public const string Created = "created";

    /// <summary>The shop refused it for good (or never answered): the redemption was reversed.</summary>
    public const string Refused = "refused";

    /// <summary>An order used the code (see the redemption's <see cref="RedemptionRecord.UsedOrderId"/>): it stays in the shop.</summary>
    public const string Used = "used";

    /// <summary>
    /// To be deleted from the shop (expired unused, or its redemption reversed): due at
    /// <see cref="DiscountOrder.DueAt"/>, or claimed by a dispatcher until then.
    /// </summary>
    public const string Deleting = "deleting";

    /// <summary>The shop no longer has it.</summary>
    public const string Deleted = "deleted";
}

/// <summary>How one call to the shop came out (<see cref="DiscountAttempted.Outcome"/>).</summary>
public static class DiscountOutcomes
{
    /// <summary>The shop created it (or already had it under this code).</summary>
    public const string Created = "created";

    /// <summary>A transient failure (429, throttled, 5xx, a timeout): try again after a backoff.</summary>
    public const string Retry = "retry";

    /// <summary>Refused for good (bad credentials, an invalid reward): reverse the redemption.</summary>
    public const string Refused = "refused";

    /// <summary>The shop deleted it (or no longer had it).</summary>
    public const string Deleted = "deleted";
}

/// <summary>The pure rules of discount creation; the channels are on where their settings are set.</summary>
public sealed record DiscountRules
{
    /// <summary>Shopify's Admin API is set up.</summary>
    public bool Shopify { get; init; }

    /// <summary>WooCommerce's REST keys are set up.</summary>
    public bool WooCommerce { get; init; }

    /// <summary>The <c>reward.redeemed</c> webhook is set up.</summary>
    public bool Webhook { get; init; }

    /// <summary>Calls to the shop before giving up and reversing the redemption.</summary>
    public int MaxAttempts { get; init; } = 12;

    /// <summary>Wait after the first transient failure; doubles with each attempt, at most an hour.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claim is left to its dispatcher before the discount is due again.</summary>
    public TimeSpan CreateLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Days a code stays valid when its reward names none.</summary>
    public int ValidityDays { get; init; } = 30;

    /// <summary>
    /// Whether the points of a code that expired unused come back (a reversal). Off by default,
    /// as in Smile.io, where an expired reward code is simply no longer valid.
    /// </summary>
    public bool RefundExpired { get; init; }

    /// <summary>The <see cref="DiscountOrder.DeleteReason"/> of a code deleted because it expired unused.</summary>
    public const string ExpiredReason = "expired unused";

    /// <summary>The wait after transient failure number <paramref name="attempt"/> (1, 2, ...).</summary>
    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, RetryDelay.Ticks * (1L << Math.Clamp(attempt - 1, 0, 20))));

    /// <summary>Problems with these rules, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add("Discounts:MaxAttempts: 1 to 100.");
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > TimeSpan.FromHours(1))
        {
            errors.Add("Discounts:RetryDelaySeconds: more than 0, at most 3600.");
        }

        if (CreateLease < TimeSpan.FromSeconds(1) || CreateLease > TimeSpan.FromHours(1))
        {
            errors.Add("Discounts:CreateLeaseSeconds: 1 to 3600.");
        }

        if (ValidityDays is < 1 or > 3650)
        {
            errors.Add("Discounts:ValidityDays: 1 to 3650.");
        }

        return errors;
    }

    /// <summary>
    /// The idempotency key of a member's redemption: 24 hex digits of SHA-256 over member and
    /// request id, the same on every attempt (the webhook's <c>X-Loyalty-Delivery</c>).
    /// </summary>
    public static string IdempotencyKey(string memberId, string requestId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("discount\n" + memberId + "\n" + requestId)))[..24];

    /// <summary>The id of the claim event for the discount of <paramref name="requestId"/> due at <paramref name="dueAt"/>.</summary>
    public static string DueEventId(string memberId, string requestId, DateTimeOffset dueAt) =>
        $"discount-due:{memberId}:{requestId}:{dueAt.UtcTicks}";

    /// <summary>The id of the outcome event of attempt <paramref name="attempt"/>.</summary>
    public static string AttemptEventId(string memberId, string requestId, int attempt) =>
        $"discount-done:{memberId}:{requestId}:{attempt}";
}

/// <summary>
/// The discount outbox row of one redemption (<c>discount|{requestId}</c> in the member's
/// partition), written in the redemption's commit and moved on by the dispatcher's decisions.
/// </summary>
public sealed record DiscountOrder
{
    /// <summary>The redemption's request id.</summary>
    public required string RequestId { get; init; }

    /// <summary>The reward redeemed.</summary>
    public required string RewardId { get; init; }

    /// <summary>The code, as created in the shop (unique there, which is what makes a retry safe).</summary>
    public required string Code { get; init; }

    /// <summary>One of <see cref="DiscountChannels"/>.</summary>
    public required string Channel { get; init; }

    /// <summary>Stable over every attempt (<see cref="DiscountRules.IdempotencyKey"/>).</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>What the reward gives.</summary>
    public RewardKind Kind { get; init; }

    /// <summary>The amount (currency) or percentage; for a free product, the most it takes off one unit, when set.</summary>
    public decimal? Value { get; init; }

    /// <summary>The program's currency.</summary>
    public string? Currency { get; init; }

    /// <summary>The shop's product or variant of a free product.</summary>
    public string? ProductId { get; init; }

    /// <summary>The reward's name, for the discount's title.</summary>
    public string? Title { get; init; }

    /// <summary>When the code stops working.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>One of <see cref="DiscountStatuses"/>.</summary>
    public string Status { get; init; } = DiscountStatuses.Waiting;

    /// <summary>Calls claimed so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When it is due for a (new) attempt; null once finished.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The last failure, or why it was refused (names no person).</summary>
    public string? Reason { get; init; }

    /// <summary>The shop's id of the discount (a Shopify gid, a WooCommerce coupon id).</summary>
    public string? ShopDiscountId { get; init; }

    /// <summary>When the redemption wrote it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the shop's creation was recorded.</summary>
    public DateTimeOffset? CreatedInShopAt { get; init; }

    /// <summary>Why it is deleted from the shop (<see cref="DiscountRules.ExpiredReason"/>, or the reversal's reason).</summary>
    public string? DeleteReason { get; init; }

    /// <summary>When the shop's deletion was recorded.</summary>
    public DateTimeOffset? DeletedAt { get; init; }
}

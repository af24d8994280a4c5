using Loyalty.Core;

namespace Loyalty.App.Intake;

/// <summary>What the intake made of one request: accepted events, an acknowledged no-op, or a refusal.</summary>
public abstract record IntakeResult
{
    /// <summary>
    /// For an accepted delivery that names itself (Shopify's <c>X-Shopify-Webhook-Id</c>): the
    /// key under which it is recorded once queued, so a repeat of it is acknowledged without effect.
    /// </summary>
    public string? DeliveryKey { get; init; }
}

/// <summary>The request maps to these events, in order; enqueue them all, then answer 202.</summary>
public sealed record IntakeAccepted(IReadOnlyList<LoyaltyEvent> Events) : IntakeResult;

/// <summary>
/// The request maps to events whose member the payload does not name (a Shopify refund carries
/// only its order id; its <c>user_id</c> is the staff member). The member is whoever placed
/// <see cref="OrderId"/> at <see cref="Source"/>, found through an order index keyed by
/// <see cref="OrderKey"/> (the same key <see cref="OrderKeys.Of"/> gives the purchase that
/// credited the order). Build the events with <see cref="ForMember"/> once the member is known,
/// or call <see cref="EventsForMember"/> with a placeholder that the queue processor resolves.
/// The events were validated with a stand-in member before this result was returned.
/// </summary>
/// <param name="Source">Where the order lives, e.g. <c>shopify:{shop}</c>.</param>
/// <param name="OrderId">The shop's order id, exactly as sent.</param>
/// <param name="EventsForMember">Builders that make each event for the member id found.</param>
public sealed record IntakeAcceptedByOrder(string Source, string OrderId, IReadOnlyList<Func<string, LoyaltyEvent>> EventsForMember) : IntakeResult
{
    /// <summary>The order-index key, equal to <see cref="OrderKeys.Of"/> of the purchase that credited this order.</summary>
    public string OrderKey => OrderKeys.For(Source, OrderId);

    /// <summary>The events for <paramref name="memberId"/>, which must be a valid key (see <see cref="Keys.IsValid"/>).</summary>
    public IReadOnlyList<LoyaltyEvent> ForMember(string memberId)
    {
        if (!Keys.IsValid(memberId))
        {
            throw new ArgumentException("Not a valid member id.", nameof(memberId));
        }

        return [.. EventsForMember.Select(build => build(memberId))];
    }
}

/// <summary>
/// A Shopify privacy request (<c>customers/redact</c>, <c>customers/data_request</c>,
/// <c>shop/redact</c>): record it durably, then answer 200; its work is done by the
/// <c>ProcessPrivacyRequests</c> job. It holds ids only, never the e-mail or phone sent.
/// <paramref name="Email"/> is the customer's e-mail when the body names no <c>customer.id</c>: the
/// webhook handler turns it into the directory's keyed hash before the request is stored, and
/// never keeps or logs it.
/// </summary>
public sealed record IntakePrivacyRequest(Storage.PrivacyRequest Request, string? Email = null) : IntakeResult;

/// <summary>Nothing to do (guest order, privacy topic, unpaid order, ping...); answer 200. <see cref="Reason"/> holds no personal data.</summary>
public sealed record IntakeIgnored(string Reason) : IntakeResult;

/// <summary>
/// The request is refused; answer an RFC 7807 problem with <see cref="Status"/> (400, 401 or 413).
/// <see cref="Type"/> is a stable slug (see <see cref="ProblemTypes"/>), <see cref="Field"/> the
/// JSON path or header at fault. <see cref="Detail"/> never echoes secrets or personal data.
/// </summary>
public sealed record IntakeRejected(int Status, string Type, string Title, string Detail, string? Field = null) : IntakeResult;

/// <summary>The stable <see cref="IntakeRejected.Type"/> slugs.</summary>
public static class ProblemTypes
{
    /// <summary>401: the signature header is missing or does not match the body.</summary>
    public const string InvalidSignature = "invalid-signature";

    /// <summary>400: the body is not well-formed UTF-8 JSON.</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>400: a field is missing, of the wrong type or out of range.</summary>
    public const string InvalidField = "invalid-field";

    /// <summary>400: a required header is missing or malformed (other than the signature).</summary>
    public const string InvalidHeader = "invalid-header";

    /// <summary>400: the webhook topic is missing or not one this service handles.</summary>
    public const string UnknownTopic = "unknown-topic";

    /// <summary>400: the envelope's event type is not accepted from outside.</summary>
    public const string UnknownType = "unknown-type";

    /// <summary>413: the body is larger than <see cref="IntakeLimits.MaxBodyBytes"/>.</summary>
    public const string PayloadTooLarge = "payload-too-large";
}

/// <summary>The <see cref="IntakeIgnored.Reason"/> texts.</summary>
public static class IgnoreReasons
{
    /// <summary>The order has no customer account, so no member to credit.</summary>
    public const string GuestOrder = "guest order";

    /// <summary>The order was never paid, so it earned nothing (and a cancellation takes nothing back).</summary>
    public const string OrderNotPaid = "order not paid";

    /// <summary>The order was already cancelled when the payment was reported.</summary>
    public const string OrderCancelled = "order cancelled";

    /// <summary>The order has no line that earns points (e.g. only gift cards).</summary>
    public const string NoEarningLines = "no earning lines";

    /// <summary>A refund of no merchandise and no money (e.g. a restock only).</summary>
    public const string NothingRefunded = "nothing refunded";

    /// <summary>A Shopify privacy (GDPR) topic, acknowledged.</summary>
    public const string PrivacyTopic = "privacy topic acknowledged";

    /// <summary>The WooCommerce delivery check sent when a webhook is created.</summary>
    public const string Ping = "ping";

    /// <summary>A WooCommerce order was deleted or trashed.</summary>
    public const string OrderDeleted = "order deleted";

    /// <summary>An order status this service does not know (e.g. a plugin's custom status).</summary>
    public const string UnrecognisedStatus = "unrecognised order status";

    /// <summary>A webhook topic or event this service does not use (acknowledged so the shop does not retry it).</summary>
    public const string UnhandledTopic = "topic not used";

    /// <summary>A Shopify test order (<c>test: true</c>), which earns nothing unless test orders are allowed.</summary>
    public const string TestOrder = "test order";

    /// <summary>A delivery already queued once (same delivery id), acknowledged without effect.</summary>
    public const string DuplicateDelivery = "delivery already received";
}

/// <summary>Builds the refusals, so titles and statuses stay the same everywhere.</summary>
internal static class IntakeProblems
{
    public static IntakeRejected TooLarge() => new(
        413, ProblemTypes.PayloadTooLarge, "Payload too large", $"The body exceeds {IntakeLimits.MaxBodyBytes} bytes.");

    public static IntakeRejected MissingSignature(string header) => new(
        401, ProblemTypes.InvalidSignature, "Invalid signature", $"The {header} header is missing.", header);

    public static IntakeRejected BadSignature(string header) => new(
        401, ProblemTypes.InvalidSignature, "Invalid signature", $"The {header} header does not match the body.", header);

    public static IntakeRejected Malformed(string field, string message) => new(
        400, ProblemTypes.MalformedJson, "Malformed JSON", $"{field}: {message}", field);

    public static IntakeRejected InvalidField(string field, string message) => new(
        400, ProblemTypes.InvalidField, "Invalid field", $"{field}: {message}", field);

    public static IntakeRejected InvalidHeader(string header, string message) => new(
        400, ProblemTypes.InvalidHeader, "Invalid header", $"{header}: {message}", header);

    public static IntakeRejected UnknownTopic(string header, string message) => new(
        400, ProblemTypes.UnknownTopic, "Unknown topic", $"{header}: {message}", header);

    public static IntakeRejected UnknownType(string message) => new(
        400, ProblemTypes.UnknownType, "Unknown type", $"type: {message}", "type");
}

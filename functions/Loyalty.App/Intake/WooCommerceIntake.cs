using System.Text.Json;
using System.Text.RegularExpressions;
using Loyalty.Core;

namespace Loyalty.App.Intake;

/// <summary>
/// Turns a WooCommerce order webhook (<c>order.created</c>, <c>order.updated</c>,
/// <c>order.restored</c>; <c>order.deleted</c> is acknowledged) into events. The body is the
/// order as the REST API returns it; a refund arrives as <c>order.updated</c> with a new entry
/// in <c>refunds[]</c>. Checks in order: size, <c>X-WC-Webhook-Signature</c> (base64 HMAC-SHA256
/// of the raw body; only the unsigned creation ping passes without one), JSON, topic and fields.
/// </summary>
public static partial class WooCommerceIntake
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-WC-Webhook-Signature";

    /// <summary>The topic header, e.g. <c>order.updated</c>.</summary>
    public const string TopicHeader = "X-WC-Webhook-Topic";

    /// <summary>The shop's URL; its host names the shop in event ids.</summary>
    public const string SourceHeader = "X-WC-Webhook-Source";

    /// <summary>Prefix of member ids made from WooCommerce customer ids.</summary>
    public const string MemberPrefix = "woo-";

    private const int MaxPingIdDigits = 19;

    /// <summary>Maps one WooCommerce webhook delivery. Never throws for any body or headers.</summary>
    public static IntakeResult Handle(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string? secret, DateTimeOffset receivedAt)
    {
        if (body.Length > IntakeLimits.MaxBodyBytes)
        {
            return IntakeProblems.TooLarge();
        }

        var signature = HeaderLookup.Get(headers, SignatureHeader);
        var topic = HeaderLookup.Get(headers, TopicHeader);
        if (signature is null)
        {
            // WooCommerce checks a new webhook with an unsigned form post, webhook_id=<n>, and
            // keeps it pending until that is answered 200. Nothing else passes unsigned.
            return topic is null && IsPing(body) ? new IntakeIgnored(IgnoreReasons.Ping) : IntakeProblems.MissingSignature(SignatureHeader);
        }

        if (!Signatures.VerifyBase64HmacSha256(body, signature, secret))
        {
            return IntakeProblems.BadSignature(SignatureHeader);
        }

        if (!JsonBody.TryParse(body, out var document, out var malformed))
        {
            return malformed;
        }

        using (document)
        {
            return Route(headers, topic, document.RootElement, receivedAt);
        }
    }

    /// <summary>Whether <paramref name="body"/> is exactly <c>webhook_id=</c> and 1 to 19 digits.</summary>
    public static bool IsPing(ReadOnlySpan<byte> body)
    {
        var prefix = "webhook_id="u8;
        if (!body.StartsWith(prefix))
        {
            return false;
        }

        var digits = body[prefix.Length..];
        return digits.Length is > 0 and <= MaxPingIdDigits && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    private static IntakeResult Route(IReadOnlyDictionary<string, string> headers, string? topic, JsonElement root, DateTimeOffset receivedAt)
    {
        switch (topic)
        {
            case null:
                return IntakeProblems.UnknownTopic(TopicHeader, "required.");
            case "order.deleted":
                return new IntakeIgnored(IgnoreReasons.OrderDeleted);
            case "order.created" or "order.updated" or "order.restored":
                break;
            default:
                // Other resources and events (product.updated, customer.created, action.*) are
                // acknowledged: WooCommerce disables a webhook after repeated failed deliveries.
                return TopicShape().IsMatch(topic)
                    ? new IntakeIgnored(IgnoreReasons.UnhandledTopic)
                    : IntakeProblems.UnknownTopic(TopicHeader, "expected a WooCommerce topic such as order.updated.");
        }

        var sourceHeader = HeaderLookup.Get(headers, SourceHeader);
        if (sourceHeader is null)
        {
            return IntakeProblems.InvalidHeader(SourceHeader, "required.");
        }

        if (SourceOf(sourceHeader) is not { } source)
        {
            return IntakeProblems.InvalidHeader(SourceHeader, "expected the shop's http(s) URL.");
        }

        var fields = new FieldReader();
        return fields.IsObject(root) ? Order(fields, root, source, receivedAt) : fields.Rejection!;
    }

    /// <summary>The lower-case host of the shop's URL (IDN hosts in their ASCII form), or null.</summary>
    private static string? SourceOf(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return null;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        return Keys.IsValid(host) ? host : null;
    }

    private static IntakeResult Order(FieldReader fields, JsonElement order, string source, DateTimeOffset receivedAt)
    {
        var orderId = fields.Id(order, "id", "", required: true);
        var customerId = fields.Id(order, "customer_id", "");
        if (orderId is not null && !Keys.IsValidOrderId(orderId))
        {
            fields.Fail("id", $"expected an order id: a whole number, or {Keys.OrderIdRule}.");
        }

        if (customerId is not null && !Keys.IsValidMemberId(MemberPrefix + customerId))
        {
            fields.Fail("customer_id", $"expected a customer id: at most {Keys.MaxMemberIdLength - MemberPrefix.Length} digits or letters, - _ . : =.");
        }

        var status = fields.Text(order, "status", "", required: true);
        var modifiedAt = fields.Timestamp(order, "date_modified_gmt", "");
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (customerId is null or "0")
        {
            return new IntakeIgnored(IgnoreReasons.GuestOrder);
        }

        var memberId = MemberPrefix + customerId;
        var orderKey = $"woo:{source}:order:{orderId}";
        switch (status)
        {
            case "processing" or "completed" or "refunded":
                break;
            case "cancelled":
                // date_paid is set when payment completes; only a paid order earned anything to take back.
                if (!FieldReader.Has(order, "date_paid") && !FieldReader.Has(order, "date_paid_gmt"))
                {
                    return new IntakeIgnored(IgnoreReasons.OrderNotPaid);
                }

                return Mapped.Accept(receivedAt, new OrderCancelled($"{orderKey}:cancelled", memberId, modifiedAt ?? receivedAt, orderId!));
            case "pending" or "on-hold" or "failed" or "draft" or "checkout-draft":
                return new IntakeIgnored(IgnoreReasons.OrderNotPaid);
            default:
                return new IntakeIgnored(IgnoreReasons.UnrecognisedStatus);
        }

        var currency = fields.Currency(order, "currency", "");
        var lines = new List<OrderLine>();
        foreach (var (item, at) in fields.Objects(order, "line_items", "", required: true))
        {
            var lineId = fields.Id(item, "id", at, required: true);
            var quantity = fields.Count(item, "quantity", at, min: 1);

            // subtotal is before coupons, total after; both exclude tax.
            var subtotal = fields.Money(item, "subtotal", at, required: true);
            var total = fields.Money(item, "total", at, required: true);
            var sku = fields.Text(item, "sku", at);
            if (fields.Failed)
            {
                return fields.Rejection!;
            }

            var (unitPrice, discount) = Split(quantity!.Value, subtotal!.Value, total!.Value);
            lines.Add(new OrderLine(lineId!, sku, null, quantity.Value, unitPrice, discount));
        }

        var orderTotal = fields.Money(order, "total", "", required: true);
        var paidAt = fields.Timestamp(order, "date_paid_gmt", "");
        var profile = Profile(fields, order);
        var codes = fields.Codes(order, "coupon_lines");
        var refunds = new List<LoyaltyEvent>();
        foreach (var (entry, at) in fields.Objects(order, "refunds", ""))
        {
            var refundId = fields.Id(entry, "id", at, required: true);

            // The order lists each refund as a negative total; its lines are not in the order body.
            var amount = fields.Money(entry, "total", at, required: true, allowNegative: true);
            if (amount is { } refunded && refunded != 0m)
            {
                refunds.Add(new OrderRefunded($"{orderKey}:refund:{refundId}", memberId, modifiedAt ?? receivedAt, orderId!, refundId!, [], Math.Abs(refunded)));
            }
        }

        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (status == "refunded")
        {
            refunds.Add(new OrderRefunded($"{orderKey}:refunded", memberId, modifiedAt ?? receivedAt, orderId!, "refunded", [], 0m, Full: true));
        }

        var events = new List<LoyaltyEvent>();
        if (lines.Count > 0)
        {
            events.Add(new PurchaseCompleted($"{orderKey}:paid", memberId, paidAt ?? modifiedAt ?? receivedAt, orderId!, currency!, lines, orderTotal!.Value, profile, codes));
        }

        events.AddRange(refunds);
        return events.Count == 0 ? new IntakeIgnored(IgnoreReasons.NoEarningLines) : Mapped.Accept(receivedAt, events);
    }

    /// <summary>
    /// Unit price and line discount such that quantity × unit price − discount is exactly the
    /// line total. When the subtotal does not divide evenly by the quantity the unit price is
    /// rounded up in the tenth decimal, and the discount takes up the difference.
    /// </summary>
    private static (decimal UnitPrice, decimal Discount) Split(int quantity, decimal subtotal, decimal total)
    {
        var gross = Math.Max(subtotal, total);
        var unitPrice = gross / quantity;
        if (unitPrice * quantity != gross)
        {
            const decimal scale = 10_000_000_000m;
            unitPrice = Math.Ceiling(unitPrice * scale) / scale;
        }

        return (unitPrice, (unitPrice * quantity) - total);
    }

    private static MemberProfile? Profile(FieldReader fields, JsonElement order)
    {
        if (fields.Object(order, "billing", "") is not { } billing)
        {
            return null;
        }

        var profile = new MemberProfile(
            fields.Text(billing, "email", "billing"),
            fields.Text(billing, "first_name", "billing"),
            fields.Text(billing, "last_name", "billing"),
            Phone: fields.Text(billing, "phone", "billing") is { Length: > 0 } phone ? phone : null);
        return profile == MemberProfile.Empty ? null : profile;
    }

    // Resource and event as WooCommerce names them (action.woocommerce_... included).
    [GeneratedRegex("^[a-z_]{1,50}\\.[a-z0-9_]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicShape();
}

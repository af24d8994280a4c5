using System.Text.Json;
using System.Text.RegularExpressions;
using Loyalty.Core;

namespace Loyalty.App.Intake;

/// <summary>
/// Turns a Shopify webhook (<c>orders/paid</c>, <c>refunds/create</c>, <c>orders/cancelled</c> and the
/// privacy topics) into events. Checks in order: size, <c>X-Shopify-Hmac-Sha256</c> (base64
/// HMAC-SHA256 of the raw body), JSON, topic and fields; then maps.
/// </summary>
public static partial class ShopifyIntake
{
    /// <summary>The signature header.</summary>
    public const string HmacHeader = "X-Shopify-Hmac-Sha256";

    /// <summary>The topic header, e.g. <c>orders/paid</c>.</summary>
    public const string TopicHeader = "X-Shopify-Topic";

    /// <summary>The shop header, e.g. <c>acme.myshopify.com</c>.</summary>
    public const string ShopDomainHeader = "X-Shopify-Shop-Domain";

    /// <summary>Prefix of member ids made from Shopify customer ids.</summary>
    public const string MemberPrefix = "shopify-";

    // financial_status values of an order that was paid (a refunded order was paid before it was refunded).
    private static readonly HashSet<string> Earning = new(StringComparer.Ordinal) { "paid", "partially_refunded", "refunded" };

    // financial_status values of an order that never took money: cancelling it takes nothing back.
    private static readonly HashSet<string> NeverPaid = new(StringComparer.Ordinal) { "pending", "authorized", "voided", "expired" };

    private static readonly HashSet<string> PrivacyTopics = new(StringComparer.Ordinal) { "customers/redact", "customers/data_request", "shop/redact" };

    /// <summary>Maps one Shopify webhook delivery. Never throws for any body or headers.</summary>
    public static IntakeResult Handle(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string? secret, DateTimeOffset receivedAt)
    {
        if (body.Length > IntakeLimits.MaxBodyBytes)
        {
            return IntakeProblems.TooLarge();
        }

        var signature = HeaderLookup.Get(headers, HmacHeader);
        if (signature is null)
        {
            return IntakeProblems.MissingSignature(HmacHeader);
        }

        if (!Signatures.VerifyBase64HmacSha256(body, signature, secret))
        {
            return IntakeProblems.BadSignature(HmacHeader);
        }

        if (!JsonBody.TryParse(body, out var document, out var malformed))
        {
            return malformed;
        }

        using (document)
        {
            return Route(headers, document.RootElement, receivedAt);
        }
    }

    private static IntakeResult Route(IReadOnlyDictionary<string, string> headers, JsonElement root, DateTimeOffset receivedAt)
    {
        var topic = HeaderLookup.Get(headers, TopicHeader);
        if (topic is null)
        {
            return IntakeProblems.UnknownTopic(TopicHeader, "required.");
        }

        if (PrivacyTopics.Contains(topic))
        {
            return new IntakeIgnored(IgnoreReasons.PrivacyTopic);
        }

        if (topic is not ("orders/paid" or "orders/cancelled" or "refunds/create"))
        {
            return IntakeProblems.UnknownTopic(TopicHeader, "not a topic this service handles (orders/paid, orders/cancelled, refunds/create, privacy topics).");
        }

        var shop = HeaderLookup.Get(headers, ShopDomainHeader)?.ToLowerInvariant();
        if (shop is null)
        {
            return IntakeProblems.InvalidHeader(ShopDomainHeader, "required.");
        }

        if (!ShopDomain().IsMatch(shop))
        {
            return IntakeProblems.InvalidHeader(ShopDomainHeader, "expected a shop domain such as name.myshopify.com.");
        }

        var fields = new FieldReader();
        if (!fields.IsObject(root))
        {
            return fields.Rejection!;
        }

        return topic switch
        {
            "orders/paid" => Paid(fields, root, shop, receivedAt),
            "orders/cancelled" => Cancelled(fields, root, shop, receivedAt),
            _ => Refund(fields, root, shop, receivedAt),
        };
    }

    private static IntakeResult Paid(FieldReader fields, JsonElement order, string shop, DateTimeOffset receivedAt)
    {
        var orderId = fields.Id(order, "id", "", required: true);
        var status = fields.Text(order, "financial_status", "");
        var customerId = CustomerId(fields, order);
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (customerId is null)
        {
            return new IntakeIgnored(IgnoreReasons.GuestOrder);
        }

        // No status at all: trust the topic. A status that is not a paid one (the published
        // sample is "voided") earns nothing: when the order is paid later, Shopify sends
        // orders/paid again with the same order id, hence the same event id.
        if (status is not null && !Earning.Contains(status))
        {
            return new IntakeIgnored(IgnoreReasons.OrderNotPaid);
        }

        if (FieldReader.Has(order, "cancelled_at"))
        {
            return new IntakeIgnored(IgnoreReasons.OrderCancelled);
        }

        var currency = fields.Currency(order, "currency", "");
        var taxesIncluded = fields.Flag(order, "taxes_included", "") ?? false;
        var lines = new List<OrderLine>();
        foreach (var (item, at) in fields.Objects(order, "line_items", "", required: true))
        {
            // Buying a gift card earns nothing; spending it later does.
            if (fields.Flag(item, "gift_card", at) == true)
            {
                continue;
            }

            var lineId = fields.Id(item, "id", at, required: true);
            var quantity = fields.Count(item, "quantity", at, min: 1);
            var price = fields.Money(item, "price", at, required: true);
            var discount = Sum(fields, item, "discount_allocations", "amount", at);

            // With tax-inclusive prices the line's tax is inside its price: count it as a
            // discount so the line's merchandise excludes tax, as it does for other shops.
            if (taxesIncluded)
            {
                discount += Sum(fields, item, "tax_lines", "price", at);
            }

            var sku = fields.Text(item, "sku", at);
            var category = fields.Text(item, "product_type", at);
            if (fields.Failed)
            {
                return fields.Rejection!;
            }

            lines.Add(new OrderLine(lineId!, sku, category, quantity!.Value, price!.Value, discount));
        }

        var total = fields.Money(order, "current_total_price", "") ?? fields.Money(order, "total_price", "", required: true);
        var occurredAt = fields.Timestamp(order, "processed_at", "")
            ?? fields.Timestamp(order, "updated_at", "")
            ?? fields.Timestamp(order, "created_at", "")
            ?? receivedAt;
        var profile = Profile(fields, order);
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (lines.Count == 0)
        {
            return new IntakeIgnored(IgnoreReasons.NoEarningLines);
        }

        var purchase = new PurchaseCompleted(
            $"shopify:{shop}:order:{orderId}:paid", MemberPrefix + customerId, occurredAt, orderId!, currency!, lines, total!.Value, profile);
        return Mapped.Accept(receivedAt, purchase);
    }

    private static IntakeResult Cancelled(FieldReader fields, JsonElement order, string shop, DateTimeOffset receivedAt)
    {
        var orderId = fields.Id(order, "id", "", required: true);
        var status = fields.Text(order, "financial_status", "");
        var customerId = CustomerId(fields, order);
        var occurredAt = fields.Timestamp(order, "cancelled_at", "") ?? fields.Timestamp(order, "updated_at", "") ?? receivedAt;
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (customerId is null)
        {
            return new IntakeIgnored(IgnoreReasons.GuestOrder);
        }

        if (status is not null && NeverPaid.Contains(status))
        {
            return new IntakeIgnored(IgnoreReasons.OrderNotPaid);
        }

        var cancelled = new OrderCancelled($"shopify:{shop}:order:{orderId}:cancelled", MemberPrefix + customerId, occurredAt, orderId!);
        return Mapped.Accept(receivedAt, cancelled);
    }

    /// <summary>
    /// A refund names its order but not the customer (its <c>user_id</c> is the staff member
    /// who refunded), so the events are built once the caller has looked the member up by order.
    /// </summary>
    private static IntakeResult Refund(FieldReader fields, JsonElement refund, string shop, DateTimeOffset receivedAt)
    {
        var refundId = fields.Id(refund, "id", "", required: true);
        var orderId = fields.Id(refund, "order_id", "", required: true);
        var occurredAt = fields.Timestamp(refund, "processed_at", "") ?? fields.Timestamp(refund, "created_at", "") ?? receivedAt;
        var lines = new List<RefundLine>();
        foreach (var (item, at) in fields.Objects(refund, "refund_line_items", ""))
        {
            var lineId = fields.Id(item, "line_item_id", at, required: true);
            var quantity = fields.Count(item, "quantity", at, min: 0);

            // subtotal: what the line's refunded units cost after their discounts, excluding tax.
            var amount = fields.Money(item, "subtotal", at, required: true);
            if (fields.Failed)
            {
                return fields.Rejection!;
            }

            lines.Add(new RefundLine(lineId!, quantity!.Value, amount!.Value));
        }

        // Without lines the refund is money only: what was actually paid back.
        var refunded = 0m;
        if (lines.Count == 0)
        {
            foreach (var (transaction, at) in fields.Objects(refund, "transactions", ""))
            {
                var kind = fields.Text(transaction, "kind", at);
                var status = fields.Text(transaction, "status", at);
                var amount = fields.Money(transaction, "amount", at, required: kind == "refund" && status == "success");
                if (kind == "refund" && status == "success" && amount is { } paidBack)
                {
                    refunded += paidBack;
                }
            }
        }

        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (refunded == 0m && lines.All(l => l.Amount == 0m))
        {
            return new IntakeIgnored(IgnoreReasons.NothingRefunded);
        }

        var eventId = $"shopify:{shop}:order:{orderId}:refund:{refundId}";
        var refundLines = lines.ToArray();
        Func<string, LoyaltyEvent> build = memberId => new OrderRefunded(eventId, memberId, occurredAt, orderId!, refundId!, refundLines, refunded);

        // Validate now with a stand-in member, so a bad refund is refused before any lookup.
        if (Mapped.Accept(receivedAt, build(MemberPrefix + "0")) is IntakeRejected invalid)
        {
            return invalid;
        }

        return new IntakeAcceptedByOrder($"shopify:{shop}", orderId!, [build]);
    }

    /// <summary>The customer id, or null for a guest order (no customer, or one without an id).</summary>
    private static string? CustomerId(FieldReader fields, JsonElement order)
    {
        var customer = fields.Object(order, "customer", "");
        return customer is { } c ? fields.Id(c, "id", "customer") : null;
    }

    private static MemberProfile? Profile(FieldReader fields, JsonElement order)
    {
        if (fields.Object(order, "customer", "") is not { } customer)
        {
            return null;
        }

        var profile = new MemberProfile(
            fields.Text(customer, "email", "customer"),
            fields.Text(customer, "first_name", "customer"),
            fields.Text(customer, "last_name", "customer"));
        return profile == MemberProfile.Empty ? null : profile;
    }

    private static decimal Sum(FieldReader fields, JsonElement item, string array, string amount, string at)
    {
        var sum = 0m;
        foreach (var (entry, entryAt) in fields.Objects(item, array, at))
        {
            sum += fields.Money(entry, amount, entryAt, required: true) ?? 0m;
        }

        return sum;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?\\.myshopify\\.com$", RegexOptions.CultureInvariant)]
    private static partial Regex ShopDomain();
}

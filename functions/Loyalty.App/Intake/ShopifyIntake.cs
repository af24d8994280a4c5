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
    /// <summary>The signature header (also read as <c>shopify-hmac-sha256</c>, the name Shopify's newer libraries use).</summary>
    public const string HmacHeader = "X-Shopify-Hmac-Sha256";

    /// <summary>The topic header, e.g. <c>orders/paid</c> (also read as <c>shopify-topic</c>).</summary>
    public const string TopicHeader = "X-Shopify-Topic";

    /// <summary>The shop header, e.g. <c>acme.myshopify.com</c> (also read as <c>shopify-shop-domain</c>).</summary>
    public const string ShopDomainHeader = "X-Shopify-Shop-Domain";

    /// <summary>The delivery id header, the same on every retry of one delivery (also read as <c>shopify-webhook-id</c>).</summary>
    public const string WebhookIdHeader = "X-Shopify-Webhook-Id";

    /// <summary>Longest delivery id accepted (Shopify sends a UUID).</summary>
    public const int MaxWebhookIdLength = 64;

    /// <summary>Prefix of member ids made from Shopify customer ids.</summary>
    public const string MemberPrefix = "shopify-";

    // financial_status values of an order that was paid (a refunded order was paid before it was refunded).
    private static readonly HashSet<string> Earning = new(StringComparer.Ordinal) { "paid", "partially_refunded", "refunded" };

    // financial_status values of an order that never took money: cancelling it takes nothing back.
    private static readonly HashSet<string> NeverPaid = new(StringComparer.Ordinal) { "pending", "authorized", "voided", "expired" };

    private static readonly HashSet<string> PrivacyTopics = new(StringComparer.Ordinal) { "customers/redact", "customers/data_request", "shop/redact" };

    /// <summary>Maps one Shopify webhook delivery; test orders earn nothing. Never throws for any body or headers.</summary>
    public static IntakeResult Handle(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string? secret, DateTimeOffset receivedAt) =>
        Handle(headers, body, secret, receivedAt, acceptTestOrders: false);

    /// <summary>
    /// Maps one Shopify webhook delivery. Orders marked <c>test: true</c> (and refunds paid back
    /// only by test transactions) are acknowledged without effect unless <paramref name="acceptTestOrders"/>.
    /// An accepted delivery carries its <see cref="IntakeResult.DeliveryKey"/> when
    /// <see cref="WebhookIdHeader"/> was sent. Never throws for any body or headers.
    /// </summary>
    public static IntakeResult Handle(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string? secret, DateTimeOffset receivedAt, bool acceptTestOrders)
    {
        if (body.Length > IntakeLimits.MaxBodyBytes)
        {
            return IntakeProblems.TooLarge();
        }

        if (!Header(headers, HmacHeader, out var signature, out var conflict))
        {
            return conflict;
        }

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
            return Route(headers, document.RootElement, receivedAt, acceptTestOrders);
        }
    }

    /// <summary>
    /// Reads <paramref name="name"/> under its <c>X-</c> name or the bare one Shopify's newer
    /// libraries use, in any case. Both present with different values is refused: the headers
    /// are not signed, so an ambiguous one must not be resolved in the sender's favour.
    /// </summary>
    private static bool Header(IReadOnlyDictionary<string, string> headers, string name, out string? value, out IntakeRejected conflict)
    {
        var prefixed = HeaderLookup.Get(headers, name);
        var bare = HeaderLookup.Get(headers, name["X-".Length..]);
        conflict = null!;
        if (prefixed is not null && bare is not null && !string.Equals(prefixed, bare, StringComparison.Ordinal))
        {
            value = null;
            conflict = name == HmacHeader
                ? IntakeProblems.BadSignature(HmacHeader)
                : IntakeProblems.InvalidHeader(name, $"sent twice ({name} and {name["X-".Length..].ToLowerInvariant()}) with different values.");
            return false;
        }

        value = prefixed ?? bare;
        return true;
    }

    private static IntakeResult Route(IReadOnlyDictionary<string, string> headers, JsonElement root, DateTimeOffset receivedAt, bool acceptTestOrders)
    {
        if (!Header(headers, TopicHeader, out var topic, out var conflict))
        {
            return conflict;
        }

        if (topic is null)
        {
            return IntakeProblems.UnknownTopic(TopicHeader, "required.");
        }

        if (PrivacyTopics.Contains(topic))
        {
            return Privacy(headers, root, topic, receivedAt);
        }

        if (topic is not ("orders/paid" or "orders/cancelled" or "refunds/create"))
        {
            // Any other topic Shopify may send (orders/create, orders/updated, products/...) is
            // acknowledged: an error answer would be retried and finally cost the subscription.
            return TopicShape().IsMatch(topic)
                ? new IntakeIgnored(IgnoreReasons.UnhandledTopic)
                : IntakeProblems.UnknownTopic(TopicHeader, "expected a Shopify topic such as orders/paid.");
        }

        if (!Header(headers, ShopDomainHeader, out var shopHeader, out conflict))
        {
            return conflict;
        }

        var shop = shopHeader?.ToLowerInvariant();
        if (shop is null)
        {
            return IntakeProblems.InvalidHeader(ShopDomainHeader, "required.");
        }

        if (!ShopDomain().IsMatch(shop))
        {
            return IntakeProblems.InvalidHeader(ShopDomainHeader, "expected a shop domain such as name.myshopify.com.");
        }

        if (!Header(headers, WebhookIdHeader, out var webhookId, out conflict))
        {
            return conflict;
        }

        if (webhookId is not null && (webhookId.Length > MaxWebhookIdLength || !Keys.IsValid(webhookId)))
        {
            return IntakeProblems.InvalidHeader(WebhookIdHeader, $"expected {Keys.Rule(MaxWebhookIdLength)} (Shopify sends a UUID).");
        }

        var fields = new FieldReader();
        if (!fields.IsObject(root))
        {
            return fields.Rejection!;
        }

        // The topic header is not signed: the body must be of the topic's own shape, so a signed
        // body resent under another topic is refused rather than read as something it is not.
        var result = topic switch
        {
            "orders/paid" => RefundShaped(fields, root) ?? Paid(fields, root, shop, receivedAt, acceptTestOrders),
            "orders/cancelled" => RefundShaped(fields, root) ?? Cancelled(fields, root, shop, receivedAt, acceptTestOrders),
            _ => OrderShaped(fields, root) ?? Refund(fields, root, shop, receivedAt, acceptTestOrders),
        };
        return webhookId is not null && result is IntakeAccepted or IntakeAcceptedByOrder
            ? result with { DeliveryKey = $"shopify:{shop}:webhook:{webhookId}" }
            : result;
    }

    /// <summary>Most orders one privacy request may list (the ids are kept on the request's row).</summary>
    public const int MaxPrivacyOrders = 1000;

    /// <summary>
    /// A privacy topic in Shopify's published shape: <c>shop_domain</c> (else the shop header),
    /// and for the customers topics <c>customer.id</c>, the orders (<c>orders_to_redact</c>,
    /// <c>orders_requested</c>) and <c>data_request.id</c>. The e-mail and phone sent are not kept;
    /// the e-mail is passed on (to be hashed) only when there is no customer id.
    /// The request id comes from the shop and the webhook id, or the body when no id was sent,
    /// so a retried delivery names the same request.
    /// </summary>
    private static IntakeResult Privacy(IReadOnlyDictionary<string, string> headers, JsonElement root, string topic, DateTimeOffset receivedAt)
    {
        if (!Header(headers, ShopDomainHeader, out var shopHeader, out var conflict) || !Header(headers, WebhookIdHeader, out var webhookId, out conflict))
        {
            return conflict;
        }

        if (webhookId is not null && (webhookId.Length > MaxWebhookIdLength || !Keys.IsValid(webhookId)))
        {
            return IntakeProblems.InvalidHeader(WebhookIdHeader, $"expected {Keys.Rule(MaxWebhookIdLength)} (Shopify sends a UUID).");
        }

        var fields = new FieldReader();
        if (!fields.IsObject(root))
        {
            return fields.Rejection!;
        }

        var shop = (fields.Text(root, "shop_domain", "") ?? shopHeader)?.ToLowerInvariant();
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (shop is null || !ShopDomain().IsMatch(shop))
        {
            fields.Fail("shop_domain", "expected the shop's domain such as name.myshopify.com.");
            return fields.Rejection!;
        }

        string? customerId = null;
        string? email = null;
        string? dataRequestId = null;
        var orders = new List<string>();
        if (topic == "shop/redact")
        {
            if (FieldReader.Has(root, "customer"))
            {
                fields.Fail("customer", "a customer request's body, not a shop's; it does not fit shop/redact.");
                return fields.Rejection!;
            }
        }
        else
        {
            var customer = fields.Object(root, "customer", "", required: true);
            customerId = CustomerId(fields, root);

            // Without a customer id, the e-mail is the only way to the member (the directory's keyed hash of it).
            if (customerId is null && customer is { } who && fields.Text(who, "email", "customer") is { Length: > 2 and <= 320 } sent && sent.Contains('@', StringComparison.Ordinal))
            {
                email = sent;
            }
            var list = topic == "customers/redact" ? "orders_to_redact" : "orders_requested";
            if (root.TryGetProperty(list, out var ids) && ids.ValueKind != JsonValueKind.Null)
            {
                if (ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() > MaxPrivacyOrders)
                {
                    fields.Fail(list, $"expected an array of at most {MaxPrivacyOrders} order ids.");
                }
                else
                {
                    var n = 0;
                    foreach (var id in ids.EnumerateArray())
                    {
                        var text = id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                        if (!Keys.IsValidOrderId(text))
                        {
                            fields.Fail($"{list}[{n}]", $"expected an order id: a whole number, or {Keys.OrderIdRule}.");
                            break;
                        }

                        orders.Add(text!);
                        n++;
                    }
                }
            }

            if (topic == "customers/data_request" && fields.Object(root, "data_request", "") is { } request)
            {
                dataRequestId = fields.Id(request, "id", "data_request");
            }
        }

        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        var origin = topic + "\n" + (webhookId is not null ? "webhook\n" + webhookId : root.GetRawText());
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(shop + "\n" + origin));
        var requestId = "pr-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
        return new IntakePrivacyRequest(new Storage.PrivacyRequest(requestId, topic, shop, customerId, [.. orders.Distinct(StringComparer.Ordinal)], dataRequestId, receivedAt), email);
    }

    /// <summary>A refusal when an order topic carries a refund's body (a refund has <c>order_id</c> and <c>refund_line_items</c>).</summary>
    private static IntakeRejected? RefundShaped(FieldReader fields, JsonElement body)
    {
        if (body.TryGetProperty("order_id", out _) || body.TryGetProperty("refund_line_items", out _))
        {
            fields.Fail("body", "a refund's body, not an order's; it does not fit this topic.");
            return fields.Rejection;
        }

        return null;
    }

    /// <summary>A refusal when refunds/create carries an order's body, or a body without a refund's lines.</summary>
    private static IntakeRejected? OrderShaped(FieldReader fields, JsonElement body)
    {
        if (body.TryGetProperty("line_items", out _) || body.TryGetProperty("financial_status", out _))
        {
            fields.Fail("body", "an order's body, not a refund's; it does not fit this topic.");
            return fields.Rejection;
        }

        if (!body.TryGetProperty("refund_line_items", out _))
        {
            fields.Fail("refund_line_items", "required for refunds/create (may be empty).");
            return fields.Rejection;
        }

        return null;
    }

    /// <summary>Whether the order is a test order that must earn nothing.</summary>
    private static bool IsTest(FieldReader fields, JsonElement order, bool acceptTestOrders) =>
        fields.Flag(order, "test", "") == true && !acceptTestOrders;

    private static IntakeResult Paid(FieldReader fields, JsonElement order, string shop, DateTimeOffset receivedAt, bool acceptTestOrders)
    {
        var orderId = OrderId(fields, order, "id");
        var status = fields.Text(order, "financial_status", "");
        var customerId = CustomerId(fields, order);
        var test = IsTest(fields, order, acceptTestOrders);
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

        if (test)
        {
            return new IntakeIgnored(IgnoreReasons.TestOrder);
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
        var codes = fields.Codes(order, "discount_codes");
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (lines.Count == 0)
        {
            return new IntakeIgnored(IgnoreReasons.NoEarningLines);
        }

        var memberId = MemberPrefix + customerId;
        var purchase = new PurchaseCompleted(
            $"shopify:{shop}:order:{orderId}:paid", memberId, occurredAt, orderId!, currency!, lines, total!.Value, profile, codes);

        // An order reported paid after (part of) it was refunded earns only on the rest: each
        // refund it lists is taken back under the event id its own refunds/create delivery
        // gets, so that delivery, arriving too, is applied once (and by refund id, once at most).
        List<LoyaltyEvent> events = [purchase];
        foreach (var (entry, at) in fields.Objects(order, "refunds", ""))
        {
            if (RefundOf(fields, entry, at, shop, orderId!, occurredAt) is { } refund)
            {
                events.Add(refund(memberId));
            }
        }

        if (status == "refunded")
        {
            // Refunded in full, whether or not each refund is listed: nothing of it earns.
            events.Add(new OrderRefunded($"shopify:{shop}:order:{orderId}:refunded", memberId, occurredAt, orderId!, "refunded", [], 0m, Full: true));
        }

        return fields.Failed ? fields.Rejection! : Mapped.Accept(receivedAt, events);
    }

    private static IntakeResult Cancelled(FieldReader fields, JsonElement order, string shop, DateTimeOffset receivedAt, bool acceptTestOrders)
    {
        var orderId = OrderId(fields, order, "id");
        var status = fields.Text(order, "financial_status", "");
        var customerId = CustomerId(fields, order);
        var test = IsTest(fields, order, acceptTestOrders);
        fields.Objects(order, "line_items", "", required: true);

        // A cancelled order says when: without cancelled_at the body is not a cancellation.
        var cancelledAt = fields.Timestamp(order, "cancelled_at", "");
        if (cancelledAt is null)
        {
            fields.Fail("cancelled_at", "required for orders/cancelled: the order is not cancelled.");
        }

        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        var occurredAt = cancelledAt!.Value;
        if (customerId is null)
        {
            return new IntakeIgnored(IgnoreReasons.GuestOrder);
        }

        if (status is not null && NeverPaid.Contains(status))
        {
            return new IntakeIgnored(IgnoreReasons.OrderNotPaid);
        }

        if (test)
        {
            return new IntakeIgnored(IgnoreReasons.TestOrder);
        }

        var cancelled = new OrderCancelled($"shopify:{shop}:order:{orderId}:cancelled", MemberPrefix + customerId, occurredAt, orderId!);
        return Mapped.Accept(receivedAt, cancelled);
    }

    /// <summary>
    /// A refund names its order but not the customer (its <c>user_id</c> is the staff member
    /// who refunded), so the events are built once the caller has looked the member up by order.
    /// </summary>
    private static IntakeResult Refund(FieldReader fields, JsonElement refund, string shop, DateTimeOffset receivedAt, bool acceptTestOrders)
    {
        var orderId = OrderId(fields, refund, "order_id");
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        var build = RefundOf(fields, refund, "", shop, orderId!, receivedAt);
        if (fields.Failed)
        {
            return fields.Rejection!;
        }

        if (build is null)
        {
            return new IntakeIgnored(IgnoreReasons.NothingRefunded);
        }

        // A refund of a test order is paid back by test transactions only.
        var transactions = fields.Objects(refund, "transactions", "");
        if (!acceptTestOrders && transactions.Count > 0 && transactions.All(t => FieldReader.Has(t.Item, "test") && t.Item.GetProperty("test").ValueKind == JsonValueKind.True))
        {
            return new IntakeIgnored(IgnoreReasons.TestOrder);
        }

        // Validate now with a stand-in member, so a bad refund is refused before any lookup.
        if (Mapped.Accept(receivedAt, build(MemberPrefix + "0")) is IntakeRejected invalid)
        {
            return invalid;
        }

        return new IntakeAcceptedByOrder($"shopify:{shop}", orderId!, [build]);
    }

    /// <summary>
    /// Reads one refund (a refunds/create body, or an entry of an order's <c>refunds</c>) at
    /// <paramref name="path"/>: a builder of its event for a member, or null when it refunds
    /// no merchandise and no money other than shipping (shipping never earned, so a refund of
    /// shipping alone takes nothing back). Check <see cref="FieldReader.Failed"/> after.
    /// </summary>
    private static Func<string, LoyaltyEvent>? RefundOf(FieldReader fields, JsonElement refund, string path, string shop, string orderId, DateTimeOffset fallbackTime)
    {
        var refundId = fields.Id(refund, "id", path, required: true);
        var occurredAt = fields.Timestamp(refund, "processed_at", path) ?? fields.Timestamp(refund, "created_at", path) ?? fallbackTime;
        var lines = new List<RefundLine>();
        foreach (var (item, at) in fields.Objects(refund, "refund_line_items", path))
        {
            var lineId = fields.Id(item, "line_item_id", at, required: true);
            var quantity = fields.Count(item, "quantity", at, min: 0);

            // subtotal: what the line's refunded units cost after their discounts, excluding tax.
            var amount = fields.Money(item, "subtotal", at, required: true);
            if (fields.Failed)
            {
                return null;
            }

            lines.Add(new RefundLine(lineId!, quantity!.Value, amount!.Value));
        }

        // Without lines the refund is money only: what was actually paid back, less what of it
        // paid back shipping (which never earned).
        var refunded = 0m;
        if (lines.Count == 0)
        {
            foreach (var (transaction, at) in fields.Objects(refund, "transactions", path))
            {
                var kind = fields.Text(transaction, "kind", at);
                var status = fields.Text(transaction, "status", at);
                var amount = fields.Money(transaction, "amount", at, required: kind == "refund" && status == "success");
                if (kind == "refund" && status == "success" && amount is { } paidBack)
                {
                    refunded += paidBack;
                }
            }

            refunded = Math.Max(0m, refunded - ShippingRefunded(fields, refund, path));
        }

        if (fields.Failed || (refunded == 0m && lines.All(l => l.Amount == 0m)))
        {
            return null;
        }

        var eventId = $"shopify:{shop}:order:{orderId}:refund:{refundId}";
        var refundLines = lines.ToArray();
        return memberId => new OrderRefunded(eventId, memberId, occurredAt, orderId, refundId!, refundLines, refunded);
    }

    /// <summary>
    /// Shipping paid back by a refund, tax included: its <c>refund_shipping_lines</c> (newer API
    /// versions) or its <c>order_adjustments</c> of kind <c>shipping_refund</c> (older ones,
    /// negative amounts). A refund may carry both for the same shipping, so the larger counts.
    /// </summary>
    private static decimal ShippingRefunded(FieldReader fields, JsonElement refund, string path)
    {
        var byLines = 0m;
        foreach (var (line, at) in fields.Objects(refund, "refund_shipping_lines", path))
        {
            byLines += ShopMoney(fields, line, "subtotal_amount_set", at) + ShopMoney(fields, line, "tax_amount_set", at);
        }

        var byAdjustments = 0m;
        foreach (var (adjustment, at) in fields.Objects(refund, "order_adjustments", path))
        {
            if (fields.Text(adjustment, "kind", at) == "shipping_refund")
            {
                byAdjustments += Math.Abs(fields.Money(adjustment, "amount", at, required: true, allowNegative: true) ?? 0m)
                    + Math.Abs(fields.Money(adjustment, "tax_amount", at, allowNegative: true) ?? 0m);
            }
        }

        return Math.Max(byLines, byAdjustments);
    }

    /// <summary>The <c>shop_money.amount</c> of a money bag, 0 when absent.</summary>
    private static decimal ShopMoney(FieldReader fields, JsonElement obj, string name, string path)
    {
        var bag = fields.Object(obj, name, path);
        var shopMoney = bag is { } b ? fields.Object(b, "shop_money", FieldReader.At(path, name)) : null;
        return shopMoney is { } m ? fields.Money(m, "amount", FieldReader.At(FieldReader.At(path, name), "shop_money")) ?? 0m : 0m;
    }

    /// <summary>An order id, required: <see cref="Keys.IsValidOrderId"/> (no '+').</summary>
    private static string? OrderId(FieldReader fields, JsonElement obj, string name)
    {
        var id = fields.Id(obj, name, "", required: true);
        if (id is not null && !Keys.IsValidOrderId(id))
        {
            fields.Fail(name, $"expected an order id: a whole number, or {Keys.OrderIdRule}.");
            return null;
        }

        return id;
    }

    /// <summary>The customer id, or null for a guest order (no customer, or one without an id).</summary>
    private static string? CustomerId(FieldReader fields, JsonElement order)
    {
        var customer = fields.Object(order, "customer", "");
        var id = customer is { } c ? fields.Id(c, "id", "customer") : null;
        if (id is not null && !Keys.IsValidMemberId(MemberPrefix + id))
        {
            fields.Fail("customer.id", $"expected a customer id: at most {Keys.MaxMemberIdLength - MemberPrefix.Length} digits or letters, - _ . : =.");
            return null;
        }

        return id;
    }

    private static MemberProfile? Profile(FieldReader fields, JsonElement order)
    {
        if (fields.Object(order, "customer", "") is not { } customer)
        {
            return null;
        }

        // email_marketing_consent.state: "subscribed" is consent; "not_subscribed", "unsubscribed"... are not.
        var consent = customer.TryGetProperty("email_marketing_consent", out var c) && c.ValueKind == JsonValueKind.Object
            && c.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.String
            ? state.GetString() == "subscribed"
            : (bool?)null;
        var profile = new MemberProfile(
            fields.Text(customer, "email", "customer"),
            fields.Text(customer, "first_name", "customer"),
            fields.Text(customer, "last_name", "customer"),
            Phone: fields.Text(customer, "phone", "customer") is { Length: > 0 } phone ? phone : null,
            MarketingConsent: consent,
            Locale: customer.TryGetProperty("locale", out var locale) && locale.ValueKind == JsonValueKind.String && locale.GetString() is { Length: > 0 and <= 35 } l ? l : null);
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

    [GeneratedRegex("^[a-z_]{1,50}/[a-z_]{1,50}$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicShape();
}

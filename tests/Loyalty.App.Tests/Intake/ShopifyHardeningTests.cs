using System.Text.Json.Nodes;
using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

/// <summary>Issue 9, intake: topic and body must agree, deliveries name themselves, test orders, refunds already in the order, shipping refunds.</summary>
public sealed class ShopifyHardeningTests
{
    private const string OrderId = "5934518693917412861";
    private const string Member = "shopify-7290446519853219713";
    private const string RefundId = "1093812566712093101";
    private const string WebhookId = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";

    private static byte[] Paid => Payload("shopify-orders-paid.json");

    private static byte[] PartialRefund => Payload("shopify-refunds-create-partial.json");

    private static byte[] CancelledOrder => Edit(Paid, o =>
    {
        o["cancelled_at"] = "2026-03-15T09:00:00-04:00";
        o["financial_status"] = "refunded";
    });

    // The review's case: the signed orders/paid body resent with topic orders/cancelled.
    [Fact]
    public void Paid_body_resent_as_a_cancellation_is_refused_because_it_has_no_cancelled_at() =>
        Rejected(Shopify(Paid, "orders/cancelled"), 400, ProblemTypes.InvalidField, "cancelled_at");

    [Theory]
    [InlineData("orders/paid")]
    [InlineData("orders/cancelled")]
    public void Refund_body_resent_under_an_order_topic_is_refused(string topic) =>
        Rejected(Shopify(PartialRefund, topic), 400, ProblemTypes.InvalidField, "body");

    [Fact]
    public void Order_body_resent_as_a_refund_is_refused()
    {
        Rejected(Shopify(Paid, "refunds/create"), 400, ProblemTypes.InvalidField, "body");
        Rejected(Shopify(CancelledOrder, "refunds/create"), 400, ProblemTypes.InvalidField, "body");
    }

    [Fact]
    public void Refund_body_needs_its_refund_lines_even_when_empty()
    {
        var body = Edit(PartialRefund, r => r.Remove("refund_line_items"));

        Rejected(Shopify(body, "refunds/create"), 400, ProblemTypes.InvalidField, "refund_line_items");
    }

    [Fact]
    public void Cancellation_body_is_still_accepted_under_its_own_topic() =>
        Assert.Equal($"shopify:{Shop}:order:{OrderId}:cancelled", Single<OrderCancelled>(Shopify(CancelledOrder, "orders/cancelled")).EventId);

    [Fact]
    public void Accepted_delivery_carries_its_delivery_key_and_others_do_not()
    {
        Assert.Equal($"shopify:{Shop}:webhook:{WebhookId}", Shopify(Paid, "orders/paid").DeliveryKey);
        Assert.Equal($"shopify:{Shop}:webhook:{WebhookId}", Shopify(PartialRefund, "refunds/create").DeliveryKey);
        Assert.Null(Shopify(Edit(Paid, o => o["financial_status"] = "pending"), "orders/paid").DeliveryKey);

        var headers = ShopifyHeaders(Paid, "orders/paid");
        headers.Remove(ShopifyIntake.WebhookIdHeader);
        var withoutId = ShopifyIntake.Handle(headers, Paid, ShopifySecret, ReceivedAt);
        Assert.IsType<IntakeAccepted>(withoutId);
        Assert.Null(withoutId.DeliveryKey);
    }

    [Theory]
    [InlineData("b54557e4/../x")]
    [InlineData("id with spaces")]
    [InlineData("someone@example.com")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void Delivery_id_that_is_not_a_plain_id_is_refused(string webhookId)
    {
        var headers = ShopifyHeaders(Paid, "orders/paid");
        headers[ShopifyIntake.WebhookIdHeader] = webhookId;

        var rejected = Rejected(ShopifyIntake.Handle(headers, Paid, ShopifySecret, ReceivedAt), 400, ProblemTypes.InvalidHeader, ShopifyIntake.WebhookIdHeader);
        Assert.DoesNotContain(webhookId, rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Headers_are_read_under_the_names_without_X_in_any_case()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["shopify-hmac-sha256"] = Signatures.ComputeBase64(Paid, ShopifySecret),
            ["Shopify-Topic"] = "orders/paid",
            ["SHOPIFY-SHOP-DOMAIN"] = Shop,
            ["shopify-webhook-id"] = WebhookId,
        };

        var result = ShopifyIntake.Handle(headers, Paid, ShopifySecret, ReceivedAt);

        Assert.Equal($"shopify:{Shop}:order:{OrderId}:paid", Assert.Single(Assert.IsType<IntakeAccepted>(result).Events).EventId);
        Assert.Equal($"shopify:{Shop}:webhook:{WebhookId}", result.DeliveryKey);
    }

    [Fact]
    public void Without_any_signature_header_the_delivery_is_refused_naming_the_usual_one()
    {
        var headers = ShopifyHeaders(Paid, "orders/paid");
        headers.Remove(ShopifyIntake.HmacHeader);

        Rejected(ShopifyIntake.Handle(headers, Paid, ShopifySecret, ReceivedAt), 401, ProblemTypes.InvalidSignature, ShopifyIntake.HmacHeader);
    }

    [Theory]
    [InlineData("shopify-topic", "orders/cancelled", ProblemTypes.InvalidHeader, 400)]
    [InlineData("shopify-shop-domain", "other-shop.myshopify.com", ProblemTypes.InvalidHeader, 400)]
    [InlineData("shopify-hmac-sha256", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", ProblemTypes.InvalidSignature, 401)]
    public void The_same_header_twice_with_different_values_is_refused(string bare, string value, string type, int status)
    {
        var headers = ShopifyHeaders(CancelledOrder, "orders/paid");
        headers[bare] = value;

        Rejected(ShopifyIntake.Handle(headers, CancelledOrder, ShopifySecret, ReceivedAt), status, type);
    }

    [Fact]
    public void Test_order_earns_nothing_unless_test_orders_are_allowed()
    {
        var body = Edit(Paid, o => o["test"] = true);

        Assert.Equal(new IntakeIgnored(IgnoreReasons.TestOrder), Shopify(body, "orders/paid"));
        Assert.Equal(new IntakeIgnored(IgnoreReasons.TestOrder), Shopify(Edit(CancelledOrder, o => o["test"] = true), "orders/cancelled"));
        var allowed = ShopifyIntake.Handle(ShopifyHeaders(body, "orders/paid"), body, ShopifySecret, ReceivedAt, acceptTestOrders: true);
        Assert.IsType<PurchaseCompleted>(Assert.Single(Assert.IsType<IntakeAccepted>(allowed).Events));
    }

    [Fact]
    public void Refund_paid_back_only_by_test_transactions_is_a_test_order_refund()
    {
        var body = Edit(PartialRefund, r => r["transactions"]![0]!["test"] = true);

        Assert.Equal(new IntakeIgnored(IgnoreReasons.TestOrder), Shopify(body, "refunds/create"));
        Assert.IsType<IntakeAcceptedByOrder>(ShopifyIntake.Handle(ShopifyHeaders(body, "refunds/create"), body, ShopifySecret, ReceivedAt, acceptTestOrders: true));
    }

    [Fact]
    public void Paid_order_that_lists_a_refund_takes_it_back_under_the_refunds_own_event_id()
    {
        var refundNode = JsonNode.Parse(PartialRefund)!;
        var body = Edit(Paid, o =>
        {
            o["financial_status"] = "partially_refunded";
            o["refunds"] = new JsonArray(refundNode);
        });

        var events = Assert.IsType<IntakeAccepted>(Shopify(body, "orders/paid")).Events;

        Assert.Equal(2, events.Count);
        var purchase = Assert.IsType<PurchaseCompleted>(events[0]);
        var refund = Assert.IsType<OrderRefunded>(events[1]);
        Assert.Equal(Member, refund.MemberId);

        // The same event as the refunds/create delivery of that refund, so the two apply once.
        var delivered = Assert.Single(Assert.IsType<IntakeAcceptedByOrder>(Shopify(PartialRefund, "refunds/create")).ForMember(Member));
        SameEvent(delivered, refund);
        Assert.Equal([new RefundLine("823099877125012701", 1, 80.10m)], refund.Lines);

        // What stays earned: 255.15 of merchandise less the 80.10 refunded.
        Assert.Equal(175.05m, purchase.Lines.Sum(l => l.Merchandise) - refund.Lines.Sum(l => l.Amount));
    }

    [Fact]
    public void Paid_order_already_refunded_in_full_takes_it_all_back()
    {
        var body = Edit(Paid, o => o["financial_status"] = "refunded");

        var events = Assert.IsType<IntakeAccepted>(Shopify(body, "orders/paid")).Events;

        Assert.IsType<PurchaseCompleted>(events[0]);
        var full = Assert.IsType<OrderRefunded>(Assert.Single(events.Skip(1)));
        Assert.True(full.Full);
        Assert.Equal($"shopify:{Shop}:order:{OrderId}:refunded", full.EventId);
    }

    [Fact]
    public void Listed_refund_that_is_malformed_is_refused_naming_it()
    {
        var body = Edit(Paid, o => o["refunds"] = new JsonArray(new JsonObject { ["id"] = "1", ["refund_line_items"] = new JsonArray(new JsonObject { ["line_item_id"] = 1, ["quantity"] = 1 }) }));

        Rejected(Shopify(body, "orders/paid"), 400, ProblemTypes.InvalidField, "refunds[0].refund_line_items[0].subtotal");
    }

    [Fact]
    public void Refund_of_shipping_alone_takes_nothing_back()
    {
        // Newer API versions: refund_shipping_lines; older ones: an order adjustment of kind shipping_refund.
        var byShippingLines = Edit(PartialRefund, r =>
        {
            r["refund_line_items"] = new JsonArray();
            r["transactions"]![0]!["amount"] = "13.05";
            r["refund_shipping_lines"] = new JsonArray(new JsonObject
            {
                ["id"] = 1,
                ["subtotal_amount_set"] = Money("12.00"),
                ["tax_amount_set"] = Money("1.05"),
            });
        });
        var byAdjustment = Edit(PartialRefund, r =>
        {
            r["refund_line_items"] = new JsonArray();
            r["transactions"]![0]!["amount"] = "13.05";
            r["order_adjustments"] = new JsonArray(new JsonObject { ["id"] = 1, ["amount"] = "-12.00", ["tax_amount"] = "-1.05", ["kind"] = "shipping_refund", ["reason"] = "Shipping refund" });
        });

        Assert.Equal(new IntakeIgnored(IgnoreReasons.NothingRefunded), Shopify(byShippingLines, "refunds/create"));
        Assert.Equal(new IntakeIgnored(IgnoreReasons.NothingRefunded), Shopify(byAdjustment, "refunds/create"));
    }

    [Fact]
    public void Money_refund_with_shipping_takes_back_only_the_rest()
    {
        var body = Edit(PartialRefund, r =>
        {
            r["refund_line_items"] = new JsonArray();
            r["transactions"]![0]!["amount"] = "40.00";
            r["order_adjustments"] = new JsonArray(
                new JsonObject { ["id"] = 1, ["amount"] = "-12.00", ["tax_amount"] = "0.00", ["kind"] = "shipping_refund" },
                new JsonObject { ["id"] = 2, ["amount"] = "-3.00", ["tax_amount"] = "0.00", ["kind"] = "refund_discrepancy" });
        });

        var refund = Assert.IsType<OrderRefunded>(Assert.Single(Assert.IsType<IntakeAcceptedByOrder>(Shopify(body, "refunds/create")).ForMember(Member)));

        Assert.Equal(28.00m, refund.Amount);
    }

    [Fact]
    public void Customer_id_too_long_for_the_keys_derived_from_it_is_refused()
    {
        var longest = new string('7', Keys.MaxMemberIdLength - ShopifyIntake.MemberPrefix.Length);

        Assert.Equal(ShopifyIntake.MemberPrefix + longest, Single<PurchaseCompleted>(Shopify(Edit(Paid, o => o["customer"]!["id"] = longest), "orders/paid")).MemberId);
        Rejected(Shopify(Edit(Paid, o => o["customer"]!["id"] = longest + "7"), "orders/paid"), 400, ProblemTypes.InvalidField, "customer.id");
    }

    private static JsonObject Money(string amount) =>
        new() { ["shop_money"] = new JsonObject { ["amount"] = amount, ["currency_code"] = "USD" }, ["presentment_money"] = new JsonObject { ["amount"] = amount, ["currency_code"] = "USD" } };
}

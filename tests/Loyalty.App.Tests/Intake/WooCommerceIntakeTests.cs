using System.Text.Json.Nodes;
using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

public sealed class WooCommerceIntakeTests
{
    private const string Member = "woo-57";
    private const string OrderKey = "woo:shop.example.com:order:4821";

    private static byte[] Processing => Payload("woocommerce-order-processing.json");

    private static byte[] CompletedWithRefund => Payload("woocommerce-order-completed-refund.json");

    [Fact]
    public void Processing_order_with_a_coupon_earns_on_its_lines_after_the_coupon()
    {
        var purchase = Single<PurchaseCompleted>(Woo(Processing));

        Assert.Equal($"{OrderKey}:paid", purchase.EventId);
        Assert.Equal(Member, purchase.MemberId);
        Assert.Equal("4821", purchase.OrderId);
        Assert.Equal("USD", purchase.Currency);
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 18, 12, 44, TimeSpan.Zero), purchase.OccurredAt);
        Assert.Equal(new MemberProfile("maria.kowalski@example.org", "Maria", "Kowalski", Phone: "(503) 555-0142"), purchase.Profile);
        Assert.Equal(["1201", "1202", "1203"], purchase.Lines.Select(l => l.LineId));
        Assert.Equal(["YOGA-CORK", "BOTTLE-750", null], purchase.Lines.Select(l => l.Sku));
        Assert.Equal([1, 3, 3], purchase.Lines.Select(l => l.Quantity));
        Assert.Equal(new OrderLine("1201", "YOGA-CORK", null, 1, 60.00m, 12.00m), purchase.Lines[0]);
        Assert.Equal(new OrderLine("1202", "BOTTLE-750", null, 3, 15.00m, 9.00m), purchase.Lines[1]);

        // 10.00 for 3 bands does not divide evenly: the unit price is rounded up and the
        // discount takes the difference, so the line's merchandise is its total to the cent.
        Assert.Equal([48.00m, 36.00m, 8.00m], purchase.Lines.Select(l => l.Merchandise));
        Assert.Equal(92.00m, purchase.Lines.Sum(l => l.Merchandise));
        Assert.Equal(104.36m, purchase.OrderTotal);
    }

    [Fact]
    public void Same_order_completed_with_a_refund_repeats_the_purchase_and_adds_the_refund()
    {
        var first = Single<PurchaseCompleted>(Woo(Processing));

        var accepted = Assert.IsType<IntakeAccepted>(Woo(CompletedWithRefund));

        Assert.Equal(2, accepted.Events.Count);
        var again = Assert.IsType<PurchaseCompleted>(accepted.Events[0]);
        SameEvent(first, again);
        SameEvent(
            new OrderRefunded($"{OrderKey}:refund:4907", Member, new DateTimeOffset(2026, 3, 25, 16, 30, 2, TimeSpan.Zero), "4821", "4907", [], 12.96m),
            accepted.Events[1]);
    }

    [Fact]
    public void Refunded_order_adds_a_full_refund_after_its_partial_ones()
    {
        var body = Edit(CompletedWithRefund, order => order["status"] = "refunded");

        var accepted = Assert.IsType<IntakeAccepted>(Woo(body));

        Assert.Equal([$"{OrderKey}:paid", $"{OrderKey}:refund:4907", $"{OrderKey}:refunded"], accepted.Events.Select(e => e.EventId));
        var full = Assert.IsType<OrderRefunded>(accepted.Events[2]);
        Assert.True(full.Full);
        Assert.Equal("refunded", full.RefundId);
        Assert.Empty(full.Lines);
    }

    [Fact]
    public void Refund_entries_of_zero_are_skipped()
    {
        var body = Edit(CompletedWithRefund, order => order["refunds"]!.AsArray().Add(new JsonObject { ["id"] = 4908, ["reason"] = "", ["total"] = "0.00" }));

        Assert.Equal(2, Assert.IsType<IntakeAccepted>(Woo(body)).Events.Count);
    }

    [Fact]
    public void Cancelled_order_that_was_paid_takes_back_what_it_earned()
    {
        var body = Edit(Processing, order =>
        {
            order["status"] = "cancelled";
            order["date_modified_gmt"] = "2026-03-15T08:00:00";
        });

        Assert.Equal(
            new OrderCancelled($"{OrderKey}:cancelled", Member, new DateTimeOffset(2026, 3, 15, 8, 0, 0, TimeSpan.Zero), "4821"),
            Single<OrderCancelled>(Woo(body)));
    }

    [Fact]
    public void Cancelled_order_that_was_never_paid_takes_nothing_back()
    {
        var body = Edit(Processing, order =>
        {
            order["status"] = "cancelled";
            order["date_paid"] = null;
            order["date_paid_gmt"] = null;
        });

        Assert.Equal(new IntakeIgnored(IgnoreReasons.OrderNotPaid), Woo(body));
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("on-hold")]
    [InlineData("failed")]
    [InlineData("draft")]
    [InlineData("checkout-draft")]
    public void Unpaid_order_earns_nothing(string status) =>
        Assert.Equal(new IntakeIgnored(IgnoreReasons.OrderNotPaid), Woo(Edit(Processing, order => order["status"] = status), "order.created"));

    [Fact]
    public void Order_in_a_status_from_a_plugin_is_acknowledged_as_unrecognised() =>
        Assert.Equal(new IntakeIgnored(IgnoreReasons.UnrecognisedStatus), Woo(Edit(Processing, order => order["status"] = "shipped")));

    [Theory]
    [InlineData("0")]
    [InlineData("null")]
    public void Guest_order_earns_nothing(string customerId) =>
        Assert.Equal(new IntakeIgnored(IgnoreReasons.GuestOrder), Woo(Edit(Processing, order => order["customer_id"] = JsonNode.Parse(customerId))));

    [Fact]
    public void Restored_order_earns_like_an_updated_one() =>
        Assert.Equal($"{OrderKey}:paid", Single<PurchaseCompleted>(Woo(Processing, "order.restored")).EventId);

    [Fact]
    public void Deleted_order_is_acknowledged() =>
        Assert.Equal(new IntakeIgnored(IgnoreReasons.OrderDeleted), Woo(Utf8("{\"id\":4821}"), "order.deleted"));

    [Fact]
    public void Purchase_time_falls_back_to_the_modification_time_then_to_receipt()
    {
        var unpaidTime = Edit(Processing, order => order["date_paid_gmt"] = null);
        var noTimes = Edit(unpaidTime, order => order.Remove("date_modified_gmt"));

        Assert.Equal(new DateTimeOffset(2026, 3, 14, 18, 12, 44, TimeSpan.Zero), Single<PurchaseCompleted>(Woo(unpaidTime)).OccurredAt);
        Assert.Equal(ReceivedAt, Single<PurchaseCompleted>(Woo(noTimes)).OccurredAt);
    }

    [Theory]
    [InlineData("product.updated")]
    [InlineData("coupon.created")]
    [InlineData("customer.updated")]
    [InlineData("action.woocommerce_order_status_completed")]
    public void Events_not_used_are_acknowledged_so_WooCommerce_does_not_disable_the_webhook(string topic) =>
        Assert.Equal(new IntakeIgnored(IgnoreReasons.UnhandledTopic), Woo(Processing, topic));

    [Theory]
    [InlineData("ORDER.UPDATED")]
    [InlineData("order")]
    [InlineData("order.up dated")]
    [InlineData("order/updated")]
    public void Topic_that_is_not_of_WooCommerce_form_is_refused(string topic) =>
        Rejected(Woo(Processing, topic), 400, ProblemTypes.UnknownTopic, WooCommerceIntake.TopicHeader);

    [Fact]
    public void Signed_delivery_without_a_topic_is_refused()
    {
        var headers = WooHeaders(Processing, "order.updated");
        headers.Remove(WooCommerceIntake.TopicHeader);

        Rejected(WooCommerceIntake.Handle(headers, Processing, WooSecret, ReceivedAt), 400, ProblemTypes.UnknownTopic, WooCommerceIntake.TopicHeader);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("shop.example.com")]
    [InlineData("ftp://shop.example.com/")]
    [InlineData("https://")]
    [InlineData("mailto:owner@shop.example.com")]
    public void Order_topics_need_the_shop_URL(string? source) =>
        Rejected(Woo(Processing, source: source), 400, ProblemTypes.InvalidHeader, WooCommerceIntake.SourceHeader);

    [Theory]
    [InlineData("https://shop.example.com")]
    [InlineData("http://SHOP.example.com:8080/store/")]
    [InlineData("https://shop.example.com/?lang=en")]
    public void Shop_is_named_by_the_lower_case_host_of_its_URL(string source) =>
        Assert.Equal($"{OrderKey}:paid", Single<PurchaseCompleted>(Woo(Processing, source: source)).EventId);

    [Fact]
    public void Creation_ping_is_acknowledged_unsigned()
    {
        var headers = Headers(("User-Agent", "WooCommerce/9.6.1 Hookshot (WordPress/6.7.2)"), ("Content-Type", "application/x-www-form-urlencoded"));

        Assert.Equal(new IntakeIgnored(IgnoreReasons.Ping), WooCommerceIntake.Handle(headers, Utf8("webhook_id=12"), WooSecret, ReceivedAt));
        Assert.Equal(new IntakeIgnored(IgnoreReasons.Ping), WooCommerceIntake.Handle(headers, Utf8("webhook_id=12"), null, ReceivedAt));
    }

    [Theory]
    [InlineData("webhook_id=")]
    [InlineData("webhook_id=12\n")]
    [InlineData("webhook_id=12&x=1")]
    [InlineData("webhook_id=-1")]
    [InlineData("webhook_id=12345678901234567890")]
    [InlineData("Webhook_id=12")]
    [InlineData(" webhook_id=12")]
    [InlineData("{\"webhook_id\":12}")]
    [InlineData("")]
    public void Anything_else_unsigned_is_refused(string body) =>
        Rejected(WooCommerceIntake.Handle(Headers(), Utf8(body), WooSecret, ReceivedAt), 401, ProblemTypes.InvalidSignature, WooCommerceIntake.SignatureHeader);

    [Fact]
    public void Ping_body_with_a_topic_header_is_not_a_ping() =>
        Rejected(
            WooCommerceIntake.Handle(Headers((WooCommerceIntake.TopicHeader, "order.updated")), Utf8("webhook_id=12"), WooSecret, ReceivedAt),
            401,
            ProblemTypes.InvalidSignature);

    [Fact]
    public void Unsigned_order_is_refused() =>
        Rejected(
            WooCommerceIntake.Handle(Headers((WooCommerceIntake.TopicHeader, "order.updated"), (WooCommerceIntake.SourceHeader, WooSource)), Processing, WooSecret, ReceivedAt),
            401,
            ProblemTypes.InvalidSignature);

    [Fact]
    public void Signed_form_body_is_not_JSON() =>
        Rejected(Woo(Utf8("webhook_id=12")), 400, ProblemTypes.MalformedJson, "body");

    public static TheoryData<string, JsonNode?, string> WrongTypes => new()
    {
        { "id", new JsonArray(4821), "id" },
        { "id", "48/21", "id" },
        { "customer_id", "5'7", "customer_id" },
        { "customer_id", 5.7, "customer_id" },
        { "status", 1, "status" },
        { "currency", "dollars", "currency" },
        { "total", new JsonObject(), "total" },
        { "total", "-1.00", "total" },
        { "date_paid_gmt", "14/03/2026", "date_paid_gmt" },
        { "date_modified_gmt", 20260314, "date_modified_gmt" },
        { "billing", "Maria", "billing" },
        { "line_items", null, "line_items" },
        { "refunds", new JsonObject(), "refunds" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Field_of_the_wrong_type_is_refused_naming_it(string name, JsonNode? value, string field)
    {
        var body = Edit(CompletedWithRefund, order => order[name] = value?.DeepClone());

        Rejected(Woo(body), 400, ProblemTypes.InvalidField, field);
    }

    public static TheoryData<string, JsonNode?, string> WrongLineTypes => new()
    {
        { "quantity", "abc", "line_items[1].quantity" },
        { "quantity", 0, "line_items[1].quantity" },
        { "quantity", -1, "line_items[1].quantity" },
        { "subtotal", new JsonObject(), "line_items[1].subtotal" },
        { "subtotal", null, "line_items[1].subtotal" },
        { "total", "12.00.00", "line_items[1].total" },
        { "id", "1202#", "line_items[1].id" },
        { "id", new string('1', 201), "line_items[1].id" },
        { "sku", new JsonArray(), "line_items[1].sku" },
    };

    [Theory]
    [MemberData(nameof(WrongLineTypes))]
    public void Line_field_of_the_wrong_type_is_refused_naming_it(string name, JsonNode? value, string field)
    {
        var body = Edit(Processing, order => order["line_items"]![1]![name] = value?.DeepClone());

        Rejected(Woo(body), 400, ProblemTypes.InvalidField, field);
    }

    [Theory]
    [InlineData("total", "ten", "refunds[0].total")]
    [InlineData("id", "49?07", "refunds[0].id")]
    public void Refund_entry_of_the_wrong_type_is_refused_naming_it(string name, string value, string field)
    {
        var body = Edit(CompletedWithRefund, order => order["refunds"]![0]![name] = value);

        Rejected(Woo(body), 400, ProblemTypes.InvalidField, field);
    }
}

using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

/// <summary>
/// One test per published sample in Fixtures/ (kept byte for byte as published; its README says where each comes from), each
/// asserting the outcome chosen for it. The samples' amounts are not realistic and the Shopify
/// order sample is not a paid order, so each also gets a patched variant that exercises the mapping.
/// </summary>
public sealed class FixtureTests
{
    private const string ShopifyOrderId = "820982911946154500";
    private const string ShopifyCustomerMember = "shopify-115310627314723950";
    private static readonly DateTimeOffset ShopifySampleTime = new(2021, 12, 31, 19, 0, 0, TimeSpan.FromHours(-5));

    // Every published sample, the intake and topic that read it, and the outcome chosen for it
    // as published; a sample added to Fixtures/ fails here until it is listed.
    private static readonly Dictionary<string, (Func<byte[], IntakeResult> Read, Type Outcome)> AsPublished = new()
    {
        ["shopify-orders-cancelled.json"] = (b => Shopify(b, "orders/cancelled"), typeof(IntakeIgnored)),
        ["shopify-orders-paid.json"] = (b => Shopify(b, "orders/paid"), typeof(IntakeIgnored)),
        ["shopify-refunds-create.json"] = (b => Shopify(b, "refunds/create"), typeof(IntakeAcceptedByOrder)),
        ["woocommerce-order-723-refunds.json"] = (b => Woo(b), typeof(IntakeRejected)),
        ["woocommerce-order-refunded.json"] = (b => Woo(b), typeof(IntakeAccepted)),
        ["woocommerce-order.json"] = (b => Woo(b), typeof(IntakeIgnored)),
    };

    [Fact]
    public void Every_fixture_file_is_read_by_its_intake_with_the_outcome_chosen_for_it()
    {
        Assert.Equal(AsPublished.Keys.Order(StringComparer.Ordinal), FixtureNames());
        foreach (var (name, (read, outcome)) in AsPublished)
        {
            var result = read(Fixture(name));
            Assert.True(result.GetType() == outcome, $"{name}: {result}");
        }
    }

    [Fact]
    public void Shopify_orders_paid_sample_is_voided_so_it_is_acknowledged_without_earning()
    {
        var result = Shopify(Fixture("shopify-orders-paid.json"), "orders/paid");

        Assert.Equal(new IntakeIgnored(IgnoreReasons.OrderNotPaid), result);
    }

    [Fact]
    public void Shopify_orders_paid_sample_made_paid_maps_every_line_keeping_the_ids_digits_as_written()
    {
        var body = Replace(Fixture("shopify-orders-paid.json"), "\"financial_status\": \"voided\"", "\"financial_status\": \"paid\"");
        body = Replace(body, "\"cancelled_at\": \"2021-12-31T19:00:00-05:00\"", "\"cancelled_at\": null");

        // The sample is a test order, which earns only where test orders are allowed.
        Assert.Equal(new IntakeIgnored(IgnoreReasons.TestOrder), Shopify(body, "orders/paid"));
        var purchase = Single<PurchaseCompleted>(ShopifyIntake.Handle(ShopifyHeaders(body, "orders/paid"), body, ShopifySecret, ReceivedAt, acceptTestOrders: true));

        // The sample's id lost precision when it was scraped (the gid says ...508); the intake
        // keeps the digits the JSON text has, never a double's rounding of them (...496).
        Assert.Equal(ShopifyOrderId, purchase.OrderId);
        Assert.NotEqual(((ulong)820982911946154500d).ToString(System.Globalization.CultureInfo.InvariantCulture), purchase.OrderId);
        Assert.Equal($"shopify:{Shop}:order:{ShopifyOrderId}:paid", purchase.EventId);
        Assert.Equal(ShopifyCustomerMember, purchase.MemberId);
        Assert.Equal("USD", purchase.Currency);
        Assert.Equal(ShopifySampleTime, purchase.OccurredAt);
        Assert.Equal(
            [
                new OrderLine("487817672276298560", "SKU2006-001", null, 1, 89.99m, 0m),
                new OrderLine("789012345678901200", "LENS-PROTECT-2YR", null, 1, 19.99m, 0m),
                new OrderLine("890123456789012400", "CASE-LEATHER-PREM", null, 1, 24.99m, 0m),
                new OrderLine("976318377106520300", "SKU2006-020", null, 1, 159.99m, 0m),
                new OrderLine("315789986012684400", "SKU2006-035", null, 1, 119.99m, 0m),
            ],
            purchase.Lines);
        Assert.Equal(414.95m, purchase.Lines.Sum(l => l.Merchandise));
        Assert.Equal(414.95m, purchase.OrderTotal);
        Assert.Equal(new MemberProfile("john@example.com", "John", "Smith"), purchase.Profile);

        // The customer's phone, where the shop has one, is the member's (the console finds members by it).
        body = Replace(body, "\"email\": \"john@example.com\",\n    \"phone\": null,", "\"email\": \"john@example.com\",\n    \"phone\": \"+16135551111\",");
        var withPhone = Single<PurchaseCompleted>(ShopifyIntake.Handle(ShopifyHeaders(body, "orders/paid"), body, ShopifySecret, ReceivedAt, acceptTestOrders: true));
        Assert.Equal("+16135551111", withPhone.Profile!.Phone);
    }

    [Fact]
    public void Shopify_orders_cancelled_sample_was_never_paid_so_it_takes_nothing_back()
    {
        var result = Shopify(Fixture("shopify-orders-cancelled.json"), "orders/cancelled");

        Assert.Equal(new IntakeIgnored(IgnoreReasons.OrderNotPaid), result);
    }

    [Fact]
    public void Shopify_orders_cancelled_sample_made_paid_cancels_the_order()
    {
        var body = Replace(Fixture("shopify-orders-cancelled.json"), "\"financial_status\": \"voided\"", "\"financial_status\": \"paid\"");

        Assert.Equal(new IntakeIgnored(IgnoreReasons.TestOrder), Shopify(body, "orders/cancelled"));
        var cancelled = Single<OrderCancelled>(ShopifyIntake.Handle(ShopifyHeaders(body, "orders/cancelled"), body, ShopifySecret, ReceivedAt, acceptTestOrders: true));

        Assert.Equal(new OrderCancelled($"shopify:{Shop}:order:{ShopifyOrderId}:cancelled", ShopifyCustomerMember, ShopifySampleTime, ShopifyOrderId), cancelled);
    }

    [Fact]
    public void Shopify_refunds_create_sample_is_routed_by_its_order_and_refunds_its_five_lines()
    {
        var result = Assert.IsType<IntakeAcceptedByOrder>(Shopify(Fixture("shopify-refunds-create.json"), "refunds/create"));

        Assert.Equal($"shopify:{Shop}", result.Source);
        Assert.Equal(ShopifyOrderId, result.OrderId);
        Assert.Equal($"shopify:{Shop}:order:{ShopifyOrderId}", result.OrderKey);
        var refund = Assert.IsType<OrderRefunded>(Assert.Single(result.ForMember(ShopifyCustomerMember)));
        Assert.Equal($"shopify:{Shop}:order:{ShopifyOrderId}:refund:890088186047892400", refund.EventId);
        Assert.Equal(ShopifyCustomerMember, refund.MemberId);
        Assert.Equal(ShopifyOrderId, refund.OrderId);
        Assert.Equal("890088186047892400", refund.RefundId);
        Assert.Equal(ShopifySampleTime, refund.OccurredAt);

        // Refund lines carry the line ids the order sample has (both rounded alike by the scraper).
        Assert.Equal(
            [
                new RefundLine("487817672276298560", 1, 89.99m),
                new RefundLine("789012345678901200", 1, 19.99m),
                new RefundLine("890123456789012400", 1, 24.99m),
                new RefundLine("976318377106520300", 1, 159.99m),
                new RefundLine("315789986012684400", 1, 119.99m),
            ],
            refund.Lines);

        // With lines, the refund is measured by merchandise; the (inconsistent) 85.00 of transactions is not added.
        Assert.Equal(0m, refund.Amount);
        Assert.False(refund.Full);
    }

    [Fact]
    public void WooCommerce_order_sample_is_a_guest_order_and_earns_nothing()
    {
        var result = Woo(Fixture("woocommerce-order.json"));

        Assert.Equal(new IntakeIgnored(IgnoreReasons.GuestOrder), result);
    }

    [Fact]
    public void WooCommerce_order_sample_for_a_customer_earns_on_its_lines_before_tax_and_shipping()
    {
        var body = Replace(Fixture("woocommerce-order.json"), "\"customer_id\": 0", "\"customer_id\": 26");

        var purchase = Single<PurchaseCompleted>(Woo(body));

        Assert.Equal("woo:shop.example.com:order:727:paid", purchase.EventId);
        Assert.Equal("woo-26", purchase.MemberId);
        Assert.Equal("727", purchase.OrderId);
        Assert.Equal(new DateTimeOffset(2017, 3, 22, 19, 28, 8, TimeSpan.Zero), purchase.OccurredAt);
        Assert.Equal([new OrderLine("315", null, null, 2, 3.00m, 0m), new OrderLine("316", "Bar3", null, 1, 12.00m, 0m)], purchase.Lines);
        Assert.Equal(18.00m, purchase.Lines.Sum(l => l.Merchandise));
        Assert.Equal(29.35m, purchase.OrderTotal);
        Assert.Equal(new MemberProfile("john.doe@example.com", "John", "Doe", Phone: "(555) 555-5555"), purchase.Profile);
    }

    [Fact]
    public void WooCommerce_refunded_sample_maps_to_its_purchase_then_one_refund_per_entry()
    {
        var accepted = Assert.IsType<IntakeAccepted>(Woo(Fixture("woocommerce-order-refunded.json")));

        Assert.Equal(3, accepted.Events.Count);
        var purchase = Assert.IsType<PurchaseCompleted>(accepted.Events[0]);
        Assert.Equal("woo:shop.example.com:order:723:paid", purchase.EventId);
        Assert.Equal("woo-26", purchase.MemberId);

        // date_paid is null in the sample (a completed bank-transfer order): the modification time stands in.
        var modified = new DateTimeOffset(2017, 3, 21, 19, 54, 51, TimeSpan.Zero);
        Assert.Equal(modified, purchase.OccurredAt);
        Assert.Equal([new OrderLine("311", null, null, 1, 9.00m, 0m), new OrderLine("313", null, null, 1, 20.00m, 0m)], purchase.Lines);
        Assert.Equal(39.00m, purchase.OrderTotal);
        Assert.Equal(new MemberProfile("joao.silva@example.com", "João", "Silva", Phone: "(11) 1111-1111"), purchase.Profile);
        SameEvent(new OrderRefunded("woo:shop.example.com:order:723:refund:726", "woo-26", modified, "723", "726", [], 10.00m), accepted.Events[1]);
        SameEvent(new OrderRefunded("woo:shop.example.com:order:723:refund:724", "woo-26", modified, "723", "724", [], 9.00m), accepted.Events[2]);
    }

    [Fact]
    public void WooCommerce_refund_list_sample_gives_refund_724_the_order_line_it_refunds_and_leaves_726_by_its_amount()
    {
        using var document = System.Text.Json.JsonDocument.Parse(Fixture("woocommerce-order-723-refunds.json"));

        var lines = WooCommerceRefundLines.Parse(document.RootElement);

        // 724 refunds one of order line 311 (_refunded_item_id), -1 and -9.00 in the answer; 726 has no lines.
        var only = Assert.Single(lines);
        Assert.Equal("724", only.Key);
        Assert.Equal([new RefundLine("311", 1, 9.00m)], only.Value);
    }

    [Fact]
    public void WooCommerce_refund_list_sample_is_a_REST_response_not_an_order_so_it_is_refused()
    {
        var rejected = Rejected(Woo(Fixture("woocommerce-order-723-refunds.json")), 400, ProblemTypes.InvalidField, "body");

        Assert.Equal("body: expected a JSON object.", rejected.Detail);
    }
}

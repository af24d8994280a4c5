using System.Text.Json.Nodes;
using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

public sealed class ShopifyIntakeTests
{
    private const string OrderId = "5934518693917412861";
    private const string Member = "shopify-7290446519853219713";

    private static byte[] Paid => Payload("shopify-orders-paid.json");

    private static byte[] TaxesIncluded => Payload("shopify-orders-paid-taxes-included.json");

    private static byte[] PartialRefund => Payload("shopify-refunds-create-partial.json");

    [Fact]
    public void Paid_order_earns_on_its_discounted_lines_and_not_on_shipping_or_tax()
    {
        var purchase = Single<PurchaseCompleted>(Shopify(Paid, "orders/paid"));

        Assert.Equal($"shopify:{Shop}:order:{OrderId}:paid", purchase.EventId);
        Assert.Equal(Member, purchase.MemberId);
        Assert.Equal(OrderId, purchase.OrderId);
        Assert.Equal("USD", purchase.Currency);
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 10, 41, 5, TimeSpan.FromHours(-4)), purchase.OccurredAt);
        Assert.Equal(
            [
                new OrderLine("823099877125012701", "MWS-CHA-M", null, 2, 89.00m, 17.80m),
                new OrderLine("823099877125012702", "LG-BRN-L", null, 1, 45.50m, 4.55m),
                new OrderLine("823099877125012703", "WHS-3", null, 3, 18.00m, 0m),
            ],
            purchase.Lines);
        Assert.Equal([160.20m, 40.95m, 54.00m], purchase.Lines.Select(l => l.Merchandise));

        // 290.53 paid = 255.15 merchandise + 12.00 shipping + 23.38 tax: only the merchandise earns.
        Assert.Equal(255.15m, purchase.Lines.Sum(l => l.Merchandise));
        Assert.Equal(290.53m, purchase.OrderTotal);
        Assert.Equal(new MemberProfile("hannah.berg@example.net", "Hannah", "Berg"), purchase.Profile);
    }

    [Fact]
    public void Paid_order_with_tax_inclusive_prices_earns_on_merchandise_net_of_tax_and_skips_gift_cards()
    {
        var purchase = Single<PurchaseCompleted>(Shopify(TaxesIncluded, "orders/paid"));

        Assert.Equal("EUR", purchase.Currency);
        Assert.Equal(
            [
                new OrderLine("901200334455667701", "EMD-200", "Appliances", 1, 349.00m, 55.72m),
                new OrderLine("901200334455667702", "SOB-1KG", "Coffee", 2, 24.90m, 4.98m + 7.16m),
            ],
            purchase.Lines);
        Assert.Equal([293.28m, 37.66m], purchase.Lines.Select(l => l.Merchandise));
        Assert.Equal(330.94m, purchase.Lines.Sum(l => l.Merchandise));
        Assert.Equal(448.72m, purchase.OrderTotal);
    }

    [Fact]
    public void Partial_refund_is_routed_by_the_order_the_purchase_credited()
    {
        var purchase = Single<PurchaseCompleted>(Shopify(Paid, "orders/paid"));

        var byOrder = Assert.IsType<IntakeAcceptedByOrder>(Shopify(PartialRefund, "refunds/create"));

        Assert.Equal(OrderKeys.Of(purchase), byOrder.OrderKey);
        Assert.Equal($"shopify:{Shop}", byOrder.Source);
        Assert.Equal(OrderId, byOrder.OrderId);
        var refund = Assert.IsType<OrderRefunded>(Assert.Single(byOrder.ForMember(purchase.MemberId)));
        SameEvent(
            new OrderRefunded(
                $"shopify:{Shop}:order:{OrderId}:refund:1093812566712093101",
                Member,
                new DateTimeOffset(2026, 3, 22, 15, 2, 41, TimeSpan.FromHours(-4)),
                OrderId,
                "1093812566712093101",
                [new RefundLine("823099877125012701", 1, 80.10m)]),
            refund);

        // One of two sweaters back: its merchandise after its share of the discount, tax excluded.
        Assert.Equal(purchase.Lines[0].Merchandise / 2, refund.Lines.Sum(l => l.Amount));
    }

    [Fact]
    public void Refund_without_lines_is_measured_by_the_money_that_was_paid_back()
    {
        var body = Edit(PartialRefund, refund =>
        {
            refund["refund_line_items"] = new JsonArray();
            refund["transactions"] = new JsonArray(
                Transaction("refund", "success", "25.00"),
                Transaction("refund", "failure", "25.00"),
                Transaction("refund", "success", "4.50"),
                Transaction("sale", "success", "99.00"));
        });

        var refund = Assert.IsType<OrderRefunded>(Assert.Single(Assert.IsType<IntakeAcceptedByOrder>(Shopify(body, "refunds/create")).ForMember(Member)));

        Assert.Empty(refund.Lines);
        Assert.Equal(29.50m, refund.Amount);
    }

    [Fact]
    public void Restock_only_refund_of_nothing_is_acknowledged()
    {
        var body = Edit(PartialRefund, refund =>
        {
            refund["refund_line_items"] = new JsonArray();
            refund["transactions"] = new JsonArray();
        });

        Assert.Equal(new IntakeIgnored(IgnoreReasons.NothingRefunded), Shopify(body, "refunds/create"));
    }

    [Fact]
    public void Refund_events_are_only_built_for_a_valid_member_id()
    {
        var byOrder = Assert.IsType<IntakeAcceptedByOrder>(Shopify(PartialRefund, "refunds/create"));

        Assert.Throws<ArgumentException>(() => byOrder.ForMember(""));
        Assert.Throws<ArgumentException>(() => byOrder.ForMember("a/b"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"email\":\"guest@example.com\"}")]
    [InlineData("{\"id\":null}")]
    public void Guest_order_is_acknowledged_without_earning(string customer)
    {
        var body = Edit(Paid, order => order["customer"] = JsonNode.Parse(customer));
        var cancelled = Edit(body, order => order["cancelled_at"] = "2026-03-15T09:00:00-04:00");

        Assert.Equal(new IntakeIgnored(IgnoreReasons.GuestOrder), Shopify(body, "orders/paid"));
        Assert.Equal(new IntakeIgnored(IgnoreReasons.GuestOrder), Shopify(cancelled, "orders/cancelled"));
    }

    [Fact]
    public void Order_without_a_customer_property_is_a_guest_order()
    {
        var body = Edit(Paid, order => order.Remove("customer"));

        Assert.Equal(new IntakeIgnored(IgnoreReasons.GuestOrder), Shopify(body, "orders/paid"));
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("authorized")]
    [InlineData("partially_paid")]
    [InlineData("voided")]
    [InlineData("expired")]
    [InlineData("something_new")]
    public void Order_that_is_not_paid_earns_nothing(string status)
    {
        var body = Edit(Paid, order => order["financial_status"] = status);

        Assert.Equal(new IntakeIgnored(IgnoreReasons.OrderNotPaid), Shopify(body, "orders/paid"));
    }

    [Theory]
    [InlineData("paid")]
    [InlineData("partially_refunded")]
    [InlineData(null)]
    public void Order_that_was_paid_earns(string? status)
    {
        var body = Edit(Paid, order => order["financial_status"] = status);

        Assert.Equal($"shopify:{Shop}:order:{OrderId}:paid", Single<PurchaseCompleted>(Shopify(body, "orders/paid")).EventId);
    }

    [Fact]
    public void Order_already_cancelled_when_paid_is_reported_earns_nothing()
    {
        var body = Edit(Paid, order => order["cancelled_at"] = "2026-03-14T11:00:00-04:00");

        Assert.Equal(new IntakeIgnored(IgnoreReasons.OrderCancelled), Shopify(body, "orders/paid"));
    }

    [Fact]
    public void Order_of_gift_cards_only_earns_nothing()
    {
        var body = Edit(TaxesIncluded, order =>
        {
            var lines = order["line_items"]!.AsArray();
            lines.RemoveAt(0);
            lines.RemoveAt(0);
        });

        Assert.Equal(new IntakeIgnored(IgnoreReasons.NoEarningLines), Shopify(body, "orders/paid"));
    }

    [Fact]
    public void Order_time_falls_back_from_processed_to_updated_to_created_to_receipt()
    {
        var noProcessed = Edit(Paid, order => order.Remove("processed_at"));
        var noUpdated = Edit(noProcessed, order => order.Remove("updated_at"));
        var noTimes = Edit(noUpdated, order => order.Remove("created_at"));

        Assert.Equal(new DateTimeOffset(2026, 3, 14, 10, 41, 9, TimeSpan.FromHours(-4)), Single<PurchaseCompleted>(Shopify(noProcessed, "orders/paid")).OccurredAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 10, 41, 7, TimeSpan.FromHours(-4)), Single<PurchaseCompleted>(Shopify(noUpdated, "orders/paid")).OccurredAt);
        Assert.Equal(ReceivedAt, Single<PurchaseCompleted>(Shopify(noTimes, "orders/paid")).OccurredAt);
    }

    [Fact]
    public void Order_total_falls_back_to_total_price_when_there_is_no_current_total()
    {
        var body = Edit(Paid, order =>
        {
            order.Remove("current_total_price");
            order["total_price"] = "301.00";
        });

        Assert.Equal(301.00m, Single<PurchaseCompleted>(Shopify(body, "orders/paid")).OrderTotal);
    }

    [Fact]
    public void Paid_order_cancelled_later_takes_back_what_it_earned()
    {
        var body = Edit(Paid, order =>
        {
            order["cancelled_at"] = "2026-03-15T09:00:00-04:00";
            order["financial_status"] = "refunded";
        });

        var cancelled = Single<OrderCancelled>(Shopify(body, "orders/cancelled"));

        Assert.Equal(
            new OrderCancelled($"shopify:{Shop}:order:{OrderId}:cancelled", Member, new DateTimeOffset(2026, 3, 15, 9, 0, 0, TimeSpan.FromHours(-4)), OrderId),
            cancelled);
    }

    [Fact]
    public void Customers_redact_becomes_a_privacy_request_with_ids_only_even_without_a_shop_header()
    {
        var body = Utf8("{\"shop_id\":954889,\"shop_domain\":\"northwind-knits.myshopify.com\",\"customer\":{\"id\":191167,\"email\":\"john@example.com\",\"phone\":\"555-625-1199\"},\"orders_to_redact\":[299938,280263,220458]}");

        var request = Assert.IsType<IntakePrivacyRequest>(Shopify(body, "customers/redact", shop: null)).Request;

        Assert.Equal(("customers/redact", "northwind-knits.myshopify.com", "191167"), (request.Topic, request.ShopDomain, request.CustomerId));
        Assert.Equal(["299938", "280263", "220458"], request.OrderIds);
        Assert.Matches("^pr-[0-9a-f]{32}$", request.Id);
        Assert.DoesNotContain("john", System.Text.Json.JsonSerializer.Serialize(request), StringComparison.Ordinal);
        Assert.Equal(request.Id, Assert.IsType<IntakePrivacyRequest>(Shopify(body, "customers/redact", shop: null)).Request.Id);
    }

    [Fact]
    public void A_redact_without_a_customer_id_passes_its_email_on_to_be_hashed_and_the_request_itself_holds_none()
    {
        var body = Utf8("{\"shop_id\":954889,\"shop_domain\":\"northwind-knits.myshopify.com\",\"customer\":{\"id\":null,\"email\":\"john@example.com\",\"phone\":null},\"orders_to_redact\":[]}");

        var result = Assert.IsType<IntakePrivacyRequest>(Shopify(body, "customers/redact", shop: null));

        Assert.Equal("john@example.com", result.Email);
        Assert.Null(result.Request.CustomerId);
        Assert.DoesNotContain("john", System.Text.Json.JsonSerializer.Serialize(result.Request), StringComparison.Ordinal);

        // With a customer id the e-mail is not needed, and not passed on.
        var withId = Utf8("{\"shop_id\":954889,\"shop_domain\":\"northwind-knits.myshopify.com\",\"customer\":{\"id\":191167,\"email\":\"john@example.com\"},\"orders_to_redact\":[]}");
        Assert.Null(Assert.IsType<IntakePrivacyRequest>(Shopify(withId, "customers/redact", shop: null)).Email);
    }

    [Fact]
    public void Data_request_keeps_the_orders_requested_and_the_data_request_id_and_shop_redact_needs_only_the_shop()
    {
        var data = Utf8("{\"shop_id\":954889,\"shop_domain\":\"northwind-knits.myshopify.com\",\"orders_requested\":[299938],\"customer\":{\"id\":191167,\"email\":\"john@example.com\"},\"data_request\":{\"id\":9999}}");
        var request = Assert.IsType<IntakePrivacyRequest>(Shopify(data, "customers/data_request")).Request;
        Assert.Equal(("9999", "191167"), (request.DataRequestId, request.CustomerId));
        Assert.Equal(["299938"], request.OrderIds);

        var shop = Assert.IsType<IntakePrivacyRequest>(Shopify(Utf8("{\"shop_id\":954889,\"shop_domain\":\"northwind-knits.myshopify.com\"}"), "shop/redact")).Request;
        Assert.Equal(("shop/redact", null), (shop.Topic, shop.CustomerId));
        Assert.NotEqual(request.Id, shop.Id);
    }

    [Theory]
    [InlineData("customers/redact", "{\"shop_domain\":\"northwind-knits.myshopify.com\",\"orders_to_redact\":[1]}", "customer")]
    [InlineData("customers/redact", "{\"shop_domain\":\"northwind-knits.myshopify.com\",\"customer\":{\"id\":1},\"orders_to_redact\":[\"a/b\"]}", "orders_to_redact[0]")]
    [InlineData("shop/redact", "{\"shop_domain\":\"northwind-knits.myshopify.com\",\"customer\":{\"id\":1}}", "customer")]
    [InlineData("shop/redact", "{\"shop_domain\":\"evil.example.com\"}", "shop_domain")]
    public void Privacy_body_of_the_wrong_shape_is_refused(string topic, string body, string field) =>
        Rejected(Shopify(Utf8(body), topic), 400, ProblemTypes.InvalidField, field);

    [Theory]
    [InlineData("products/create")]
    [InlineData("orders/create")]
    [InlineData("orders/updated")]
    [InlineData("orders/fulfilled")]
    [InlineData("app/uninstalled")]
    public void Topics_not_used_are_acknowledged_so_Shopify_does_not_retry_them(string topic) =>
        Assert.Equal(new IntakeIgnored(IgnoreReasons.UnhandledTopic), Shopify(Paid, topic));

    [Theory]
    [InlineData("ORDERS/PAID")]
    [InlineData("orders")]
    [InlineData("orders/paid/x")]
    [InlineData("orders/pa id")]
    public void Topic_that_is_not_of_Shopify_form_is_refused(string topic) =>
        Rejected(Shopify(Paid, topic), 400, ProblemTypes.UnknownTopic, ShopifyIntake.TopicHeader);

    [Fact]
    public void Missing_topic_is_refused()
    {
        var headers = ShopifyHeaders(Paid, "orders/paid");
        headers.Remove(ShopifyIntake.TopicHeader);

        Rejected(ShopifyIntake.Handle(headers, Paid, ShopifySecret, ReceivedAt), 400, ProblemTypes.UnknownTopic, ShopifyIntake.TopicHeader);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("evil.example.com")]
    [InlineData("northwind-knits.myshopify.com.evil.com")]
    [InlineData("north/wind.myshopify.com")]
    [InlineData("-northwind.myshopify.com")]
    [InlineData(".myshopify.com")]
    [InlineData("northwind knits.myshopify.com")]
    public void Order_topics_need_a_myshopify_shop_domain(string? shop) =>
        Rejected(Shopify(Paid, "orders/paid", shop), 400, ProblemTypes.InvalidHeader, ShopifyIntake.ShopDomainHeader);

    [Fact]
    public void Shop_domain_is_compared_in_lower_case()
    {
        var purchase = Single<PurchaseCompleted>(Shopify(Paid, "orders/paid", "NorthWind-Knits.MyShopify.com"));

        Assert.Equal($"shopify:{Shop}:order:{OrderId}:paid", purchase.EventId);
    }

    [Fact]
    public void Header_names_match_whatever_their_case_and_the_dictionary_comparer()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["x-shopify-hmac-sha256"] = Signatures.ComputeBase64(Paid, ShopifySecret),
            ["x-shopify-topic"] = "orders/paid",
            ["x-shopify-shop-domain"] = Shop,
        };

        Assert.IsType<IntakeAccepted>(ShopifyIntake.Handle(headers, Paid, ShopifySecret, ReceivedAt));
    }

    [Fact]
    public void Ids_beyond_64_bits_keep_every_digit()
    {
        var body = Replace(Paid, "\"id\": 7290446519853219713", "\"id\": 123456789012345678901234567890");

        Assert.Equal("shopify-123456789012345678901234567890", Single<PurchaseCompleted>(Shopify(body, "orders/paid")).MemberId);
    }

    [Fact]
    public void Ids_sent_as_strings_are_kept()
    {
        var body = Edit(Paid, order => order["id"] = "5934518693917412861");

        Assert.Equal(OrderId, Single<PurchaseCompleted>(Shopify(body, "orders/paid")).OrderId);
    }

    public static TheoryData<string, string> WrongTypes => new()
    {
        { """{"line_items":[{"price":{"amount":"89.00"}}]}""", "line_items[0].price" },
        { """{"id":[5934518693917412861]}""", "id" },
        { """{"line_items":[{"quantity":"abc"}]}""", "line_items[0].quantity" },
        { """{"line_items":[{"quantity":0}]}""", "line_items[0].quantity" },
        { """{"line_items":[{"quantity":1.5}]}""", "line_items[0].quantity" },
        { """{"line_items":[{"quantity":3000000000}]}""", "line_items[0].quantity" },
        { """{"line_items":[{"price":"-1.00"}]}""", "line_items[0].price" },
        { """{"line_items":[{"price":"1000000000.00"}]}""", "line_items[0].price" },
        { """{"line_items":[{"price":"1e3"}]}""", "line_items[0].price" },
        { """{"line_items":[{"price":"12,50"}]}""", "line_items[0].price" },
        { """{"line_items":[{"price":true}]}""", "line_items[0].price" },
        { """{"line_items":[{"discount_allocations":[{"amount":"x"}]}]}""", "line_items[0].discount_allocations[0].amount" },
        { """{"line_items":[{"discount_allocations":{"amount":"1.00"}}]}""", "line_items[0].discount_allocations" },
        { """{"line_items":[{"id":null}]}""", "line_items[0].id" },
        { """{"line_items":[{"id":-5}]}""", "line_items[0].id" },
        { """{"line_items":[{"id":1.5}]}""", "line_items[0].id" },
        { """{"line_items":[{"id":1e5}]}""", "line_items[0].id" },
        { """{"line_items":[{"sku":42}]}""", "line_items[0].sku" },
        { """{"line_items":[{"gift_card":"no"}]}""", "line_items[0].gift_card" },
        { """{"currency":"US"}""", "currency" },
        { """{"currency":"U$D"}""", "currency" },
        { """{"currency":null}""", "currency" },
        { """{"customer":"7290446519853219713"}""", "customer" },
        { """{"customer":{"id":{"value":1}}}""", "customer.id" },
        { """{"customer":{"email":["a"]}}""", "customer.email" },
        { """{"processed_at":"yesterday"}""", "processed_at" },
        { """{"processed_at":"2030-01-01T00:00:00Z"}""", "occurredAt" },
        { """{"processed_at":"1999-12-31T23:59:59Z"}""", "occurredAt" },
        { """{"taxes_included":"yes"}""", "taxes_included" },
        { """{"financial_status":1}""", "financial_status" },
        { """{"line_items":null}""", "line_items" },
        { """{"line_items":"none"}""", "line_items" },
        { """{"current_total_price":"abc"}""", "current_total_price" },
        { """{"customer":{"email":"a@b.c","first_name":"x","last_name":"y","id":1},"id":12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789}""", "eventId" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Field_of_the_wrong_type_or_out_of_range_is_refused_naming_it(string patch, string field)
    {
        var body = Merge(Paid, patch);

        var rejected = Rejected(Shopify(body, "orders/paid"), 400, ProblemTypes.InvalidField, field);
        Assert.StartsWith(field + ": ", rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_that_is_not_an_object_is_refused_naming_it()
    {
        var body = Edit(Paid, order => order["line_items"]!.AsArray()[1] = "sweater");

        Rejected(Shopify(body, "orders/paid"), 400, ProblemTypes.InvalidField, "line_items[1]");
    }

    [Fact]
    public void Body_that_is_not_an_object_is_refused() =>
        Rejected(Shopify(Utf8("[1,2,3]"), "orders/paid"), 400, ProblemTypes.InvalidField, "body");

    public static TheoryData<string> HostileIds => new()
    {
        "59345'18693", "5934/518693", "5934#518693", "5934?518693", "5934\\518693", "5934\u0001518693", "5934\n518693",
        "59 34", "", "<script>", "5934%2F518693", "ÄÖÜ", new string('7', 201), "..", "-1", "_5934", "@order:1",
    };

    [Theory]
    [MemberData(nameof(HostileIds))]
    public void Hostile_ids_are_refused_naming_the_field(string id)
    {
        foreach (var (topic, payload, field, set) in new (string, byte[], string, Action<JsonObject>)[]
        {
            ("orders/paid", Paid, "id", o => o["id"] = id),
            ("orders/paid", Paid, "customer.id", o => o["customer"]!["id"] = id),
            ("orders/paid", Paid, "line_items[2].id", o => o["line_items"]![2]!["id"] = id),
            ("orders/cancelled", Paid, "id", o => o["id"] = id),
            ("refunds/create", PartialRefund, "id", o => o["id"] = id),
            ("refunds/create", PartialRefund, "order_id", o => o["order_id"] = id),
            ("refunds/create", PartialRefund, "refund_line_items[0].line_item_id", o => o["refund_line_items"]![0]!["line_item_id"] = id),
        })
        {
            var rejected = Rejected(Shopify(Edit(payload, set), topic), 400, ProblemTypes.InvalidField, field);
            if (id.Length > 0)
            {
                Assert.DoesNotContain(id, rejected.Detail, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Id_of_200_characters_is_accepted_where_it_fits()
    {
        var lineId = new string('9', 200);
        var body = Edit(Paid, order => order["line_items"]![0]!["id"] = lineId);

        Assert.Equal(lineId, Single<PurchaseCompleted>(Shopify(body, "orders/paid")).Lines[0].LineId);
    }

    [Fact]
    public void Refused_details_never_echo_personal_data()
    {
        var body = Edit(Paid, order => order["customer"]!["email"] = new string('x', 400) + "@example.net");

        var rejected = Rejected(Shopify(body, "orders/paid"), 400, ProblemTypes.InvalidField, "payload.profile.email");
        Assert.DoesNotContain("@example.net", rejected.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", rejected.Detail, StringComparison.Ordinal);
    }

    private static JsonObject Transaction(string kind, string status, string amount) =>
        new() { ["id"] = 1, ["kind"] = kind, ["status"] = status, ["amount"] = amount, ["currency"] = "USD" };

    /// <summary>The body with the patch's properties laid over it; objects merge, and an array's first object merges into the body's first element.</summary>
    private static byte[] Merge(byte[] body, string patch) => Edit(body, order => MergeInto(order, JsonNode.Parse(patch)!.AsObject()));

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is JsonObject inner && target[name] is JsonObject existing)
            {
                MergeInto(existing, inner);
            }
            else if (value is JsonArray { Count: 1 } items && items[0] is JsonObject first && target[name] is JsonArray { Count: > 0 } existingItems && existingItems[0] is JsonObject existingFirst)
            {
                MergeInto(existingFirst, first);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }
}

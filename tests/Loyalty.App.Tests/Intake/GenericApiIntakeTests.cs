using System.Text;
using System.Text.Json.Nodes;
using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

public sealed class GenericApiIntakeTests
{
    private static byte[] Purchase => Payload("generic-purchase.json");

    [Fact]
    public void Signed_purchase_envelope_is_accepted_as_sent()
    {
        var purchase = Single<PurchaseCompleted>(Api(Purchase));

        SameEvent(
            new PurchaseCompleted(
                "api:tinyshop:order:A-10452:paid",
                "tinyshop-c-3187",
                new DateTimeOffset(2026, 3, 16, 14, 5, 0, TimeSpan.Zero),
                "A-10452",
                "GBP",
                [new OrderLine("A-10452-1", "TEA-ASSAM-250", "tea", 2, 8.50m, 1.70m), new OrderLine("A-10452-2", "POT-CAST-1L", "teaware", 1, 34.00m, 0)],
                58.55m,
                new MemberProfile("olivia.grant@example.co.uk", "Olivia", "Grant")),
            purchase);
        Assert.Equal(49.30m, purchase.Lines.Sum(l => l.Merchandise));
    }

    public static TheoryData<string> ShopSideEvents => new()
    {
        EventEnvelope.Serialize(new MemberEnrolled("tinyshop:customer:3187:enrolled", "tinyshop-c-3187", At, new MemberProfile("o@example.co.uk", Birthday: new DateOnly(1990, 5, 17)))),
        EventEnvelope.Serialize(new OrderRefunded("tinyshop:order:A-10452:refund:R1", "tinyshop-c-3187", At, "A-10452", "R1", [new RefundLine("A-10452-1", 1, 7.65m)])),
        EventEnvelope.Serialize(new OrderRefunded("tinyshop:order:A-10452:refund:R2", "tinyshop-c-3187", At, "A-10452", "R2", [], 10m, Full: true)),
        EventEnvelope.Serialize(new OrderCancelled("tinyshop:order:A-10452:cancelled", "tinyshop-c-3187", At, "A-10452")),
    };

    [Theory]
    [MemberData(nameof(ShopSideEvents))]
    public void Shop_side_event_types_are_accepted(string envelope)
    {
        var body = Utf8(envelope);

        var accepted = Assert.IsType<IntakeAccepted>(Api(body));

        Assert.True(EventEnvelope.TryParse(envelope, out var sent, out _));
        Assert.Equal(EventEnvelope.Serialize(sent! with { EventId = "api:" + sent.EventId }), EventEnvelope.Serialize(Assert.Single(accepted.Events)));
    }

    [Theory]
    [InlineData("shopify:northwind-knits.myshopify.com:order:5934518693917412861:paid")]
    [InlineData("woo:shop.example.com:order:727:paid")]
    [InlineData("expire:tinyshop-c-3187:20270316")]
    [InlineData("adjust:tinyshop-c-3187:req-1")]
    public void Event_ids_are_the_APIs_own_so_no_shop_or_job_event_can_be_pre_empted_or_routed(string eventId)
    {
        var purchase = Single<PurchaseCompleted>(Api(Edit(Purchase, e => e["eventId"] = eventId)));

        Assert.Equal("api:" + eventId, purchase.EventId);

        // A Shopify-shaped purchase would otherwise claim a Shopify order and take its refunds.
        Assert.Null(Loyalty.App.Processing.OrderRouting.ClaimKeyOf(purchase));
    }

    [Fact]
    public void Event_id_leaves_room_for_the_APIs_prefix()
    {
        Assert.IsType<IntakeAccepted>(Api(Edit(Purchase, e => e["eventId"] = new string('e', Keys.MaxLength - 4))));
        Rejected(Api(Edit(Purchase, e => e["eventId"] = new string('e', Keys.MaxLength - 3))), 400, ProblemTypes.InvalidField, "eventId");
    }

    [Theory]
    [InlineData("shopify-7290446519853219713")]
    [InlineData("woo-26")]
    [InlineData("Shopify-7290446519853219713")]
    [InlineData("WOO-26")]
    public void Members_of_the_webhook_intakes_cannot_be_written_through_the_API(string memberId)
    {
        foreach (var envelope in ShopSideEvents.Select(row => row.Data).Append(Encoding.UTF8.GetString(Purchase)))
        {
            var body = Edit(Utf8(envelope), e => e["memberId"] = memberId);

            Rejected(Api(body), 400, ProblemTypes.InvalidField, "memberId");
        }

        var referral = Utf8(EventEnvelope.Serialize(new ReferralRecorded("tinyshop:ref:1", "tinyshop-c-1", At, "tinyshop-c-2")));
        Assert.IsType<IntakeAccepted>(Api(referral));
        Rejected(Api(Edit(referral, e => e["payload"]!["referrerId"] = memberId)), 400, ProblemTypes.InvalidField, "payload.referrerId");
    }

    [Fact]
    public void Member_id_may_not_be_longer_than_every_key_derived_from_it_allows()
    {
        Assert.Equal("m" + new string('1', 63), Single<PurchaseCompleted>(Api(Edit(Purchase, e => e["memberId"] = "m" + new string('1', 63)))).MemberId);
        Rejected(Api(Edit(Purchase, e => e["memberId"] = "m" + new string('1', 64))), 400, ProblemTypes.InvalidField, "memberId");
        Rejected(Api(Edit(Purchase, e => e["memberId"] = "m" + new string('1', 189))), 400, ProblemTypes.InvalidField, "memberId");
    }

    [Theory]
    [InlineData("memberId", "olivia.grant@example.co.uk")]
    [InlineData("memberId", "+447700900123")]
    [InlineData("eventId", "olivia.grant@example.co.uk:paid")]
    [InlineData("payload.orderId", "olivia@example.co.uk")]
    [InlineData("payload.orderId", "+447700900123")]
    public void Ids_that_carry_an_email_address_or_a_phone_number_are_refused_without_echoing_them(string field, string id)
    {
        var body = Edit(Purchase, e =>
        {
            if (field == "payload.orderId")
            {
                e["payload"]!["orderId"] = id;
            }
            else
            {
                e[field] = id;
            }
        });

        var rejected = Rejected(Api(body), 400, ProblemTypes.InvalidField, field);
        Assert.DoesNotContain(id, rejected.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string> ServiceSideEvents => new()
    {
        EventEnvelope.Serialize(new RedemptionRequested("r:1", "tinyshop-c-3187", At, "req-1", "free-mug", "CODE-1")),
        EventEnvelope.Serialize(new RedemptionReversed("r:2", "tinyshop-c-3187", At, "req-1", "unused")),
        EventEnvelope.Serialize(new PointsAdjusted("a:1", "tinyshop-c-3187", At, 5000, "goodwill", "owner")),
    };

    [Theory]
    [MemberData(nameof(ServiceSideEvents))]
    public void Service_side_event_types_are_refused_from_outside(string envelope) =>
        Rejected(Api(Utf8(envelope)), 400, ProblemTypes.UnknownType, "type");

    [Fact]
    public void Unknown_type_is_refused() =>
        Rejected(Api(Edit(Purchase, e => e["type"] = "purchase.maybe")), 400, ProblemTypes.UnknownType, "type");

    public static TheoryData<string, JsonNode?, string> BadEnvelopes => new()
    {
        { "eventId", null, "eventId" },
        { "eventId", "tinyshop/order/A-10452", "eventId" },
        { "memberId", "tiny#shop", "memberId" },
        { "memberId", new string('m', 201), "memberId" },
        { "memberId", 3187, "memberId" },
        { "occurredAt", "last tuesday", "occurredAt" },
        { "occurredAt", "1999-12-31T00:00:00Z", "occurredAt" },
        { "payload", "none", "payload" },
    };

    [Theory]
    [MemberData(nameof(BadEnvelopes))]
    public void Bad_envelope_field_is_refused_naming_it(string name, JsonNode? value, string field)
    {
        var body = Edit(Purchase, e => e[name] = value?.DeepClone());

        Rejected(Api(body), 400, ProblemTypes.InvalidField, field);
    }

    public static TheoryData<string, JsonNode?, string> BadPayloads => new()
    {
        { "orderId", "A?10452", "payload.orderId" },
        { "orderId", null, "payload.orderId" },
        { "currency", "gbp", "payload.currency" },
        { "currency", "POUND", "payload.currency" },
        { "lines", new JsonArray(), "payload.lines" },
        { "lines", new JsonArray((JsonNode?)null), "payload.lines[0]" },
        { "lines", JsonNode.Parse("""[{"sku":"X","quantity":1,"unitPrice":1,"discount":0}]"""), "payload.lines[0].lineId" },
        { "lines", JsonNode.Parse("""[{"lineId":"L1","quantity":0,"unitPrice":1,"discount":0}]"""), "payload.lines[0].quantity" },
        { "lines", JsonNode.Parse("""[{"lineId":"L1","quantity":"abc","unitPrice":1,"discount":0}]"""), "payload.lines[0].quantity" },
        { "lines", JsonNode.Parse("""[{"lineId":"L1","quantity":1,"unitPrice":-1,"discount":0}]"""), "payload.lines[0].unitPrice" },
        { "lines", JsonNode.Parse("""[{"lineId":"L1","quantity":1,"unitPrice":1000000000,"discount":0}]"""), "payload.lines[0].unitPrice" },
        { "lines", JsonNode.Parse("""[{"lineId":"L1","quantity":1,"unitPrice":1,"discount":-0.01}]"""), "payload.lines[0].discount" },
        { "orderTotal", -5, "payload.orderTotal" },
        { "orderTotal", "58.55", "payload.orderTotal" },
        { "profile", JsonNode.Parse($$"""{"email":"{{new string('e', 321)}}"}"""), "payload.profile.email" },
        { "profile", JsonNode.Parse($$"""{"firstName":"{{new string('f', 501)}}"}"""), "payload.profile.firstName" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public void Bad_payload_field_is_refused_naming_it(string name, JsonNode? value, string field)
    {
        var body = Edit(Purchase, e => e["payload"]![name] = value?.DeepClone());

        var rejected = Rejected(Api(body), 400, ProblemTypes.InvalidField, field);
        Assert.DoesNotContain("olivia", rejected.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void More_than_500_lines_are_refused()
    {
        var lines = new JsonArray([.. Enumerable.Range(1, 501).Select(i => (JsonNode)new JsonObject { ["lineId"] = $"L{i}", ["quantity"] = 1, ["unitPrice"] = 1, ["discount"] = 0 })]);
        var body = Edit(Purchase, e => e["payload"]!["lines"] = lines);

        Rejected(Api(body), 400, ProblemTypes.InvalidField, "payload.lines");
    }

    [Theory]
    [InlineData("2099-01-01T00:00:00Z")]
    [InlineData("2026-03-28T12:00:01Z")]
    [InlineData("1999-12-31T23:59:59Z")]
    public void Event_dated_in_the_future_or_before_2000_is_refused(string occurredAt) =>
        Rejected(Api(Edit(Purchase, e => e["occurredAt"] = occurredAt)), 400, ProblemTypes.InvalidField, "occurredAt");

    [Fact]
    public void Event_dated_up_to_a_day_after_receipt_is_accepted() =>
        Assert.IsType<IntakeAccepted>(Api(Edit(Purchase, e => e["occurredAt"] = "2026-03-27T12:00:00Z")));

    [Fact]
    public void Body_that_is_not_an_object_is_refused() =>
        Rejected(Api(Utf8("[]")), 400, ProblemTypes.InvalidField, "body");

    [Fact]
    public void Malformed_JSON_is_refused_naming_the_path_reached()
    {
        var rejected = Rejected(Api(Utf8("""{"eventId":"e:1","payload":{"lines":[{"unitPrice": 1.2.3}]}}""")), 400, ProblemTypes.MalformedJson, "payload.lines[0].unitPrice");

        Assert.Equal("Malformed JSON", rejected.Title);
    }

    private static DateTimeOffset At => new(2026, 3, 16, 14, 5, 0, TimeSpan.Zero);
}

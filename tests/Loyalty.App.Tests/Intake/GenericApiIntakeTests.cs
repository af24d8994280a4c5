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
                "tinyshop:order:A-10452:paid",
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

        Assert.Equal(envelope, EventEnvelope.Serialize(Assert.Single(accepted.Events)));
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

    [Fact]
    public void Event_dated_in_the_future_is_refused_when_the_time_of_receipt_is_given()
    {
        var body = Edit(Purchase, e => e["occurredAt"] = "2026-03-30T00:00:00Z");

        Assert.IsType<IntakeAccepted>(Api(body));
        Rejected(GenericApiIntake.Handle(ApiHeaders(body), body, ApiSecret, ReceivedAt), 400, ProblemTypes.InvalidField, "occurredAt");
    }

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

using System.Text.Json.Nodes;
using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class EventEnvelopeTests
{
    public static TheoryData<string> EventTypes() => [.. EventEnvelope.AllTypes];

    private static LoyaltyEvent Sample(string type) => type switch
    {
        EventEnvelope.Types.MemberEnrolled => Enrolled(new MemberProfile("ada@example.com", "Ada", "Lovelace", new DateOnly(1990, 12, 10))),
        EventEnvelope.Types.PurchaseCompleted => Purchase("o1", new OrderLine("l1", "SKU-1", "books", 2, 12.5m, 1.25m), new OrderLine("l2", null, null, 1, 3m, 0m)) with { OrderTotal = 30.99m, Profile = new MemberProfile(Email: "ada@example.com") },
        EventEnvelope.Types.OrderRefunded => new OrderRefunded("e-refund", Member, T0, "o1", "r1", [new RefundLine("l1", 1, 11.25m)], 2.5m, Full: false),
        EventEnvelope.Types.OrderCancelled => Cancelled("o1"),
        EventEnvelope.Types.RedemptionRequested => Redeem("q1", "five-off"),
        EventEnvelope.Types.RedemptionReversed => Reversed("q1", "order cancelled"),
        EventEnvelope.Types.PointsAdjusted => Adjusted(-15, "fraud", "risk@shop"),
        EventEnvelope.Types.BenefitUsed => new BenefitUsed("e-benefit", Member, T0, "u1", "free-delivery", "order 1001"),
        EventEnvelope.Types.PointsExpiryDue => new PointsExpiryDue("e-expire", Member, T0, new DateOnly(2026, 3, 9)),
        EventEnvelope.Types.ExpiryReminderDue => new ExpiryReminderDue("e-remind", Member, T0, new DateOnly(2026, 4, 9), 30),
        EventEnvelope.Types.BirthdayDue => new BirthdayDue("e-birthday", Member, T0, new DateOnly(2027, 2, 28)),
        EventEnvelope.Types.PendingActivationDue => new PendingActivationDue("e-activate", Member, T0, new DateOnly(2026, 3, 24)),
        EventEnvelope.Types.TierReviewDue => new TierReviewDue("e-review", Member, T0, new DateOnly(2027, 3, 10)),
        EventEnvelope.Types.ReferralRecorded => new ReferralRecorded("e-refer", Member, T0, "m2"),
        EventEnvelope.Types.ReferralRewarded => new ReferralRewarded("e-rewarded", "m2", T0, Member, "paid:o1"),
        EventEnvelope.Types.FeedbackSubmitted => new FeedbackSubmitted("e-feedback", Member, T0, 4, 9, "很好 <b>", "o1"),
        EventEnvelope.Types.ServiceRecorded => new ServiceRecorded("e-service", Member, T0, "complaint", "Parcel late", "open"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Every_event_type_survives_a_round_trip_through_the_envelope(string type)
    {
        var evt = Sample(type);

        var json = EventEnvelope.Serialize(evt);
        var ok = EventEnvelope.TryParse(json, out var parsed, out var error);

        Assert.True(ok, error);
        Assert.Null(error);
        Assert.Equal(evt.GetType(), parsed!.GetType());
        Assert.Equal((evt.EventId, evt.MemberId, evt.OccurredAt), (parsed.EventId, parsed.MemberId, parsed.OccurredAt));
        Assert.Equal(json, EventEnvelope.Serialize(parsed));
        var node = JsonNode.Parse(json)!;
        Assert.Equal(type, (string?)node["type"]);
        Assert.Equal(EventEnvelope.SchemaVersion, (int?)node["schemaVersion"]);
    }

    [Fact]
    public void Round_trip_keeps_every_field_of_a_purchase()
    {
        var evt = (PurchaseCompleted)Sample(EventEnvelope.Types.PurchaseCompleted);

        EventEnvelope.TryParse(EventEnvelope.Serialize(evt), out var parsed, out _);

        var back = Assert.IsType<PurchaseCompleted>(parsed);
        Assert.Equal(evt.Lines, back.Lines);
        Assert.Equal(evt with { Lines = back.Lines }, back);
    }

    [Fact]
    public void Missing_event_id_is_named()
    {
        var json = Envelope(n => n.Remove("eventId"));

        Assert.False(EventEnvelope.TryParse(json, out var evt, out var error));
        Assert.Null(evt);
        Assert.StartsWith("eventId:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("occurredAt", "\"yesterday\"")]
    [InlineData("memberId", "42")]
    [InlineData("schemaVersion", "\"one\"")]
    public void Envelope_field_of_the_wrong_type_is_named(string field, string value)
    {
        var json = Envelope(n => n[field] = JsonNode.Parse(value));

        Assert.False(EventEnvelope.TryParse(json, out _, out var error));
        Assert.StartsWith(field + ":", error, StringComparison.Ordinal);
        Assert.DoesNotContain("yesterday", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("points", "\"ten\"")]
    [InlineData("reason", "7")]
    public void Payload_field_of_the_wrong_type_is_named_with_its_path(string field, string value)
    {
        var json = Envelope(n => n["payload"]![field] = JsonNode.Parse(value));

        Assert.False(EventEnvelope.TryParse(json, out _, out var error));
        Assert.StartsWith($"payload.{field}:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_payload_field_of_the_wrong_type_is_named_with_its_path()
    {
        var json = EventEnvelope.Serialize(Purchase("o1", 10m)).Replace("\"quantity\":1", "\"quantity\":\"one\"", StringComparison.Ordinal);

        Assert.False(EventEnvelope.TryParse(json, out _, out var error));
        Assert.StartsWith("payload.lines[0].quantity:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_payload_field_is_named_with_its_path()
    {
        var json = Envelope(n => n["payload"]!.AsObject().Remove("actor"));

        Assert.False(EventEnvelope.TryParse(json, out _, out var error));
        Assert.Equal("payload.actor: required.", error);
    }

    [Fact]
    public void Unknown_event_type_is_named()
    {
        var json = Envelope(n => n["type"] = "points.gifted");

        Assert.False(EventEnvelope.TryParse(json, out _, out var error));
        Assert.StartsWith("type:", error, StringComparison.Ordinal);
        Assert.Contains(EventEnvelope.Types.PointsAdjusted, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    public void Body_that_is_not_an_envelope_is_refused(string json)
    {
        Assert.False(EventEnvelope.TryParse(json, out var evt, out var error));
        Assert.Null(evt);
        Assert.False(string.IsNullOrEmpty(error));
    }

    /// <summary>A valid adjustment envelope, changed by <paramref name="change"/>.</summary>
    private static string Envelope(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(EventEnvelope.Serialize(Adjusted(10)))!.AsObject();
        change(node);
        return node.ToJsonString();
    }
}

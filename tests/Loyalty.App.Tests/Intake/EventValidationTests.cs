using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;

namespace Loyalty.App.Tests.Intake;

public sealed class EventValidationTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 16, 14, 5, 0, TimeSpan.Zero);

    private static readonly PurchaseCompleted Purchase = new(
        "shop:order:1:paid", "m-1", At, "1", "USD", [new OrderLine("L1", "SKU", "cat", 2, 10m, 1m)], 25m, new MemberProfile("a@example.com", "A", "B"));

    private static readonly OrderRefunded Refund = new("shop:order:1:refund:9", "m-1", At, "1", "9", [new RefundLine("L1", 0, 0m)], 5m);

    public static TheoryData<LoyaltyEvent> ValidEvents => new()
    {
        new MemberEnrolled("e:1", "m-1", At, MemberProfile.Empty),
        Purchase,
        Refund,
        new OrderRefunded("e:3", "m-1", At, "1", "r", [], 0m, Full: true),
        new OrderCancelled("e:4", "m-1", At, "1"),
        new RedemptionRequested("e:5", "m-1", At, "req-1", "free-mug", "MUG-7Q2X"),
        new RedemptionReversed("e:6", "m-1", At, "req-1", "code not used"),
        new PointsAdjusted("e:7", "m-1", At, -250, "goodwill", "owner@shop"),
    };

    [Theory]
    [MemberData(nameof(ValidEvents))]
    public void Valid_events_have_no_problems(LoyaltyEvent evt)
    {
        Assert.Empty(EventValidation.Validate(evt));
        Assert.Empty(EventValidation.Validate(evt, At));
    }

    public static TheoryData<LoyaltyEvent, string> InvalidEvents => new()
    {
        { Purchase with { EventId = "" }, "eventId" },
        { Purchase with { EventId = new string('e', 201) }, "eventId" },
        { Purchase with { MemberId = "m/1" }, "memberId" },
        { Purchase with { MemberId = null! }, "memberId" },
        { Purchase with { MemberId = "@order:shopify:a.myshopify.com:order:1" }, "memberId" },
        { Purchase with { OccurredAt = default }, "occurredAt" },
        { Purchase with { OccurredAt = new DateTimeOffset(2100, 1, 2, 0, 0, 0, TimeSpan.Zero) }, "occurredAt" },
        { Purchase with { OrderId = "1#2" }, "payload.orderId" },
        { Purchase with { Currency = "usd" }, "payload.currency" },
        { Purchase with { Currency = "US" }, "payload.currency" },
        { Purchase with { Currency = null! }, "payload.currency" },
        { Purchase with { Lines = [] }, "payload.lines" },
        { Purchase with { Lines = null! }, "payload.lines" },
        { Purchase with { Lines = [.. Enumerable.Range(0, 501).Select(i => new OrderLine($"L{i}", null, null, 1, 1m, 0m))] }, "payload.lines" },
        { Purchase with { Lines = [null!] }, "payload.lines[0]" },
        { Purchase with { Lines = [Purchase.Lines[0], Purchase.Lines[0] with { LineId = "L?" }] }, "payload.lines[1].lineId" },
        { Purchase with { Lines = [Purchase.Lines[0] with { Quantity = 0 }] }, "payload.lines[0].quantity" },
        { Purchase with { Lines = [Purchase.Lines[0] with { UnitPrice = -0.01m }] }, "payload.lines[0].unitPrice" },
        { Purchase with { Lines = [Purchase.Lines[0] with { UnitPrice = 1_000_000_000m }] }, "payload.lines[0].unitPrice" },
        { Purchase with { Lines = [Purchase.Lines[0] with { UnitPrice = decimal.MaxValue }] }, "payload.lines[0].unitPrice" },
        { Purchase with { Lines = [Purchase.Lines[0] with { Discount = -1m }] }, "payload.lines[0].discount" },
        { Purchase with { Lines = [Purchase.Lines[0] with { Sku = new string('s', 501) }] }, "payload.lines[0].sku" },
        { Purchase with { Lines = [Purchase.Lines[0] with { Category = "a\u0000b" }] }, "payload.lines[0].category" },
        { Purchase with { OrderTotal = -1m }, "payload.orderTotal" },
        { Purchase with { Profile = new MemberProfile(new string('e', 321)) }, "payload.profile.email" },
        { Purchase with { Profile = new MemberProfile(LastName: new string('n', 501)) }, "payload.profile.lastName" },
        { Purchase with { Profile = new MemberProfile(Birthday: new DateOnly(1850, 1, 1)) }, "payload.profile.birthday" },
        { Refund with { RefundId = "" }, "payload.refundId" },
        { Refund with { Lines = null! }, "payload.lines" },
        { Refund with { Lines = [new RefundLine("L1", -1, 0m)] }, "payload.lines[0].quantity" },
        { Refund with { Lines = [new RefundLine("L 1", 1, 0m)] }, "payload.lines[0].lineId" },
        { Refund with { Lines = [new RefundLine("L1", 1, -5m)] }, "payload.lines[0].amount" },
        { Refund with { Amount = 1_000_000_000m }, "payload.amount" },
        { new OrderCancelled("e:4", "m-1", At, "?"), "payload.orderId" },
        { new MemberEnrolled("e:1", "m-1", At, null!), "payload.profile" },
        { new RedemptionRequested("e:5", "m-1", At, "req 1", "free-mug", "C"), "payload.requestId" },
        { new RedemptionRequested("e:5", "m-1", At, "req-1", "free/mug", "C"), "payload.rewardId" },
        { new RedemptionRequested("e:5", "m-1", At, "req-1", "free-mug", ""), "payload.code" },
        { new RedemptionReversed("e:6", "m-1", At, "req-1", new string('r', 501)), "payload.reason" },
        { new PointsAdjusted("e:7", "m-1", At, 1_000_000_001, "x", "y"), "payload.points" },
        { new PointsAdjusted("e:7", "m-1", At, 5, " ", "y"), "payload.reason" },
        { new PointsAdjusted("e:7", "m-1", At, 5, "x", null!), "payload.actor" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public void Each_rule_names_the_field_at_fault(LoyaltyEvent evt, string field)
    {
        var problems = EventValidation.Validate(evt);

        Assert.Equal([field], problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Message)));
    }

    [Fact]
    public void Event_more_than_a_day_after_now_is_in_the_future()
    {
        var now = At;

        Assert.Empty(EventValidation.Validate(Purchase with { OccurredAt = now.AddHours(23) }, now));
        Assert.Equal(["occurredAt"], EventValidation.Validate(Purchase with { OccurredAt = now.AddDays(2) }, now).Select(p => p.Field));
    }

    [Fact]
    public void Messages_never_echo_the_values()
    {
        var evt = Purchase with { MemberId = "secret/member", Profile = new MemberProfile("x@" + new string('y', 400)) };

        Assert.All(EventValidation.Validate(evt), p => Assert.DoesNotContain("secret", p.Message, StringComparison.Ordinal));
        Assert.All(EventValidation.Validate(evt), p => Assert.DoesNotContain("yyy", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Order_key_of_a_webhook_purchase_is_its_event_id_without_paid()
    {
        Assert.Equal("shopify:a.myshopify.com:order:42", OrderKeys.Of(Purchase with { EventId = "shopify:a.myshopify.com:order:42:paid", OrderId = "42" }));
        Assert.Equal("shopify:a.myshopify.com:order:42", OrderKeys.For("shopify:a.myshopify.com", "42"));
        Assert.Null(OrderKeys.Of(Purchase with { EventId = "custom-event-1", OrderId = "42" }));
        Assert.Null(OrderKeys.Of(Purchase with { EventId = "shop:order:43:paid", OrderId = "42" }));
    }
}

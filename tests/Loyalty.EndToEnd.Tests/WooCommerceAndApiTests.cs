using System.Net;
using System.Text;

namespace Loyalty.EndToEnd.Tests;

[Collection(ServiceCollection.Name)]
public sealed class WooCommerceAndApiTests(ServiceFixture service)
{
    [Fact]
    public async Task A_processing_woocommerce_order_earns_on_line_totals_after_the_coupon()
    {
        using var response = await service.PostWooAsync("order.created", Payloads.WooOrder(3101, 9101, "processing"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // Line totals 32.00 + 23.00 after the coupon; tax and shipping earn nothing; + 50 sign-up.
        var member = await service.WaitForMemberAsync("woo-3101", m => ServiceFixture.Balance(m) > 0);
        Assert.Equal(55 + 50, ServiceFixture.Balance(member));
    }

    [Fact]
    public async Task Woocommerce_redeliveries_and_a_later_refund_count_once_each()
    {
        var paid = Payloads.WooOrder(3102, 9102, "processing");
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => service.PostWooAsync("order.updated", paid)));
        await service.WaitForMemberAsync("woo-3102", m => ServiceFixture.Balance(m) == 105);

        // Completed with one refund of 16.30 out of 65.20 paid: a quarter of the order back, twice delivered.
        var refunded = Payloads.WooOrder(3102, 9102, "completed", (9150, "-16.30"));
        (await service.PostWooAsync("order.updated", refunded)).Dispose();
        (await service.PostWooAsync("order.updated", refunded)).Dispose();

        var member = await service.WaitForMemberAsync("woo-3102", m => ServiceFixture.Balance(m) < 105);
        await service.WaitForQueueDrainedAsync();
        member = (await service.GetMemberAsync("woo-3102"))!;
        // round(55 × 16.30 / 65.20) = round(13.75) = 14.
        Assert.Equal(105 - 14, ServiceFixture.Balance(member));
        Assert.Single(ServiceFixture.History(member), e => e!["kind"]!.GetValue<string>() == "refunded");
    }

    [Fact]
    public async Task The_woocommerce_creation_ping_is_answered_200()
    {
        using var content = new StringContent("webhook_id=17", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await service.Client.PostAsync("api/webhooks/woocommerce", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_woocommerce_guest_order_is_acknowledged_and_ignored()
    {
        using var response = await service.PostWooAsync("order.created", Payloads.WooOrder(0, 9103, "processing"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await service.GetMemberAsync("woo-0"));
    }

    [Fact]
    public async Task A_generic_api_purchase_earns_once_and_its_refund_takes_back_in_proportion()
    {
        var purchase = Payloads.GenericPurchase("shop-x:order:A-1:paid", "api-buyer-1", "A-1", 40m, 2);
        using var first = await service.PostEventAsync(purchase);
        using var again = await service.PostEventAsync(purchase);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await service.WaitForMemberAsync("api-buyer-1", m => ServiceFixture.Balance(m) == 130);

        var refund = """{"eventId":"shop-x:order:A-1:refund:R-1","type":"order.refunded","memberId":"api-buyer-1","occurredAt":"2026-11-21T10:00:00Z","payload":{"orderId":"A-1","refundId":"R-1","lines":[{"lineId":"1","quantity":1,"amount":40.00}]}}""";
        using var refunded = await service.PostEventAsync(refund);

        Assert.Equal(HttpStatusCode.Accepted, refunded.StatusCode);
        var member = await service.WaitForMemberAsync("api-buyer-1", m => ServiceFixture.Balance(m) < 130);
        Assert.Equal(130 - 40, ServiceFixture.Balance(member));
    }

    [Fact]
    public async Task The_same_order_under_another_event_id_is_credited_once()
    {
        (await service.PostEventAsync(Payloads.GenericPurchase("shop-y:order:B-1:paid", "api-buyer-3", "B-1", 30m, 1))).Dispose();
        await service.WaitForMemberAsync("api-buyer-3", m => ServiceFixture.Balance(m) == 80);

        (await service.PostEventAsync(Payloads.GenericPurchase("shop-y:order:B-1:paid-again", "api-buyer-3", "B-1", 30m, 1))).Dispose();
        (await service.PostEventAsync(Payloads.GenericPurchase("shop-y:order:B-2:paid", "api-buyer-3", "B-2", 5m, 1))).Dispose();

        // B-2 comes after the repeated B-1 on the queue; once it shows, B-1's repeat has been handled too.
        var member = await service.WaitForMemberAsync("api-buyer-3", m => ServiceFixture.Balance(m) >= 85);
        await service.WaitForQueueDrainedAsync();
        member = (await service.GetMemberAsync("api-buyer-3"))!;
        Assert.Equal(85, ServiceFixture.Balance(member));
        Assert.Equal(2, ServiceFixture.History(member).Count(e => e!["kind"]!.GetValue<string>() == "earned"));
    }

    [Fact]
    public async Task A_generic_api_call_with_a_wrong_signature_gets_401()
    {
        var body = Encoding.UTF8.GetBytes(Payloads.GenericPurchase("shop-x:order:A-2:paid", "api-buyer-2", "A-2", 10m, 1));
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Loyalty-Signature", "sha256=" + new string('0', 64));

        using var response = await service.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await service.GetMemberAsync("api-buyer-2"));
    }

    [Fact]
    public async Task A_refund_for_an_order_never_seen_is_retried_then_parked_with_its_reason()
    {
        var refund = """{"eventId":"shop-x:order:GHOST:refund:R-9","type":"order.refunded","memberId":"api-ghost","occurredAt":"2026-11-21T10:00:00Z","payload":{"orderId":"GHOST","refundId":"R-9","amount":5.00}}""";

        using var response = await service.PostEventAsync(refund);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? parked = null;
        while (parked is null && DateTime.UtcNow < deadline)
        {
            foreach (var m in (await service.PoisonQueue.PeekMessagesAsync(32)).Value)
            {
                if (m.MessageText.Contains("GHOST", StringComparison.Ordinal))
                {
                    parked = m.MessageText;
                }
            }

            await Task.Delay(200);
        }

        Assert.NotNull(parked);
        Assert.Contains("not seen", parked, StringComparison.Ordinal);
        Assert.Contains("\"dequeueCount\":5", parked, StringComparison.Ordinal);
    }
}

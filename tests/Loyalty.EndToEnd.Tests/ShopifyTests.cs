using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Loyalty.EndToEnd.Tests;

[Collection(ServiceCollection.Name)]
public sealed class ShopifyTests(ServiceFixture service)
{
    private const long SignUpBonus = 50;

    [Fact]
    public async Task Paid_order_with_a_correct_hmac_earns_one_point_per_whole_dollar_of_merchandise()
    {
        using var response = await service.PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(810001, 6100001));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var member = await service.WaitForMemberAsync("shopify-810001", m => ServiceFixture.Balance(m) > 0);
        // 110.50 of merchandise after discounts; tax (9.12) and shipping (7.95) earn nothing.
        Assert.Equal(110 + SignUpBonus, ServiceFixture.Balance(member));
        Assert.Equal("Mia", member["profile"]!["firstName"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_webhook_delivered_five_times_at_once_is_credited_once()
    {
        var body = Payloads.ShopifyOrderPaid(810002, 6100002);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => service.PostShopifyAsync("orders/paid", body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        await service.WaitForQueueDrainedAsync();
        var member = await service.WaitForMemberAsync("shopify-810002", m => ServiceFixture.Balance(m) > 0);
        Assert.Equal(110 + SignUpBonus, ServiceFixture.Balance(member));
        var history = ServiceFixture.History(member);
        Assert.Equal(2, history.Count);
        Assert.Single(history, e => e!["kind"]!.GetValue<string>() == "earned");
    }

    [Fact]
    public async Task A_partial_refund_takes_back_points_in_proportion_to_the_refunded_merchandise()
    {
        (await service.PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(810003, 6100003))).Dispose();
        await service.WaitForMemberAsync("shopify-810003", m => ServiceFixture.Balance(m) == 160);

        using var refund = await service.PostShopifyAsync("refunds/create", Payloads.ShopifyRefundTeapot(6100003, 7100003));

        Assert.Equal(HttpStatusCode.Accepted, refund.StatusCode);
        // The teapot was 67.20 of the 110.50 merchandise: round(110 × 67.20 / 110.50) = 67 points back.
        var member = await service.WaitForMemberAsync("shopify-810003", m => ServiceFixture.Balance(m) < 160);
        Assert.Equal(160 - 67, ServiceFixture.Balance(member));
        var taken = ServiceFixture.History(member).Single(e => e!["kind"]!.GetValue<string>() == "refunded")!;
        Assert.Equal(-67, taken["points"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_cancelled_order_takes_back_everything_it_earned()
    {
        (await service.PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(810004, 6100004))).Dispose();
        await service.WaitForMemberAsync("shopify-810004", m => ServiceFixture.Balance(m) == 160);
        var cancelled = JsonNode.Parse(Payloads.ShopifyOrderPaid(810004, 6100004))!.AsObject();
        cancelled["financial_status"] = "refunded";
        cancelled["cancelled_at"] = "2026-11-21T08:00:00-05:00";
        cancelled["cancel_reason"] = "customer";

        using var response = await service.PostShopifyAsync("orders/cancelled", cancelled.ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var member = await service.WaitForMemberAsync("shopify-810004", m => ServiceFixture.Balance(m) < 160);
        Assert.Equal(SignUpBonus, ServiceFixture.Balance(member));
    }

    [Fact]
    public async Task A_bad_hmac_gets_401_and_writes_nothing()
    {
        await service.WaitForQueueDrainedAsync();
        var before = await service.SnapshotAsync();
        var body = Payloads.ShopifyOrderPaid(810005, 6100005);

        using var wrong = await service.PostShopifyAsync("orders/paid", body, signature: Testing.Signing.Base64("x"u8.ToArray(), Testing.LocalHost.ShopifySecret));
        using var missing = await service.PostShopifyAsync("orders/paid", body, signature: "");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        await Task.Delay(300);
        Assert.Empty((await service.SnapshotAsync()).ChangesSince(before));
        Assert.Null(await service.GetMemberAsync("shopify-810005"));
    }

    [Fact]
    public async Task An_order_too_large_for_a_queue_message_gets_413_and_writes_nothing()
    {
        await service.WaitForQueueDrainedAsync();
        var before = await service.SnapshotAsync();
        var order = JsonNode.Parse(Payloads.ShopifyOrderPaid(810006, 6100006))!.AsObject();
        var template = order["line_items"]![0]!.ToJsonString();
        var lines = new JsonArray();
        for (var i = 0; i < 480; i++)
        {
            var line = JsonNode.Parse(template)!.AsObject();
            line["id"] = 90_000_000_000 + i;
            line["sku"] = $"TEA-SAMPLER-{i:D4}-" + new string('X', 100);
            line["product_type"] = "Tea samplers and seasonal collections";
            lines.Add(line);
        }

        order["line_items"] = lines;

        using var response = await service.PostShopifyAsync("orders/paid", order.ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("/problems/event-too-large", (await response.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>());
        await Task.Delay(300);
        Assert.Empty((await service.SnapshotAsync()).ChangesSince(before));
        Assert.Null(await service.GetMemberAsync("shopify-810006"));
    }

    [Fact]
    public async Task Malformed_json_gets_a_400_problem()
    {
        using var response = await service.PostShopifyAsync("orders/paid", "{\"id\": 1, \"line_items\": [");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(400, problem!["status"]!.GetValue<int>());
        Assert.StartsWith("/problems/", problem["type"]!.GetValue<string>());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// Issue 9 through the local host: a signed body cannot be replayed under another topic or
/// delivery id, the generic API keeps to its own members and event ids, test orders, refunds
/// in the order and shipping refunds, unused topics, id limits and header names.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class IntakeHardeningTests(ServiceFixture service)
{
    private const string Shop = "test-shop.myshopify.com";

    [Fact]
    public async Task A_paid_order_resent_as_a_cancellation_is_refused_and_takes_nothing_back()
    {
        var body = Payloads.ShopifyOrderPaid(820001, 6200001);
        (await PostShopifyAsync("orders/paid", body)).Dispose();
        await service.WaitForMemberAsync("shopify-820001", m => ServiceFixture.Balance(m) == 160);

        using var swapped = await PostShopifyAsync("orders/cancelled", body);

        Assert.Equal(HttpStatusCode.BadRequest, swapped.StatusCode);
        Assert.Equal("cancelled_at", (await swapped.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(160, ServiceFixture.Balance((await service.GetMemberAsync("shopify-820001"))!));
    }

    [Fact]
    public async Task A_delivery_seen_before_is_acknowledged_without_queueing_again()
    {
        var body = Payloads.ShopifyOrderPaid(820002, 6200002);
        var webhookId = Guid.NewGuid().ToString();
        using var first = await PostShopifyAsync("orders/paid", body, webhookId);
        await service.WaitForMemberAsync("shopify-820002", m => ServiceFixture.Balance(m) == 160);
        await service.WaitForQueueDrainedAsync();

        using var again = await PostShopifyAsync("orders/paid", body, webhookId);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("delivery already received", (await again.Content.ReadFromJsonAsync<JsonObject>())!["ignored"]!.GetValue<string>());
        Assert.Equal(0, await ServiceFixture.DepthAsync(service.EventsQueue));
        var orders = new Azure.Data.Tables.TableClient(service.Azurite.ConnectionString, "orders");
        var row = (await orders.GetEntityAsync<Azure.Data.Tables.TableEntity>($"shopify:{Shop}:webhook:{webhookId}", "delivery")).Value;
        Assert.Equal($"shopify:{Shop}:order:6200002:paid", row.GetString("EventIds"));
    }

    [Fact]
    public async Task A_delivery_whose_events_could_not_be_queued_is_not_recorded_as_seen()
    {
        // 400 lines with long SKUs: under the 1 MiB body limit, over the 64 KiB queue message,
        // so the send fails before anything is queued; the same delivery again must not be
        // taken for one already queued.
        var order = JsonNode.Parse(Payloads.ShopifyOrderPaid(820010, 6200010))!.AsObject();
        var line = order["line_items"]![0]!.ToJsonString();
        order["line_items"] = new JsonArray([.. Enumerable.Range(1, 400).Select(i =>
        {
            var copy = JsonNode.Parse(line)!.AsObject();
            copy["id"] = 90000000 + i;
            copy["sku"] = new string('S', 400) + i;
            return (JsonNode)copy;
        })]);
        var body = order.ToJsonString();
        var webhookId = Guid.NewGuid().ToString();

        using var first = await PostShopifyAsync("orders/paid", body, webhookId);
        using var again = await PostShopifyAsync("orders/paid", body, webhookId);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, first.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, again.StatusCode);
    }

    [Fact]
    public async Task Headers_under_the_names_without_X_are_read()
    {
        var body = Encoding.UTF8.GetBytes(Payloads.ShopifyOrderPaid(820003, 6200003));
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(body) };
        request.Headers.Add("shopify-topic", "orders/paid");
        request.Headers.Add("shopify-shop-domain", Shop);
        request.Headers.Add("shopify-webhook-id", Guid.NewGuid().ToString());
        request.Headers.Add("shopify-hmac-sha256", Signing.Base64(body, LocalHost.ShopifySecret));

        using var response = await service.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await service.WaitForMemberAsync("shopify-820003", m => ServiceFixture.Balance(m) == 160);
    }

    [Fact]
    public async Task The_generic_api_cannot_credit_a_shop_member_nor_take_over_its_refunds()
    {
        // The Shopify order is credited first; then the API holder sends a purchase under the
        // Shopify event id of that order for a member of its own, then Shopify refunds the teapot.
        (await PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(820004, 6200004))).Dispose();
        await service.WaitForMemberAsync("shopify-820004", m => ServiceFixture.Balance(m) == 160);

        using var intoShopify = await service.PostEventAsync(Payloads.GenericPurchase("api-x:order:1:paid", "shopify-820004", "1", 500m, 1));
        using var intoWoo = await service.PostEventAsync(Payloads.GenericPurchase("api-x:order:2:paid", "woo-820004", "2", 500m, 1));
        using var shaped = await service.PostEventAsync(Payloads.GenericPurchase($"shopify:{Shop}:order:6200004:paid", "api-thief-1", "6200004", 1m, 1));
        Assert.Equal(HttpStatusCode.BadRequest, intoShopify.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, intoWoo.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, shaped.StatusCode);
        Assert.Equal($"api:shopify:{Shop}:order:6200004:paid", (await shaped.Content.ReadFromJsonAsync<JsonObject>())!["eventIds"]![0]!.GetValue<string>());
        await service.WaitForMemberAsync("api-thief-1", m => ServiceFixture.Balance(m) == 51);

        using var refund = await PostShopifyAsync("refunds/create", Payloads.ShopifyRefundTeapot(6200004, 7200004));

        Assert.Equal(HttpStatusCode.Accepted, refund.StatusCode);
        await service.WaitForMemberAsync("shopify-820004", m => ServiceFixture.Balance(m) == 160 - 67);
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(51, ServiceFixture.Balance((await service.GetMemberAsync("api-thief-1"))!));
        Assert.Null(await service.GetMemberAsync("woo-820004"));
    }

    [Fact]
    public async Task The_generic_api_refuses_an_event_dated_in_the_future()
    {
        var body = JsonNode.Parse(Payloads.GenericPurchase("api-x:order:3:paid", "api-future-1", "3", 10m, 1))!.AsObject();
        body["occurredAt"] = "2099-01-01T00:00:00Z";

        using var response = await service.PostEventAsync(body.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("occurredAt", (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("api-future-1"));
    }

    [Fact]
    public async Task A_test_order_earns_nothing()
    {
        var order = JsonNode.Parse(Payloads.ShopifyOrderPaid(820005, 6200005))!.AsObject();
        order["test"] = true;

        using var response = await PostShopifyAsync("orders/paid", order.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("test order", (await response.Content.ReadFromJsonAsync<JsonObject>())!["ignored"]!.GetValue<string>());
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("shopify-820005"));
    }

    [Fact]
    public async Task A_paid_order_that_lists_a_refund_earns_only_on_the_rest_and_that_refunds_delivery_changes_nothing()
    {
        var order = JsonNode.Parse(Payloads.ShopifyOrderPaid(820006, 6200006))!.AsObject();
        order["financial_status"] = "partially_refunded";
        order["refunds"] = new JsonArray(JsonNode.Parse(Payloads.ShopifyRefundTeapot(6200006, 7200006)));

        using var paid = await PostShopifyAsync("orders/paid", order.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, paid.StatusCode);
        await service.WaitForMemberAsync("shopify-820006", m => ServiceFixture.Balance(m) == 160 - 67);

        using var refund = await PostShopifyAsync("refunds/create", Payloads.ShopifyRefundTeapot(6200006, 7200006));
        Assert.Equal(HttpStatusCode.Accepted, refund.StatusCode);
        await service.WaitForQueueDrainedAsync();

        var member = (await service.GetMemberAsync("shopify-820006"))!;
        Assert.Equal(160 - 67, ServiceFixture.Balance(member));
        Assert.Single(ServiceFixture.History(member), e => e!["kind"]!.GetValue<string>() == "refunded");
    }

    [Fact]
    public async Task A_refund_of_shipping_alone_takes_nothing_back()
    {
        (await PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(820007, 6200007))).Dispose();
        await service.WaitForMemberAsync("shopify-820007", m => ServiceFixture.Balance(m) == 160);
        var refund = JsonNode.Parse(Payloads.ShopifyRefundTeapot(6200007, 7200007))!.AsObject();
        refund["refund_line_items"] = new JsonArray();
        refund["transactions"]![0]!["amount"] = "7.95";
        refund["order_adjustments"] = new JsonArray(new JsonObject { ["id"] = 1, ["amount"] = "-7.95", ["tax_amount"] = "0.00", ["kind"] = "shipping_refund", ["reason"] = "Shipping refund" });

        using var response = await PostShopifyAsync("refunds/create", refund.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(160, ServiceFixture.Balance((await service.GetMemberAsync("shopify-820007"))!));
    }

    [Theory]
    [InlineData("orders/create")]
    [InlineData("orders/updated")]
    [InlineData("orders/fulfilled")]
    public async Task Shopify_topics_not_used_are_answered_200_and_change_nothing(string topic)
    {
        using var response = await PostShopifyAsync(topic, Payloads.ShopifyOrderPaid(820008, 6200008));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("shopify-820008"));
    }

    [Theory]
    [InlineData("product.updated")]
    [InlineData("customer.created")]
    public async Task WooCommerce_events_not_used_are_answered_200_and_change_nothing(string topic)
    {
        using var response = await service.PostWooAsync(topic, Payloads.WooOrder(820009, 6200009, "processing"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("woo-820009"));
    }

    [Fact]
    public async Task Member_ids_longer_than_their_derived_keys_allow_are_refused_at_intake_and_on_the_member_routes()
    {
        var tooLong = "api-" + new string('x', 186);
        using var purchase = await service.PostEventAsync(Payloads.GenericPurchase("api-x:order:4:paid", tooLong, "4", 10m, 1));
        using var read = await Keyed.SendAsync(service.Client, HttpMethod.Get, $"api/members/{"m" + new string('1', 64)}", null);
        using var adjust = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/admin/members/{tooLong}/adjustments", new { points = 10, reason = "goodwill", requestId = "adj-1" });
        using var redeem = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/members/{tooLong}/redemptions", new { rewardId = "free-shipping", requestId = "r-1" });

        Assert.Equal(HttpStatusCode.BadRequest, purchase.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, adjust.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, redeem.StatusCode);
        Assert.Equal("memberId", (await adjust.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_ids_longer_than_their_derived_keys_allow_are_refused()
    {
        const string member = "api-request-ids-1";
        (await service.PostEventAsync(Payloads.GenericPurchase("api-x:order:5:paid", member, "5", 300m, 1))).Dispose();
        await service.WaitForMemberAsync(member, m => ServiceFixture.Balance(m) == 350);

        using var redeem = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/members/{member}/redemptions", new { rewardId = "free-shipping", requestId = new string('r', 61) });
        using var adjust = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/admin/members/{member}/adjustments", new { points = 10, reason = "goodwill", requestId = new string('a', 61) });

        Assert.Equal(HttpStatusCode.BadRequest, redeem.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, adjust.StatusCode);
        Assert.Equal(350, ServiceFixture.Balance((await service.GetMemberAsync(member))!));
    }

    [Theory]
    [InlineData("olivia.grant@example.co.uk")]
    [InlineData("tel+447700900123")]
    public async Task An_email_address_or_phone_number_as_member_id_is_refused_and_never_logged(string memberId)
    {
        using var purchase = await service.PostEventAsync(Payloads.GenericPurchase("api-x:order:6:paid", memberId, "6", 10m, 1));
        using var read = await Keyed.SendAsync(service.Client, HttpMethod.Get, $"api/members/{Uri.EscapeDataString(memberId)}", null);
        using var adjust = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/admin/members/{Uri.EscapeDataString(memberId)}/adjustments", new { points = 10, reason = "goodwill", requestId = "adj-6" });

        Assert.Equal(HttpStatusCode.BadRequest, purchase.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, adjust.StatusCode);
        await service.WaitForQueueDrainedAsync();
        Assert.DoesNotContain(memberId, service.Host.Output, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostShopifyAsync(string topic, string body, string? webhookId = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", Shop);
        request.Headers.Add("X-Shopify-Webhook-Id", webhookId ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Hmac-Sha256", Signing.Base64(bytes, LocalHost.ShopifySecret));
        return service.Client.SendAsync(request);
    }
}

/// <summary>A host of its own whose clock the tests move, with timers off.</summary>
public sealed class ClockFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Local__TestClock"] = "true",
        ["Loyalty__Local__RunTimers"] = "false",
    };
}

/// <summary>A member id and request ids at their limits work on every route and in the timer jobs.</summary>
public sealed class LongIdTests(ClockFixture service) : IClassFixture<ClockFixture>
{
    [Fact]
    public async Task A_member_id_of_the_longest_allowed_length_earns_redeems_is_adjusted_uses_a_benefit_and_expires()
    {
        var member = "api-" + new string('m', 60);
        var request = new string('q', 60);
        await At("2027-03-01T17:00:00Z");
        using (var purchase = await service.PostEventAsync(JsonSerializer.Serialize(new
        {
            eventId = "long:order:L-1:paid",
            type = "purchase.completed",
            memberId = member,
            occurredAt = "2027-03-01T00:00:00Z",
            payload = new { orderId = "L-1", currency = "USD", orderTotal = 605m, lines = new[] { new { lineId = "1", sku = "TEA", category = "Tea", quantity = 1, unitPrice = 600m, discount = 0m } } },
        })))
        {
            Assert.Equal(HttpStatusCode.Accepted, purchase.StatusCode);
        }

        await service.WaitForMemberAsync(member, m => ServiceFixture.Balance(m) == 650);

        using var redeem = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/members/{member}/redemptions", new { rewardId = "free-shipping", requestId = request });
        using var adjust = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/admin/members/{member}/adjustments", new { points = 25, reason = "goodwill", requestId = request });
        using var benefit = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"api/members/{member}/benefits/free-delivery/uses", new { requestId = request, note = "longest ids" });
        Assert.Equal(HttpStatusCode.Created, redeem.StatusCode);
        Assert.Equal(HttpStatusCode.Created, adjust.StatusCode);
        Assert.Equal(HttpStatusCode.Created, benefit.StatusCode);
        Assert.Equal(650 - 75 + 25, ServiceFixture.Balance((await service.GetMemberAsync(member))!));

        // A year and a day on, the expiry job reaches the member (its event id is expire:{member}:{day}).
        await At("2028-03-03T17:00:00Z");
        using var run = await Keyed.SendAsync(service.Client, HttpMethod.Post, "api/admin/jobs/ExpirePoints/runs", null);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.True((await run.Content.ReadFromJsonAsync<JsonObject>())!["eventsQueued"]!.GetValue<int>() >= 1);
        await service.WaitForQueueDrainedAsync();

        var after = (await service.GetMemberAsync(member))!;
        Assert.Equal(0, ServiceFixture.Balance(after));
        Assert.Contains(ServiceFixture.History(after), e => e!["kind"]!.GetValue<string>() == "expired");
        Assert.Equal(0, await ServiceFixture.DepthAsync(service.PoisonQueue));
    }

    private async Task At(string instant)
    {
        using var response = await Keyed.SendAsync(service.Client, HttpMethod.Post, $"_local/clock", new { now = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture) });
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>Requests with the key a route needs in the <c>x-functions-key</c> header: the admin key under /api/admin and /_local, the storefront key elsewhere.</summary>
internal static class Keyed
{
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var admin = path.StartsWith("api/admin/", StringComparison.Ordinal) || path.StartsWith("_local/", StringComparison.Ordinal);
        request.Headers.Add("x-functions-key", admin ? LocalHost.AdminKey : LocalHost.StorefrontKey);
        return client.SendAsync(request);
    }
}

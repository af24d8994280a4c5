using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// A host of its own that parks a message after two quick deliveries (so the tests of what
/// waits for the operator do not wait out the default five) and holds credits over 1,000
/// points an event or 1,500 a member a day.
/// </summary>
public sealed class MoneyFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Processing__MaxAttempts"] = "2",
        ["Loyalty__Processing__RetryDelaySeconds"] = "0",
        ["Loyalty__Program__MaxPointsPerEvent"] = "1000",
        ["Loyalty__Program__MaxPointsPerMemberPerDay"] = "1500",
    };

    /// <summary>The held events of a status, by event id.</summary>
    public async Task<Dictionary<string, JsonObject>> HeldAsync(string status = "pending")
    {
        using var list = await AdminAsync(HttpMethod.Get, $"api/admin/held-events?status={status}");
        list.EnsureSuccessStatusCode();
        return (await list.Content.ReadFromJsonAsync<JsonObject>())!["events"]!.AsArray()
            .ToDictionary(e => e!["eventId"]!.GetValue<string>(), e => e!.AsObject());
    }

    /// <summary>Waits until <paramref name="eventId"/> is held with <paramref name="status"/>.</summary>
    public async Task<JsonObject> WaitForHeldAsync(string eventId, string status = "pending")
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if ((await HeldAsync(status)).TryGetValue(eventId, out var held))
            {
                return held;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{eventId} was not held as {status}.");
    }

    /// <summary>Sends <paramref name="method"/> to <paramref name="url"/> with the admin key as the header.</summary>
    public Task<HttpResponseMessage> AdminAsync(HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return Client.SendAsync(request);
    }

    /// <summary>Polls the poison queue through the admin route until a message holding <paramref name="text"/> is listed.</summary>
    public async Task<JsonObject> WaitForParkedAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var list = await AdminAsync(HttpMethod.Get, "api/admin/poison");
            list.EnsureSuccessStatusCode();
            var found = (await list.Content.ReadFromJsonAsync<JsonObject>())!["messages"]!.AsArray()
                .FirstOrDefault(m => m!["message"]!.GetValue<string>().Contains(text, StringComparison.Ordinal));
            if (found is not null)
            {
                return found.AsObject();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No parked message holds {text}.");
    }
}

/// <summary>
/// Points are money, through the local host on Azurite: what cannot be applied waits for the
/// operator without expiring and is applied once when replayed.
/// </summary>
public sealed class MoneyTests(MoneyFixture service) : IClassFixture<MoneyFixture>
{
    [Fact]
    public async Task A_parked_message_never_expires_is_listed_with_its_reason_and_a_replay_applies_it_once()
    {
        // A generic API refund of an order the service has not seen: parked after two tries.
        var refund = """{"eventId":"shop-p:order:P-1:refund:R-1","type":"order.refunded","memberId":"api-parked","occurredAt":"2026-11-21T10:00:00Z","payload":{"orderId":"P-1","refundId":"R-1","full":true}}""";
        (await service.PostEventAsync(refund)).Dispose();

        var parked = await service.WaitForParkedAsync("shop-p:order:P-1:refund:R-1");
        Assert.Contains("not seen", parked["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, parked["dequeueCount"]!.GetValue<long>());
        Assert.True(parked["neverExpires"]!.GetValue<bool>());

        // The queue service itself says the message has no expiry (it reports 9999-12-31).
        var peeked = (await service.PoisonQueue.PeekMessagesAsync(32)).Value.Single(m => m.MessageId == parked["id"]!.GetValue<string>());
        Assert.Equal(9999, peeked.ExpiresOn!.Value.Year);

        // The order arrives; the operator replays: the refund takes back everything, once.
        (await service.PostEventAsync(Payloads.GenericPurchase("shop-p:order:P-1:paid", "api-parked", "P-1", 20m, 2))).Dispose();
        await service.WaitForMemberAsync("api-parked", m => ServiceFixture.Balance(m) == 90);
        using var replay = await service.AdminAsync(HttpMethod.Post, "api/admin/poison/replays", new { max = 50 });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True((await replay.Content.ReadFromJsonAsync<JsonObject>())!["replayed"]!.GetValue<int>() >= 1);

        var member = await service.WaitForMemberAsync("api-parked", m => ServiceFixture.Balance(m) == 50);
        await service.WaitForQueueDrainedAsync();
        member = (await service.GetMemberAsync("api-parked"))!;
        Assert.Equal(50, ServiceFixture.Balance(member));
        Assert.Single(ServiceFixture.History(member), e => e!["kind"]!.GetValue<string>() == "refunded");
        var poison = (await service.PoisonQueue.PeekMessagesAsync(32)).Value;
        Assert.DoesNotContain(poison, m => m.MessageText.Contains("shop-p:order:P-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_poison_routes_take_only_the_admin_key_and_a_bad_replay_body_is_refused()
    {
        using var noKey = await service.Client.GetAsync("api/admin/poison");
        using var storefront = await service.Client.GetAsync($"api/admin/poison?code={LocalHost.StorefrontKey}");
        using var replayNoKey = await service.Client.PostAsJsonAsync("api/admin/poison/replays", new { max = 1 });
        using var badMax = await service.AdminAsync(HttpMethod.Post, "api/admin/poison/replays", new { max = 0 });

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, storefront.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayNoKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badMax.StatusCode);
        Assert.Equal("max", (await badMax.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_purchase_over_the_per_event_limit_is_held_credits_nothing_until_approved_and_then_once()
    {
        // 1,200 of merchandise: 1,200 points and the 50 sign-up bonus, over 1,000 an event.
        const string eventId = "api:held:o1:paid";
        var purchase = Payloads.GenericPurchase("held:o1:paid", "held-big", "held-o1", 600m, 2);
        (await service.PostEventAsync(purchase)).Dispose();

        var held = await service.WaitForHeldAsync(eventId);
        Assert.Equal(("held-big", 1250L), (held["memberId"]!.GetValue<string>(), held["points"]!.GetValue<long>()));
        Assert.Contains("1000", held["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // Delivered again: still one held row, and the member still has nothing.
        (await service.PostEventAsync(purchase)).Dispose();
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("held-big"));
        Assert.Contains("held for approval", service.Host.Output, StringComparison.Ordinal);

        using var approve = await service.AdminAsync(HttpMethod.Post, $"api/admin/held-events/{eventId}/approval", new { actor = "owner", note = "wholesale order, checked" });
        using var again = await service.AdminAsync(HttpMethod.Post, $"api/admin/held-events/{eventId}/approval", new { actor = "owner" });
        using var reject = await service.AdminAsync(HttpMethod.Post, $"api/admin/held-events/{eventId}/rejection", new { actor = "owner" });

        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        Assert.Equal("approved", (await approve.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, reject.StatusCode);
        var member = (await service.GetMemberAsync("held-big"))!;
        Assert.Equal(1250, ServiceFixture.Balance(member));
        Assert.Single(ServiceFixture.History(member), e => e!["kind"]!.GetValue<string>() == "earned");

        // A redelivery after approval is the same order: nothing more.
        (await service.PostEventAsync(purchase)).Dispose();
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(1250, ServiceFixture.Balance((await service.GetMemberAsync("held-big"))!));
        Assert.Equal("approved", (await service.HeldAsync("approved"))[eventId]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Credits_over_the_per_day_limit_are_held_and_a_rejected_one_is_never_applied()
    {
        // 900 + 50 today is within both limits (and makes the member Silver, x1.25); another 600
        // of merchandise earns 750 and would make 1,700 a day.
        (await service.PostEventAsync(Payloads.GenericPurchase("day:o1:paid", "held-day", "day-o1", 900m, 1))).Dispose();
        await service.WaitForMemberAsync("held-day", m => ServiceFixture.Balance(m) == 950);
        var second = Payloads.GenericPurchase("day:o2:paid", "held-day", "day-o2", 600m, 1);
        (await service.PostEventAsync(second)).Dispose();

        var held = await service.WaitForHeldAsync("api:day:o2:paid");
        Assert.Equal(750, held["points"]!.GetValue<long>());
        Assert.Contains("950 already credited today", held["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        using var reject = await service.AdminAsync(HttpMethod.Post, "api/admin/held-events/api:day:o2:paid/rejection", new { note = "test order" });
        using var approveAfter = await service.AdminAsync(HttpMethod.Post, "api/admin/held-events/api:day:o2:paid/approval");
        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, approveAfter.StatusCode);
        Assert.Equal("/problems/already-rejected", (await approveAfter.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>());

        // The shop sends it again: it stays rejected and earns nothing.
        (await service.PostEventAsync(second)).Dispose();
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(950, ServiceFixture.Balance((await service.GetMemberAsync("held-day"))!));
        Assert.True((await service.HeldAsync("rejected")).ContainsKey("api:day:o2:paid"));
    }

    [Fact]
    public async Task An_adjustment_over_the_limit_answers_202_held_and_is_credited_on_approval()
    {
        (await service.PostEventAsync(Payloads.GenericPurchase("adj:o1:paid", "held-adjust", "adj-o1", 10m, 1))).Dispose();
        await service.WaitForMemberAsync("held-adjust", m => ServiceFixture.Balance(m) == 60);

        using var adjust = await service.AdminAsync(HttpMethod.Post, "api/admin/members/held-adjust/adjustments", new { points = 5000, reason = "migration from the spreadsheet", requestId = "big-1" });
        Assert.Equal(HttpStatusCode.Accepted, adjust.StatusCode);
        var body = (await adjust.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("held", "adjust:held-adjust:big-1"), (body["status"]!.GetValue<string>(), body["eventId"]!.GetValue<string>()));
        Assert.Equal(60, ServiceFixture.Balance((await service.GetMemberAsync("held-adjust"))!));

        using var approve = await service.AdminAsync(HttpMethod.Post, "api/admin/held-events/adjust:held-adjust:big-1/approval");
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        Assert.Equal(5060, ServiceFixture.Balance((await service.GetMemberAsync("held-adjust"))!));

        // The same request sent again is the approved adjustment: answered, not applied twice.
        using var retry = await service.AdminAsync(HttpMethod.Post, "api/admin/members/held-adjust/adjustments", new { points = 5000, reason = "migration from the spreadsheet", requestId = "big-1" });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(5060, ServiceFixture.Balance((await service.GetMemberAsync("held-adjust"))!));
    }

    [Fact]
    public async Task The_held_event_routes_take_only_the_admin_key_and_refuse_what_is_not_held()
    {
        using var noKey = await service.Client.GetAsync("api/admin/held-events");
        using var badStatus = await service.AdminAsync(HttpMethod.Get, "api/admin/held-events?status=maybe");
        using var unknown = await service.AdminAsync(HttpMethod.Post, "api/admin/held-events/api:nothing-held/approval");
        using var badNote = await service.AdminAsync(HttpMethod.Post, "api/admin/held-events/api:nothing-held/rejection", new { note = new string('n', 501) });

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("/problems/held-event-not-found", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badNote.StatusCode);
    }

    [Fact]
    public async Task One_Shopify_order_sent_for_two_customers_is_credited_once_the_second_is_parked_and_refunds_follow_the_claim()
    {
        const string first = "shopify-930001";
        (await service.PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(930001, 9300001))).Dispose();
        await service.WaitForMemberAsync(first, m => ServiceFixture.Balance(m) == 160);

        // The same order id, signed, for another customer.
        (await service.PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(930002, 9300001))).Dispose();
        var parked = await service.WaitForParkedAsync("\"memberId\":\"shopify-930002\"");
        Assert.Contains("credited to another member", parked["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await service.GetMemberAsync("shopify-930002"));

        (await service.PostShopifyAsync("refunds/create", Payloads.ShopifyRefundTeapot(9300001, 93001))).Dispose();
        await service.WaitForMemberAsync(first, m => ServiceFixture.Balance(m) == 93);
    }

    [Fact]
    public async Task A_Shopify_refund_before_its_order_waits_durably_and_is_taken_back_when_the_order_arrives()
    {
        const string member = "shopify-931001";
        (await service.PostShopifyAsync("refunds/create", Payloads.ShopifyRefundTeapot(9310001, 93101))).Dispose();
        await service.WaitForQueueDrainedAsync();

        // Well past two deliveries: nothing parked, the refund waits on the order's claim.
        await Task.Delay(1000);
        Assert.DoesNotContain((await service.PoisonQueue.PeekMessagesAsync(32)).Value, m => m.MessageText.Contains(":order:9310001:", StringComparison.Ordinal));
        var claim = (await new Azure.Data.Tables.TableClient(service.Azurite.ConnectionString, "orders").GetEntityAsync<Azure.Data.Tables.TableEntity>("shopify:test-shop.myshopify.com:order:9310001", "member")).Value;
        Assert.Contains("refund:93101", claim.GetString("Waiting"), StringComparison.Ordinal);

        (await service.PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(931001, 9310001))).Dispose();
        var after = await service.WaitForMemberAsync(member, m => ServiceFixture.History(m).Any(e => e!["kind"]!.GetValue<string>() == "refunded"));
        await service.WaitForQueueDrainedAsync();
        after = (await service.GetMemberAsync(member))!;
        Assert.Equal(93, ServiceFixture.Balance(after));
        Assert.Single(ServiceFixture.History(after), e => e!["kind"]!.GetValue<string>() == "refunded");
    }

    [Fact]
    public async Task A_WooCommerce_cancellation_before_its_paid_order_takes_everything_back_when_the_order_arrives()
    {
        const string member = "woo-932001";
        // Paid, then cancelled: WooCommerce keeps date_paid on the cancelled order.
        var cancelled = JsonNode.Parse(Payloads.WooOrder(932001, 9320001, "cancelled"))!;
        cancelled["date_paid"] = "2026-11-19T10:13:00";
        cancelled["date_paid_gmt"] = "2026-11-19T15:13:00";
        (await service.PostWooAsync("order.updated", cancelled.ToJsonString())).Dispose();
        await service.WaitForQueueDrainedAsync();
        (await service.PostWooAsync("order.created", Payloads.WooOrder(932001, 9320001, "processing"))).Dispose();

        var after = await service.WaitForMemberAsync(member, m => ServiceFixture.History(m).Any(e => e!["kind"]!.GetValue<string>() == "cancelled"));
        await service.WaitForQueueDrainedAsync();
        after = (await service.GetMemberAsync(member))!;
        Assert.Equal(50, ServiceFixture.Balance(after));
        Assert.Single(ServiceFixture.History(after), e => e!["kind"]!.GetValue<string>() == "earned");
        Assert.Single(ServiceFixture.History(after), e => e!["kind"]!.GetValue<string>() == "cancelled");
    }
}

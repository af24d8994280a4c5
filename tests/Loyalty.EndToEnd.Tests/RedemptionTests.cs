using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

[Collection(ServiceCollection.Name)]
public sealed class RedemptionTests(ServiceFixture service)
{
    private async Task<string> MemberWithBalanceAsync(string memberId, decimal merchandise)
    {
        (await service.PostEventAsync(Payloads.GenericPurchase($"t:{memberId}:o1:paid", memberId, $"{memberId}-o1", merchandise, 1))).Dispose();
        await service.WaitForMemberAsync(memberId, m => ServiceFixture.Balance(m) > 0);
        return memberId;
    }

    private Task<HttpResponseMessage> RedeemAsync(string memberId, string rewardId, string requestId) =>
        service.Client.PostAsJsonAsync($"api/members/{memberId}/redemptions?code={LocalHost.StorefrontKey}", new { rewardId, requestId });

    [Fact]
    public async Task Twenty_concurrent_redemptions_against_a_balance_for_five_give_exactly_five()
    {
        // 450 of merchandise + the 50 sign-up bonus = 500 points = five $5-off rewards at 100.
        var memberId = await MemberWithBalanceAsync("api-redeem-20", 450m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => RedeemAsync(memberId, "usd-5-off", $"req-{i}")));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var codes = new HashSet<string>();
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            var body = (await r.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(body["balance"]!.GetValue<long>() >= 0);
            codes.Add(body["code"]!.GetValue<string>());
        }

        Assert.Equal(5, codes.Count);
        var member = (await service.GetMemberAsync(memberId))!;
        Assert.Equal(0, ServiceFixture.Balance(member));
        Assert.Equal(5, ServiceFixture.History(member).Count(e => e!["kind"]!.GetValue<string>() == "redeemed"));
    }

    [Fact]
    public async Task The_same_request_id_returns_the_same_redemption()
    {
        var memberId = await MemberWithBalanceAsync("api-redeem-same", 250m);

        using var first = await RedeemAsync(memberId, "usd-5-off", "once");
        using var again = await RedeemAsync(memberId, "usd-5-off", "once");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var a = (await first.Content.ReadFromJsonAsync<JsonObject>())!;
        var b = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(a["code"]!.GetValue<string>(), b["code"]!.GetValue<string>());
        Assert.Equal(300 - 100, ServiceFixture.Balance((await service.GetMemberAsync(memberId))!));
    }

    [Fact]
    public async Task A_refund_of_points_already_spent_becomes_debt_that_later_earnings_repay()
    {
        var memberId = await MemberWithBalanceAsync("api-debt", 200m);
        using var redeemed = await RedeemAsync(memberId, "pct-10-off", "spend-all");
        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);

        var refund = $$$"""{"eventId":"t:{{{memberId}}}:o1:refund:full","type":"order.refunded","memberId":"{{{memberId}}}","occurredAt":"2026-11-21T10:00:00Z","payload":{"orderId":"{{{memberId}}}-o1","refundId":"full","full":true}}""";
        (await service.PostEventAsync(refund)).Dispose();
        var member = await service.WaitForMemberAsync(memberId, m => m["debt"]!.GetValue<long>() > 0);
        Assert.Equal(0, ServiceFixture.Balance(member));
        Assert.Equal(200, member["debt"]!.GetValue<long>());

        (await service.PostEventAsync(Payloads.GenericPurchase($"t:{memberId}:o2:paid", memberId, $"{memberId}-o2", 300m, 1))).Dispose();
        member = await service.WaitForMemberAsync(memberId, m => m["debt"]!.GetValue<long>() == 0);
        Assert.Equal(100, ServiceFixture.Balance(member));
    }

    [Fact]
    public async Task History_pages_newest_first_with_a_continuation_token()
    {
        var memberId = await MemberWithBalanceAsync("api-history", 500m);
        for (var i = 0; i < 3; i++)
        {
            (await RedeemAsync(memberId, "free-shipping", $"h{i}")).Dispose();
        }

        var seen = new List<long>();
        string? token = null;
        do
        {
            var url = $"api/members/{memberId}?pageSize=2&code={LocalHost.StorefrontKey}" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = (await service.Client.GetFromJsonAsync<JsonObject>(url))!;
            var entries = ServiceFixture.History(page);
            Assert.InRange(entries.Count, 1, 2);
            seen.AddRange(entries.Select(e => e!["sequence"]!.GetValue<long>()));
            token = page["history"]!["continuationToken"]?.GetValue<string>();
        }
        while (token is not null);

        // Sign-up bonus, the purchase, the move to Silver it made (500.00 of spend) and three
        // redemptions: six entries, newest first, none twice.
        Assert.Equal([6L, 5, 4, 3, 2, 1], seen);
    }

    [Fact]
    public async Task The_program_lists_its_rewards_with_their_costs()
    {
        var program = (await service.Client.GetFromJsonAsync<JsonObject>("api/program"))!;

        Assert.Equal("USD", program["currency"]!.GetValue<string>());
        var rewards = program["rewards"]!.AsArray();
        Assert.Contains(rewards, r => r!["pointsCost"]!.GetValue<long>() <= 100);
        Assert.All(rewards, r =>
        {
            Assert.False(string.IsNullOrEmpty(r!["id"]!.GetValue<string>()));
            Assert.False(string.IsNullOrEmpty(r["name"]!.GetValue<string>()));
            Assert.False(string.IsNullOrEmpty(r["kind"]!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task Refusals_say_why()
    {
        var memberId = await MemberWithBalanceAsync("api-redeem-refused", 10m);

        using var tooDear = await RedeemAsync(memberId, "pct-10-off", "r1");
        using var unknown = await RedeemAsync(memberId, "no-such-reward", "r2");
        using var noKey = await service.Client.PostAsJsonAsync($"api/members/{memberId}/redemptions", new { rewardId = "usd-5-off", requestId = "r3" });

        Assert.Equal(HttpStatusCode.Conflict, tooDear.StatusCode);
        Assert.Equal("/problems/insufficient-points", (await tooDear.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(60, ServiceFixture.Balance((await service.GetMemberAsync(memberId))!));
    }

    [Fact]
    public async Task An_admin_adjustment_is_recorded_with_reason_and_actor()
    {
        var memberId = await MemberWithBalanceAsync("api-adjust", 20m);

        // Without the key: refused, and its -30 never lands.
        using var unauthorised = await service.Client.PostAsJsonAsync(
            $"api/admin/members/{memberId}/adjustments",
            new { points = -30, reason = "Duplicate account merge", actor = "owner@shop" });

        // With the key in the header and an explicit actor: recorded with that actor.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments")
        {
            Content = JsonContent.Create(new { points = 5, reason = "Goodwill", actor = "owner@shop", requestId = "adjust-1" }),
        };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var withActor = await service.Client.SendAsync(request);

        // No actor: recorded as the default actor.
        using var plain = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments")
        {
            Content = JsonContent.Create(new { points = -3, reason = "Price correction", requestId = "adjust-2" }),
        };
        plain.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var withoutActor = await service.Client.SendAsync(plain);

        // The first one retried (a timeout, a double click): answered again, applied once.
        using var again = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments")
        {
            Content = JsonContent.Create(new { points = 5, reason = "Goodwill", actor = "owner@shop", requestId = "adjust-1" }),
        };
        again.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var retried = await service.Client.SendAsync(again);

        // Without a requestId a retry could not be told from a second adjustment: refused.
        using var noRequestId = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments")
        {
            Content = JsonContent.Create(new { points = 7, reason = "Goodwill" }),
        };
        noRequestId.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var withoutRequestId = await service.Client.SendAsync(noRequestId);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withActor.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withoutActor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutRequestId.StatusCode);
        Assert.Equal("requestId", (await withoutRequestId.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        var created = (await withActor.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("adjust-1", 5L, 75L), (created["requestId"]!.GetValue<string>(), created["points"]!.GetValue<long>(), created["balance"]!.GetValue<long>()));
        var member = (await service.GetMemberAsync(memberId))!;
        Assert.Equal(72, ServiceFixture.Balance(member));
        var adjustments = ServiceFixture.History(member).Where(e => e!["kind"]!.GetValue<string>() == "adjusted").Select(e => e!).ToList();
        Assert.Equal(2, adjustments.Count);
        var (latest, earlier) = (adjustments[0], adjustments[1]);
        Assert.Equal((-3L, "Price correction", "admin"), (latest["points"]!.GetValue<long>(), latest["reason"]!.GetValue<string>(), latest["actor"]!.GetValue<string>()));
        Assert.Equal((5L, "Goodwill", "owner@shop"), (earlier["points"]!.GetValue<long>(), earlier["reason"]!.GetValue<string>(), earlier["actor"]!.GetValue<string>()));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// The member's own page through the local host: a link made by the owner's route opens one
/// member's summary (the same figures as the API) and redeems for that member only, through the
/// redemption handler (one discount in the Shopify stand-in); a tampered, another member's, or
/// expired link gets a problem and nothing else.
/// </summary>
public sealed class MemberPageTests(RewardsFixture service) : IClassFixture<RewardsFixture>
{
    [Fact]
    public async Task A_link_opens_only_its_own_member_s_page_and_a_tampered_other_or_expired_link_opens_nothing()
    {
        var ada = await RewardTests.ShopifyMemberAsync(service.Client, 8201, 300);
        var bob = await RewardTests.ShopifyMemberAsync(service.Client, 8202, 900);
        var link = await LinkAsync(ada, days: 1);
        var query = new Uri(link).Query;

        var (status, summary) = await GetAsync($"api/member-page/{ada}/summary{query}");
        Assert.Equal(HttpStatusCode.OK, status);
        var api = await MemberAsync(ada);
        Assert.Equal(api["balance"]!.GetValue<long>(), summary["balance"]!.GetValue<long>());
        Assert.Equal(ada, summary["memberId"]!.GetValue<string>());
        Assert.DoesNotContain("email", summary.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var rewards = summary["rewards"]!.AsArray();
        Assert.True(rewards.Single(r => r!["id"]!.GetValue<string>() == "usd-5-off")!["canRedeem"]!.GetValue<bool>());
        Assert.False(rewards.Single(r => r!["id"]!.GetValue<string>() == "free-mug")!["canRedeem"]!.GetValue<bool>());

        // The page itself opens with the link and says nothing without it.
        using (var page = await service.Client.GetAsync($"api/member-page/{ada}{query}"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("data-link=\"ok\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        }

        // Tampered: one hex digit of the signature, the expiry pushed out; another member's id with Ada's link.
        var signature = query[(query.IndexOf("signature=", StringComparison.Ordinal) + 10)..];
        var flipped = query.Replace(signature, (signature[0] == '0' ? "1" : "0") + signature[1..], StringComparison.Ordinal);
        var expires = long.Parse(query.Split('&')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        var later = query.Replace($"expires={expires}", $"expires={expires + 86_400}", StringComparison.Ordinal);
        foreach (var path in new[] { $"api/member-page/{ada}/summary{flipped}", $"api/member-page/{ada}/summary{later}", $"api/member-page/{bob}/summary{query}" })
        {
            var (refused, problem) = await GetAsync(path);
            Assert.True(refused == HttpStatusCode.Forbidden, $"{path}: {refused}");
            Assert.Equal("/problems/invalid-link", problem["type"]!.GetValue<string>());
            Assert.Null(problem["balance"]);
        }

        using (var page = await service.Client.GetAsync($"api/member-page/{bob}{query}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Contains("data-link=\"refused\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (missing, _) = await GetAsync($"api/member-page/{ada}/summary");
        Assert.Equal(HttpStatusCode.Unauthorized, missing);

        // Another member's link cannot redeem for Ada, and writes nothing.
        var bobQuery = new Uri(await LinkAsync(bob, days: 1)).Query;
        var (crossed, _) = await RedeemAsync(ada, bobQuery, "usd-5-off", "crossed-1");
        Assert.Equal(HttpStatusCode.Forbidden, crossed);
        Assert.Equal(api["balance"]!.GetValue<long>(), (await MemberAsync(ada))["balance"]!.GetValue<long>());

        // Two days on, the one-day link has expired.
        await ClockAsync(DateTimeOffset.UtcNow.AddDays(2));
        var (expired, gone) = await GetAsync($"api/member-page/{ada}/summary{query}");
        Assert.Equal(HttpStatusCode.Forbidden, expired);
        Assert.Equal("/problems/link-expired", gone["type"]!.GetValue<string>());
        var (fresh, _) = await GetAsync($"api/member-page/{ada}/summary{new Uri(await LinkAsync(ada, days: 1)).Query}");
        Assert.Equal(HttpStatusCode.OK, fresh);
    }

    [Fact]
    public async Task A_redemption_from_the_page_spends_the_points_once_and_creates_exactly_one_discount_in_the_shop()
    {
        var member = await RewardTests.ShopifyMemberAsync(service.Client, 8203, 250);
        var query = new Uri(await LinkAsync(member, days: 30)).Query;
        var before = (await MemberAsync(member))["balance"]!.GetValue<long>();
        var shopBefore = service.Shopify.Discounts.Count;

        var (status, body) = await RedeemAsync(member, query, "usd-5-off", "page-1");
        Assert.True(status == HttpStatusCode.Created, $"{status} {body}");
        var code = body["code"]!.GetValue<string>();
        var (again, repeat) = await RedeemAsync(member, query, "usd-5-off", "page-1");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(code, repeat["code"]!.GetValue<string>());

        Assert.Equal(shopBefore + 1, service.Shopify.Discounts.Count);
        Assert.Single(service.Shopify.Discounts, d => d.Code == code);
        Assert.Equal(before - 100, (await MemberAsync(member))["balance"]!.GetValue<long>());

        // The page lists the code as ready, and offers only what the balance now affords.
        var (_, summary) = await GetAsync($"api/member-page/{member}/summary{query}");
        var listed = Assert.Single(summary["codes"]!.AsArray());
        Assert.Equal(code, listed!["code"]!.GetValue<string>());
        Assert.Equal("ready", listed["status"]!.GetValue<string>());
        Assert.False(listed["used"]!.GetValue<bool>());
        var balance = summary["balance"]!.GetValue<long>();
        Assert.Equal(before - 100, balance);
        Assert.All(summary["rewards"]!.AsArray(), r => Assert.Equal(balance >= r!["pointsCost"]!.GetValue<long>(), r["canRedeem"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Through_Shopify_s_app_proxy_the_signed_in_customer_sees_their_page_and_redeems_and_a_tampered_or_old_request_gets_nothing()
    {
        var ada = await RewardTests.ShopifyMemberAsync(service.Client, 8301, 300);
        var bob = await RewardTests.ShopifyMemberAsync(service.Client, 8302, 900);
        var bobBefore = (await MemberAsync(bob))["balance"]!.GetValue<long>();
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(5).ToUnixTimeSeconds());
        await ClockAsync(now);

        // Signed as Shopify's app proxy signs (the shop is the one of Loyalty:Shopify:ShopUrl, here the stand-in's host).
        string Proxy(string customer, DateTimeOffset at, string? shop = null) => "?" + Signing.ShopifyProxyQuery(
            [("shop", shop ?? service.Shopify.ShopUrl.Host), ("logged_in_customer_id", customer), ("path_prefix", "/apps/loyalty"), ("timestamp", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))],
            LocalHost.ShopifySecret);
        var signed = Proxy("8301", now.AddSeconds(-30));

        using (var page = await service.Client.GetAsync($"api/shopify-proxy/member-page{signed}"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("data-link=\"ok\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (status, summary) = await GetAsync($"api/shopify-proxy/member-page/summary{signed}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((ada, (await MemberAsync(ada))["balance"]!.GetValue<long>()), (summary["memberId"]!.GetValue<string>(), summary["balance"]!.GetValue<long>()));

        // The redeem button posts JSON through the proxy: one discount in the shop. A form post (no JSON) redeems nothing.
        var before = (await MemberAsync(ada))["balance"]!.GetValue<long>();
        using (var form = await service.Client.PostAsync($"api/shopify-proxy/member-page/redemptions{signed}", new FormUrlEncodedContent([new("rewardId", "usd-5-off"), new("requestId", "proxy-form")])))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        }

        using (var redeemed = await service.Client.PostAsJsonAsync($"api/shopify-proxy/member-page/redemptions{signed}", new { rewardId = "usd-5-off", requestId = "proxy-1" }))
        {
            var body = (await redeemed.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(redeemed.StatusCode == HttpStatusCode.Created, $"{redeemed.StatusCode} {body}");
            Assert.Single(service.Shopify.Discounts, d => d.Code == body["code"]!.GetValue<string>());
        }

        Assert.Equal(before - 100, (await MemberAsync(ada))["balance"]!.GetValue<long>());

        // Nobody signed in to the shop: the page asks them to sign in, the summary is 401.
        var anonymous = Proxy("", now);
        using (var page = await service.Client.GetAsync($"api/shopify-proxy/member-page{anonymous}"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("data-link=\"sign-in\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync($"api/shopify-proxy/member-page/summary{anonymous}")).Status);

        // Another customer put in a signed request, six minutes old, another shop's, or unsigned: 403 and nothing.
        var tampered = signed.Replace("logged_in_customer_id=8301", "logged_in_customer_id=8302", StringComparison.Ordinal);
        var old = Proxy("8301", now.AddMinutes(-6));
        foreach (var (query, problem) in new[] { (tampered, "invalid-proxy-signature"), (Proxy("8301", now, shop: "other-shop.myshopify.com"), "invalid-proxy-signature"), (signed[..signed.IndexOf("&signature=", StringComparison.Ordinal)], "invalid-proxy-signature"), (old, "proxy-request-expired") })
        {
            var (refused, body) = await GetAsync($"api/shopify-proxy/member-page/summary{query}");
            Assert.True(refused == HttpStatusCode.Forbidden, $"{query}: {refused}");
            Assert.Equal("/problems/" + problem, body["type"]!.GetValue<string>());
            Assert.Null(body["balance"]);
            using var post = await service.Client.PostAsJsonAsync($"api/shopify-proxy/member-page/redemptions{query}", new { rewardId = "free-shipping", requestId = "proxy-bad" });
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }

        using (var page = await service.Client.GetAsync($"api/shopify-proxy/member-page{old}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Contains("data-link=\"refused\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(before - 100, (await MemberAsync(ada))["balance"]!.GetValue<long>());
        Assert.Equal(bobBefore, (await MemberAsync(bob))["balance"]!.GetValue<long>());
    }

    private async Task<string> LinkAsync(string member, int days)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{member}/page-links") { Content = JsonContent.Create(new { days }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
    }

    private async Task<JsonObject> MemberAsync(string member)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/members/{member}");
        request.Headers.Add("x-functions-key", LocalHost.StorefrontKey);
        using var response = await service.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string path)
    {
        using var response = await service.Client.GetAsync(path);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> RedeemAsync(string member, string query, string reward, string requestId)
    {
        using var response = await service.Client.PostAsJsonAsync($"api/member-page/{member}/redemptions{query}", new { rewardId = reward, requestId });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private async Task ClockAsync(DateTimeOffset now)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "_local/clock") { Content = JsonContent.Create(new { now }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}

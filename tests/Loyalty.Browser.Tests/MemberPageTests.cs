using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.Browser.Tests;

/// <summary>The demo host with its Shopify redemptions going to the Admin API stand-in (it follows Shopify's published reference; the real service cannot run here).</summary>
public sealed class MemberPageBrowser : ConsoleBrowser
{
    public const string ShopifyToken = "shpat_test0token0for0the0stand0in0a1b2";

    public ShopifyAdminStandIn Shopify { get; private set; } = null!;

    protected override async Task<Dictionary<string, string>> HostSettingsAsync()
    {
        Shopify = await ShopifyAdminStandIn.StartAsync(ShopifyToken);
        return new()
        {
            ["Loyalty__Shopify__ShopUrl"] = Shopify.ShopUrl.ToString(),
            ["Loyalty__Shopify__AccessToken"] = ShopifyToken,
            ["Loyalty__Local__TestClock"] = "true",
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Shopify is not null)
        {
            await Shopify.DisposeAsync();
        }
    }
}

/// <summary>
/// The member's own page in headless Chromium: opened from the owner's signed link it shows the
/// API's balance and rewards, a redeem creates exactly one discount in the Shopify stand-in, a
/// tampered or expired link shows nothing of the member; 1280 and 375 px (Chinese) screenshots.
/// </summary>
public sealed class MemberPageTests(MemberPageBrowser browser) : IClassFixture<MemberPageBrowser>
{
    [Fact]
    public async Task The_page_shows_the_api_s_balance_and_rewards_and_one_redeem_creates_exactly_one_discount_in_the_shop()
    {
        var member = await ShopifyMemberAsync(8301, 500);
        var link = await LinkAsync(member, 30);
        var api = await ApiAsync($"api/members/{member}");

        await using var s = await browser.OpenAsync();
        await s.Page.GotoAsync(link);
        await s.ReadyAsync();
        Assert.Equal(api["balance"]!.GetValue<long>().ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")), (await s.Page.TextContentAsync("#balance"))!.Trim());
        var program = await ApiAsync("api/program");
        var shown = await s.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#rewards li[data-reward]')].map(li => li.dataset.reward)");
        Assert.Equal(program["rewards"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()), shown);
        var buttons = await s.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#rewards button.redeem')].map(b => b.dataset.reward)");
        var balance = api["balance"]!.GetValue<long>();
        Assert.Equal(program["rewards"]!.AsArray().Where(r => r!["pointsCost"]!.GetValue<long>() <= balance).Select(r => r!["id"]!.GetValue<string>()), buttons);
        await s.ShotAsync("member-page-desktop");

        var before = browser.Shopify.Discounts.Count;
        await s.Page.ClickAsync("#rewards button.redeem[data-reward=usd-5-off]");
        await s.Page.WaitForSelectorAsync("body[data-redeemed='1']");
        var code = await s.Page.GetAttributeAsync("#redeem-result", "data-code");
        Assert.False(string.IsNullOrEmpty(code), await s.Page.TextContentAsync("#redeem-result"));
        Assert.Equal(before + 1, browser.Shopify.Discounts.Count);
        Assert.Single(browser.Shopify.Discounts, d => d.Code == code);
        var after = await ApiAsync($"api/members/{member}");
        Assert.Equal(balance - 100, after["balance"]!.GetValue<long>());
        Assert.Equal(after["balance"]!.GetValue<long>().ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")), (await s.Page.TextContentAsync("#balance"))!.Trim());
        Assert.Equal(code, (await s.Page.TextContentAsync("#codes li .code"))!.Trim());
        await s.ShotAsync("member-page-redeemed-desktop");
        Assert.All(s.Requests, r => Assert.StartsWith(s.Origin, r, StringComparison.Ordinal));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task At_375_px_in_chinese_nothing_scrolls_sideways_and_a_tampered_or_expired_link_shows_nothing()
    {
        var member = await ShopifyMemberAsync(8302, 200);
        var link = await LinkAsync(member, 1);

        await using (var s = await browser.OpenAsync(375, 812, "zh-CN"))
        {
            await s.Page.GotoAsync(link);
            await s.ReadyAsync();
            Assert.Equal("我的积分", await s.Page.TitleAsync());
            Assert.False(await s.Page.IsHiddenAsync("#page"));
            Assert.False(await s.ScrollsSidewaysAsync());
            await s.ShotAsync("member-page-phone-zh");
            s.AssertNoErrors();
        }

        var tampered = link.Replace("signature=", "signature=0", StringComparison.Ordinal)[..^1];
        await AssertShowsNothingAsync(tampered, HttpStatusCode.Forbidden, "member-page-tampered");

        using (var client = browser.Host.CreateClient())
        using (var clock = new HttpRequestMessage(HttpMethod.Post, "_local/clock") { Content = JsonContent.Create(new { now = DateTimeOffset.UtcNow.AddDays(2) }) })
        {
            clock.Headers.Add("x-functions-key", LocalHost.AdminKey);
            (await client.SendAsync(clock)).EnsureSuccessStatusCode();
        }

        await AssertShowsNothingAsync(link, HttpStatusCode.Forbidden, "member-page-expired");
    }

    private async Task AssertShowsNothingAsync(string url, HttpStatusCode status, string shot)
    {
        await using var s = await browser.OpenAsync(375, 812, "en-GB");
        var response = await s.Page.GotoAsync(url);
        Assert.Equal((int)status, response!.Status);
        await s.ReadyAsync();
        Assert.True(await s.Page.IsVisibleAsync("#refused"));
        Assert.StartsWith("This link does not work", (await s.Page.TextContentAsync("#refused"))!.Trim(), StringComparison.Ordinal);
        Assert.True(await s.Page.IsHiddenAsync("#page"));
        Assert.Equal(string.Empty, (await s.Page.TextContentAsync("#balance"))!.Trim());
        Assert.Equal(0, await s.Page.Locator("#rewards li").CountAsync());
        await s.ShotAsync(shot);
    }

    private async Task<JsonObject> ApiAsync(string path)
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<string> LinkAsync(string member, int days)
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{member}/page-links") { Content = JsonContent.Create(new { days }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
    }

    // A Shopify customer's paid order (the local host's sample), signed as Shopify signs it, enrols the member; an adjustment adds points.
    private async Task<string> ShopifyMemberAsync(long customerId, long points)
    {
        using var client = browser.Host.CreateClient();
        var order = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "functions", "Loyalty.Local", "samples", "shopify-orders-paid.json")))!.AsObject();
        order["id"] = 770_000 + customerId;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{770_000 + customerId}";
        order["customer"]!["id"] = customerId;
        var bytes = Encoding.UTF8.GetBytes(order.ToJsonString());
        using var post = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        post.Content.Headers.ContentType = new("application/json");
        post.Headers.Add("X-Shopify-Topic", "orders/paid");
        post.Headers.Add("X-Shopify-Shop-Domain", "test-shop.myshopify.com");
        post.Headers.Add("X-Shopify-Hmac-Sha256", Signing.Base64(bytes, LocalHost.ShopifySecret));
        using var queued = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var member = $"shopify-{customerId}";
        for (var i = 0; i < 600 && !(await client.GetAsync($"api/members/{member}?code={LocalHost.StorefrontKey}")).IsSuccessStatusCode; i++)
        {
            await Task.Delay(100);
        }

        using var adjust = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{member}/adjustments") { Content = JsonContent.Create(new { points, reason = "points for the page test", requestId = "page-" + customerId }) };
        adjust.Headers.Add("x-functions-key", LocalHost.AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(adjust)).StatusCode);
        return member;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.Browser.Tests;

/// <summary>
/// The privacy requests on the console's members page, in headless Chromium: Shopify's
/// <c>customers/data_request</c> and <c>customers/redact</c>, signed as Shopify signs them with the
/// bodies of Shopify's published payload shapes, shown queued, then done after the
/// <c>ProcessPrivacyRequests</c> job with a download of the prepared data equal to the API's.
/// </summary>
public sealed class PrivacyRequestsPageTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private const string Shop = "console-shop.myshopify.com";
    private const long Customer = 7700101;
    private const long Order = 77001011;

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path)
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        var copy = new HttpResponseMessage(response.StatusCode) { Content = new ByteArrayContent(await response.Content.ReadAsByteArrayAsync()) };
        return copy;
    }

    private async Task<HttpStatusCode> ShopifyAsync(string topic, string body)
    {
        using var client = browser.Host.CreateClient();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", Shop);
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Hmac-Sha256", Signing.Base64(bytes, LocalHost.ShopifySecret));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<JsonArray> RequestsAsync()
    {
        using var response = await AdminAsync(HttpMethod.Get, "api/admin/privacy-requests");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["requests"]!.AsArray();
    }

    [Fact]
    public async Task The_members_page_lists_the_privacy_requests_with_their_status_and_downloads_a_prepared_export()
    {
        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        Assert.Equal("No privacy request has been received.", (await s.Page.TextContentAsync("#privacy-status"))!.Trim());

        // A Shopify customer who bought (the local host's sample order), then asks for their data; another shop customer asks to be erased.
        var order = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "functions", "Loyalty.Local", "samples", "shopify-orders-paid.json")))!.AsObject();
        order["id"] = Order;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{Order}";
        order["customer"]!["id"] = Customer;
        Assert.Equal(HttpStatusCode.Accepted, await ShopifyAsync("orders/paid", order.ToJsonString()));
        for (var i = 0; i < 150; i++)
        {
            using var member = await AdminAsync(HttpMethod.Get, $"api/members/shopify-{Customer}");
            if (member.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, await ShopifyAsync("customers/data_request", $$$"""{"shop_id":954889,"shop_domain":"{{{Shop}}}","orders_requested":[{{{Order}}}],"customer":{"id":{{{Customer}}},"email":"asker@example.org","phone":"+15550100101"},"data_request":{"id":4242}}"""));
        Assert.Equal(HttpStatusCode.OK, await ShopifyAsync("customers/redact", $$$"""{"shop_id":954889,"shop_domain":"{{{Shop}}}","customer":{"id":7700999,"email":"gone@example.org","phone":"+15550100999"},"orders_to_redact":[]}"""));

        // Queued: no download yet.
        await s.Page.ReloadAsync();
        await s.ReadyAsync();
        var queued = await RequestsAsync();
        Assert.Equal(2, queued.Count);
        Assert.Equal(2, await s.Page.Locator("#privacy-requests tbody tr[data-status=queued]").CountAsync());
        var dataRequestId = queued.Single(r => r!["request"]!["topic"]!.GetValue<string>() == "customers/data_request")!["request"]!["id"]!.GetValue<string>();
        Assert.Equal("being prepared", (await s.Page.TextContentAsync($"#privacy-requests tr[data-request='{dataRequestId}'] td:nth-child(6)"))!.Trim());
        Assert.Equal(0, await s.Page.Locator("#privacy-requests a").CountAsync());

        using (var run = await AdminAsync(HttpMethod.Post, "api/admin/jobs/ProcessPrivacyRequests/runs"))
        {
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        }

        // Done: each row as the API lists it, newest first, and the data request's download.
        await s.Page.ReloadAsync();
        await s.ReadyAsync();
        var done = await RequestsAsync();
        var rows = s.Page.Locator("#privacy-requests tbody tr");
        Assert.Equal(done.Select(r => r!["request"]!["id"]!.GetValue<string>()), await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.request)"));
        foreach (var r in done)
        {
            var request = r!["request"]!;
            var id = request["id"]!.GetValue<string>();
            Assert.Equal("done", request["status"]!.GetValue<string>());
            var cells = await s.Page.Locator($"#privacy-requests tr[data-request='{id}'] td").AllTextContentsAsync();
            Assert.StartsWith("done", cells[3], StringComparison.Ordinal);
            Assert.Equal(string.Join(", ", request["memberIds"]!.AsArray().Select(m => m!.GetValue<string>())), cells[4]);
            Assert.Contains(request["customerId"]!.GetValue<string>(), cells[2], StringComparison.Ordinal);
        }

        Assert.Equal(["Customer data request", "Erase a customer"], (await s.Page.Locator("#privacy-requests tbody tr td:nth-child(2)").AllTextContentsAsync()).Order(StringComparer.Ordinal));
        var link = s.Page.Locator($"#privacy-requests tr[data-request='{dataRequestId}'] a");
        Assert.Equal($"/api/admin/privacy-requests/{dataRequestId}/export", await link.GetAttributeAsync("href"));
        var download = await s.Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var downloaded = JsonNode.Parse(await File.ReadAllTextAsync((await download.PathAsync())!))!;
        using var export = await AdminAsync(HttpMethod.Get, $"api/admin/privacy-requests/{dataRequestId}/export");
        var fromApi = (await export.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(fromApi.ToJsonString(), downloaded.ToJsonString());
        Assert.Equal($"shopify-{Customer}", Assert.Single(downloaded["members"]!.AsArray())!["memberId"]!.GetValue<string>());

        // Nothing the shop sent about the customer is on the page.
        Assert.DoesNotContain("asker@example.org", await s.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.All(s.Requests, url => Assert.StartsWith(s.Origin + "/", url, StringComparison.Ordinal));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task At_375_px_in_chinese_the_privacy_section_does_not_scroll_sideways()
    {
        await using var s = await browser.OpenAsync(375, 812, "zh-CN");
        await s.SignInAsync();
        Assert.Equal("隐私请求", (await s.Page.TextContentAsync("#h-privacy"))!.Trim());
        Assert.False(await s.ScrollsSidewaysAsync());
        s.AssertNoErrors();
    }
}

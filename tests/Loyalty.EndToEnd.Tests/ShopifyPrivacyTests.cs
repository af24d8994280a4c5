using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Loyalty.App.Operations;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// Shopify's mandatory privacy topics through the local host, signed as Shopify signs them, with
/// the bodies of Shopify's published payload shapes (shop_id, shop_domain, customer { id, email,
/// phone }, orders_to_redact / orders_requested, data_request { id }).
/// </summary>
/// <remarks>Its own Azurite and host: <c>shop/redact</c> erases every Shopify member there is.</remarks>
public sealed class ShopifyPrivacyTests(ShopifyPrivacyTests.PrivacyFixture service) : IClassFixture<ShopifyPrivacyTests.PrivacyFixture>
{
    /// <summary>A service of its own.</summary>
    public sealed class PrivacyFixture : ServiceFixture;

    private const string Shop = "test-shop.myshopify.com";

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return await service.Client.SendAsync(request);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PrivacyAsync(string topic, string body, string webhookId)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", Shop);
        request.Headers.Add("X-Shopify-Webhook-Id", webhookId);
        request.Headers.Add("X-Shopify-Hmac-Sha256", Signing.Base64(bytes, LocalHost.ShopifySecret));
        using var response = await service.Client.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private async Task<JsonObject> RunJobAsync()
    {
        using var run = await AdminAsync(HttpMethod.Post, "api/admin/jobs/ProcessPrivacyRequests/runs");
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        return (await run.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task BuyAsync(long customer, long order, string email, string phone, string last)
    {
        var body = JsonNode.Parse(Payloads.ShopifyOrderPaid(customer, order))!.AsObject();
        body["email"] = email;
        body["phone"] = phone;
        var who = body["customer"]!.AsObject();
        who["email"] = email;
        who["phone"] = phone;
        who["first_name"] = "Privacy";
        who["last_name"] = last;
        (await service.PostShopifyAsync("orders/paid", body.ToJsonString())).Dispose();
        await service.WaitForMemberAsync($"shopify-{customer}", m => ServiceFixture.Balance(m) > 0);
    }

    // Every entity of every table of the account, each property as text.
    private Task<IReadOnlyList<string>> FindAsync(params string[] needles) => StorageScan.FindAsync(service.Azurite.ConnectionString, needles);

    [Fact]
    public async Task Data_request_is_recorded_once_prepared_for_the_owner_then_customers_redact_erases_the_customer_and_its_export()
    {
        const long customer = 8801001;
        const string email = "wilhelmina.privacy@example.org";
        const string phone = "+15550188201";
        await BuyAsync(customer, 88010011, email, phone, "Zwirbelmoser");
        await service.WaitForQueueDrainedAsync();

        var dataRequest = $$$"""{"shop_id":954889,"shop_domain":"{{{Shop}}}","orders_requested":[88010011],"customer":{"id":{{{customer}}},"email":"{{{email}}}","phone":"{{{phone}}}"},"data_request":{"id":9999}}""";
        var webhookId = Guid.NewGuid().ToString();
        var first = await PrivacyAsync("customers/data_request", dataRequest, webhookId);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Body["duplicate"]!.GetValue<bool>());
        var requestId = first.Body["privacyRequest"]!.GetValue<string>();

        // The same delivery again: the same request, recorded once.
        var again = await PrivacyAsync("customers/data_request", dataRequest, webhookId);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.Body["duplicate"]!.GetValue<bool>());
        Assert.Equal(requestId, again.Body["privacyRequest"]!.GetValue<string>());

        using (var early = await AdminAsync(HttpMethod.Get, $"api/admin/privacy-requests/{requestId}/export"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        var run = await RunJobAsync();
        Assert.True(run["completed"]!.GetValue<int>() >= 1);
        using (var list = await AdminAsync(HttpMethod.Get, "api/admin/privacy-requests"))
        {
            var requests = (await list.Content.ReadFromJsonAsync<JsonObject>())!["requests"]!.AsArray();
            var mine = Assert.Single(requests, r => r!["request"]!["id"]!.GetValue<string>() == requestId)!;
            Assert.Equal("done", mine["request"]!["status"]!.GetValue<string>());
            Assert.Equal("9999", mine["request"]!["dataRequestId"]!.GetValue<string>());
            Assert.Equal($"/api/admin/privacy-requests/{requestId}/export", mine["exportUrl"]!.GetValue<string>());
        }

        using (var export = await AdminAsync(HttpMethod.Get, $"api/admin/privacy-requests/{requestId}/export"))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            var body = (await export.Content.ReadFromJsonAsync<JsonObject>())!;
            var member = Assert.Single(body["members"]!.AsArray())!;
            Assert.Equal($"shopify-{customer}", member["memberId"]!.GetValue<string>());
            Assert.Equal(email, member["profile"]!["email"]!.GetValue<string>());
            Assert.Equal("88010011", Assert.Single(member["orders"]!.AsArray())!["orderId"]!.GetValue<string>());
        }

        // A second run finds nothing open.
        Assert.Equal(0, (await RunJobAsync())["open"]!.GetValue<int>());

        var before = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);
        var redact = $$$"""{"shop_id":954889,"shop_domain":"{{{Shop}}}","customer":{"id":{{{customer}}},"email":"{{{email}}}","phone":"{{{phone}}}"},"orders_to_redact":[88010011]}""";
        var redactId = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await PrivacyAsync("customers/redact", redact, redactId)).Status);
        await RunJobAsync();
        Assert.Equal(HttpStatusCode.OK, (await PrivacyAsync("customers/redact", redact, redactId)).Status);
        Assert.Equal(0, (await RunJobAsync())["open"]!.GetValue<int>());

        Assert.Empty(await FindAsync(email, phone, "5550188201", "Zwirbelmoser"));
        var after = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);
        Assert.Equal(before[$"shopify-{customer}"].Balance, after[$"shopify-{customer}"].Balance);
        Assert.Empty(MemberAudit.Inconsistencies(after[$"shopify-{customer}"]));
        using (var export = await AdminAsync(HttpMethod.Get, $"api/admin/privacy-requests/{requestId}/export"))
        {
            Assert.Empty((await export.Content.ReadFromJsonAsync<JsonObject>())!["members"]!.AsArray());
        }
    }

    [Fact]
    public async Task Customers_redact_with_an_email_and_no_customer_id_erases_the_shopify_member_of_that_email_without_storing_the_address()
    {
        const string email = "Only.Email.Redact@example.org";
        await BuyAsync(8803001, 88030011, email.ToLowerInvariant(), "+15550188401", "Nurpostfach");

        // A member of another source with the same e-mail is not the shop's customer to erase.
        var other = JsonNode.Parse(Payloads.GenericPurchase("t:keep-email-8803:1:paid", "keep-email-8803", "keep-email-order-1", 30m, 1))!.AsObject();
        other["payload"]!["profile"] = new JsonObject { ["email"] = email.ToLowerInvariant() };
        (await service.PostEventAsync(other.ToJsonString())).Dispose();
        await service.WaitForMemberAsync("keep-email-8803", m => ServiceFixture.Balance(m) >= 30);
        await service.WaitForQueueDrainedAsync();

        // Shopify's shape with customer.id null: the e-mail (another case) is all there is.
        var body = $$$"""{"shop_id":954889,"shop_domain":"{{{Shop}}}","customer":{"id":null,"email":"{{{email}}}","phone":null},"orders_to_redact":[]}""";
        var (status, answer) = await PrivacyAsync("customers/redact", body, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, status);
        var requestId = answer["privacyRequest"]!.GetValue<string>();

        // The request row keeps the directory's keyed hash, never the address.
        var schedule = new TableClient(service.Azurite.ConnectionString, "schedule");
        var row = (await schedule.GetEntityAsync<TableEntity>("privacy", requestId)).Value;
        Assert.Null(row.GetString("CustomerId"));
        Assert.StartsWith("e:", row.GetString("EmailHash"), StringComparison.Ordinal);
        Assert.DoesNotContain(await FindAsync(email), f => f.StartsWith("schedule (privacy", StringComparison.Ordinal));

        await RunJobAsync();
        using (var list = await AdminAsync(HttpMethod.Get, "api/admin/privacy-requests"))
        {
            var requests = (await list.Content.ReadFromJsonAsync<JsonObject>())!["requests"]!.AsArray();
            var mine = Assert.Single(requests, r => r!["request"]!["id"]!.GetValue<string>() == requestId)!["request"]!;
            Assert.Equal("done", mine["status"]!.GetValue<string>());
            Assert.Equal(["shopify-8803001"], mine["memberIds"]!.AsArray().Select(m => m!.GetValue<string>()));
            Assert.Null(mine["emailHash"]);
        }

        // The Shopify member is erased everywhere; the other member keeps its e-mail; the hash went with the request's work.
        Assert.All(await FindAsync(email, "Nurpostfach", "5550188401"), f => Assert.Contains("keep-email-8803", f, StringComparison.Ordinal));
        Assert.NotEmpty(await FindAsync(email));
        Assert.Null((await schedule.GetEntityAsync<TableEntity>("privacy", requestId)).Value.GetString("EmailHash"));
        var audit = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);
        Assert.True(audit["shopify-8803001"].Balance > 0);
        Assert.Empty(MemberAudit.Inconsistencies(audit["shopify-8803001"]));
    }

    [Fact]
    public async Task Shop_redact_erases_every_Shopify_member_and_leaves_other_shops_members()
    {
        await BuyAsync(8802001, 88020011, "first.shopredact@example.org", "+15550188301", "Oberquist");
        await BuyAsync(8802002, 88020021, "second.shopredact@example.org", "+15550188302", "Unterquist");
        var keeper = JsonNode.Parse(Payloads.GenericPurchase("t:keep-me-8802:1:paid", "keep-me-8802", "keep-order-1", 40m, 1))!.AsObject();
        keeper["payload"]!["profile"] = new JsonObject { ["email"] = "keeper.shopredact@example.org" };
        (await service.PostEventAsync(keeper.ToJsonString())).Dispose();
        await service.WaitForMemberAsync("keep-me-8802", m => ServiceFixture.Balance(m) >= 40);
        await service.WaitForQueueDrainedAsync();

        var body = $$$"""{"shop_id":954889,"shop_domain":"{{{Shop}}}"}""";
        Assert.Equal(HttpStatusCode.OK, (await PrivacyAsync("shop/redact", body, Guid.NewGuid().ToString())).Status);
        var run = await RunJobAsync();
        Assert.True(run["membersErased"]!.GetValue<int>() >= 2);

        Assert.Empty(await FindAsync("first.shopredact@example.org", "second.shopredact@example.org", "Oberquist", "Unterquist"));
        Assert.NotEmpty(await FindAsync("keeper.shopredact@example.org"));
        var audit = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);
        Assert.True(audit["shopify-8802001"].Balance > 0);
    }

    [Theory]
    [InlineData("customers/redact", """{"shop_id":954889,"shop_domain":"test-shop.myshopify.com","orders_to_redact":[1]}""")]
    [InlineData("shop/redact", """{"shop_id":954889,"shop_domain":"test-shop.myshopify.com","customer":{"id":5}}""")]
    [InlineData("customers/data_request", """{"shop_id":954889,"shop_domain":"not a shop","customer":{"id":5}}""")]
    public async Task A_privacy_body_of_the_wrong_shape_is_refused_and_nothing_recorded(string topic, string body)
    {
        var (status, _) = await PrivacyAsync(topic, body, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A customer's request to see their data: one member's export as JSON, through the local host.</summary>
[Collection(ServiceCollection.Name)]
public sealed class MemberDataTests(ServiceFixture service)
{
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return await service.Client.SendAsync(request);
    }

    [Fact]
    public async Task The_export_holds_the_profile_orders_ledger_redemptions_benefits_feedback_service_records_and_messages()
    {
        const string member = "data-req-1";
        (await service.PostEventAsync(JsonSerializer.Serialize(new
        {
            eventId = $"t:{member}:enrolled",
            type = "member.enrolled",
            memberId = member,
            occurredAt = "2026-11-19T10:00:00Z",
            payload = new { profile = new { email = "mei.chen@example.cn", firstName = "美", lastName = "陈", phone = "+86 139 0000 7777" } },
        }))).Dispose();
        (await service.PostEventAsync(Payloads.GenericPurchase($"t:{member}:o1:paid", member, "data-order-1", 120m, 1))).Dispose();
        await service.WaitForMemberAsync(member, m => ServiceFixture.Balance(m) >= 150);
        (await SendAsync(HttpMethod.Post, $"api/members/{member}/feedback", new { requestId = "fb-1", satisfaction = 4, text = "快递很快" })).Dispose();
        (await SendAsync(HttpMethod.Post, $"api/members/{member}/service-records", new { requestId = "sr-1", kind = "enquiry", summary = "问积分规则", status = "resolved" })).Dispose();
        (await SendAsync(HttpMethod.Post, $"api/members/{member}/redemptions", new { requestId = "rd-1", rewardId = "free-shipping" })).Dispose();

        using var response = await SendAsync(HttpMethod.Get, $"api/admin/members/{member}/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString() ?? response.Headers.ToString(), StringComparison.Ordinal);
        var data = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("mei.chen@example.cn", "+86 139 0000 7777"), (data["profile"]!["email"]!.GetValue<string>(), data["profile"]!["phone"]!.GetValue<string>()));
        Assert.Equal("data-order-1", Assert.Single(data["orders"]!.AsArray())!["orderId"]!.GetValue<string>());
        var ledger = data["ledger"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).ToList();
        Assert.Contains("earned", ledger);
        Assert.Contains("redeemed", ledger);
        Assert.Equal(data["state"]!["balance"]!.GetValue<long>(), data["ledger"]!.AsArray().Sum(e => e!["points"]!.GetValue<long>()));
        Assert.Equal("free-shipping", Assert.Single(data["redemptions"]!.AsArray())!["rewardId"]!.GetValue<string>());
        Assert.Equal("快递很快", Assert.Single(data["feedback"]!.AsArray())!["text"]!.GetValue<string>());
        Assert.Equal("问积分规则", Assert.Single(data["serviceRecords"]!.AsArray())!["text"]!.GetValue<string>());
        Assert.NotEmpty(data["messages"]!.AsArray());
        Assert.NotNull(data["benefits"]);

        using var missing = await SendAsync(HttpMethod.Get, "api/admin/members/nobody-here/export");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var anonymous = await service.Client.GetAsync($"api/admin/members/{member}/export");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

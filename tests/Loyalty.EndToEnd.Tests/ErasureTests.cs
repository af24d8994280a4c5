using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.App.Operations;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>Erasing a member through the local host, checked against every table of the account.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ErasureTests(ServiceFixture service)
{
    private const string Member = "erase-me-1";
    private const string Email = "Ottoline.Quaggenbush@example.org";
    private const string Phone = "+1 555 0100 7731";
    private const string First = "Ottoline";
    private const string Last = "Quaggenbush";

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return await service.Client.SendAsync(request);
    }

    private static string Purchase(string orderId, decimal price) => JsonSerializer.Serialize(new
    {
        eventId = $"t:{Member}:{orderId}:paid",
        type = "purchase.completed",
        memberId = Member,
        occurredAt = "2026-11-20T10:00:00Z",
        payload = new
        {
            orderId,
            currency = "USD",
            orderTotal = price,
            lines = new[] { new { lineId = "1", sku = "TEA", quantity = 1, unitPrice = price, discount = 0m } },
            profile = new { email = Email, firstName = First, lastName = Last, phone = Phone, birthday = "1991-07-14" },
        },
    });

    // Every entity of every table of the account, each property as text.
    private Task<IReadOnlyList<string>> FindAsync(params string[] needles) => StorageScan.FindAsync(service.Azurite.ConnectionString, needles);

    [Fact]
    public async Task After_erasure_no_table_holds_the_name_email_or_phone_the_points_stay_and_the_next_purchase_earns_without_them()
    {
        string[] personal = [Email, Phone, "5550100", First, Last, "1991-07-14"];
        (await service.PostEventAsync(Purchase("erase-order-1", 80m))).Dispose();
        await service.WaitForMemberAsync(Member, m => ServiceFixture.Balance(m) >= 80);
        (await AdminAsync(HttpMethod.Post, $"api/members/{Member}/feedback", new { requestId = "fb-1", satisfaction = 5, text = $"Thanks, {First} {Last}" })).Dispose();
        (await AdminAsync(HttpMethod.Post, $"api/members/{Member}/service-records", new { requestId = "sr-1", kind = "request", summary = $"{Last} asked to call {Phone}", status = "open" })).Dispose();
        (await AdminAsync(HttpMethod.Post, $"api/admin/members/{Member}/adjustments", new { points = 15, reason = $"goodwill for {First}", requestId = "adj-1" })).Dispose();
        (await AdminAsync(HttpMethod.Post, $"api/members/{Member}/benefits/birthday-gift/uses", new { requestId = "bg-1", note = $"gift wrapped for {First}" })).Dispose();
        await service.WaitForQueueDrainedAsync();
        Assert.NotEmpty(await FindAsync(personal));
        var before = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);

        using (var erased = await AdminAsync(HttpMethod.Post, $"api/admin/members/{Member}/erasure", new { reason = "customer-request" }))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
            var body = (await erased.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.False(body["alreadyErased"]!.GetValue<bool>());
        }

        Assert.Empty(await FindAsync(personal));
        var after = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);
        Assert.Equal(before.Values.Sum(m => m.Balance), after.Values.Sum(m => m.Balance));
        Assert.Equal(before[Member].Balance, after[Member].Balance);
        Assert.Empty(MemberAudit.Inconsistencies(after[Member]));

        // The customer buys again with the same e-mail: it earns, and the profile does not come back.
        var balance = after[Member].Balance;
        (await service.PostEventAsync(Purchase("erase-order-2", 30m))).Dispose();
        await service.WaitForMemberAsync(Member, m => ServiceFixture.Balance(m) >= balance + 30);
        await service.WaitForQueueDrainedAsync();
        Assert.Empty(await FindAsync(personal));

        using (var again = await AdminAsync(HttpMethod.Post, $"api/admin/members/{Member}/erasure", new { reason = "customer-request" }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.True((await again.Content.ReadFromJsonAsync<JsonObject>())!["alreadyErased"]!.GetValue<bool>());
        }

        using var badReason = await AdminAsync(HttpMethod.Post, $"api/admin/members/{Member}/erasure", new { reason = $"{First} called" });
        Assert.Equal(HttpStatusCode.BadRequest, badReason.StatusCode);
        using var unknown = await AdminAsync(HttpMethod.Post, "api/admin/members/nobody-at-all/erasure", new { reason = "customer-request" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// A host of its own that parks a message after two quick deliveries, so the tests of what
/// waits for the operator do not wait out the default five.
/// </summary>
public sealed class MoneyFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Processing__MaxAttempts"] = "2",
        ["Loyalty__Processing__RetryDelaySeconds"] = "0",
    };

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
}

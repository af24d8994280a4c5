using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// Two keys through the local host: the storefront key reads members, redeems and uses
/// benefits but can never mint or remove points; the admin key does everything, and only as a
/// header (a query string ends up in request logs).
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class KeyTests(ServiceFixture service)
{
    private async Task<string> MemberWithBalanceAsync(string memberId)
    {
        (await service.PostEventAsync(Payloads.GenericPurchase($"t:{memberId}:o1:paid", memberId, $"{memberId}-o1", 200m, 1))).Dispose();
        await service.WaitForMemberAsync(memberId, m => ServiceFixture.Balance(m) > 0);
        return memberId;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? header, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (header is not null)
        {
            request.Headers.Add("x-functions-key", header);
        }

        return service.Client.SendAsync(request);
    }

    private static async Task<string?> ProblemType(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())?["type"]?.GetValue<string>();

    [Fact]
    public async Task The_storefront_key_reads_redeems_and_uses_benefits_as_header_or_query()
    {
        var memberId = await MemberWithBalanceAsync("key-storefront");
        var key = LocalHost.StorefrontKey;

        using var readByQuery = await service.Client.GetAsync($"api/members/{memberId}?code={key}");
        using var readByHeader = await SendAsync(HttpMethod.Get, $"api/members/{memberId}", key);
        using var messages = await SendAsync(HttpMethod.Get, $"api/members/{memberId}/messages", key);
        using var redeem = await service.Client.PostAsJsonAsync($"api/members/{memberId}/redemptions?code={key}", new { rewardId = "usd-5-off", requestId = "r1" });
        using var benefit = await SendAsync(HttpMethod.Post, $"api/members/{memberId}/benefits/no-such-benefit/uses", key, new { requestId = "b1" });

        Assert.Equal(HttpStatusCode.OK, readByQuery.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readByHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, messages.StatusCode);
        Assert.Equal(HttpStatusCode.Created, redeem.StatusCode);

        // Past the key check: the benefit route answers for the benefit, not for the key.
        Assert.Equal(HttpStatusCode.NotFound, benefit.StatusCode);
        Assert.Equal("/problems/unknown-benefit", await ProblemType(benefit));
    }

    [Fact]
    public async Task The_storefront_key_cannot_adjust_points_or_run_jobs_and_nothing_is_written()
    {
        var memberId = await MemberWithBalanceAsync("key-no-mint");
        var before = (await service.GetMemberAsync(memberId))!;
        var key = LocalHost.StorefrontKey;

        using var adjustByHeader = await SendAsync(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments", key, new { points = 1000, reason = "mint", requestId = "m1" });
        using var adjustByQuery = await service.Client.PostAsJsonAsync($"api/admin/members/{memberId}/adjustments?code={key}", new { points = 1000, reason = "mint", requestId = "m2" });
        using var job = await SendAsync(HttpMethod.Post, "api/admin/jobs/ExpirePoints/runs", key);

        Assert.Equal(HttpStatusCode.Unauthorized, adjustByHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, adjustByQuery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, job.StatusCode);
        var after = (await service.GetMemberAsync(memberId))!;
        Assert.Equal(ServiceFixture.Balance(before), ServiceFixture.Balance(after));
        Assert.Equal(ServiceFixture.History(before).Count, ServiceFixture.History(after).Count);
    }

    [Fact]
    public async Task The_admin_key_works_only_as_a_header_and_is_refused_in_the_query_string()
    {
        var memberId = await MemberWithBalanceAsync("key-admin-query");
        var before = ServiceFixture.Balance((await service.GetMemberAsync(memberId))!);
        var key = Uri.EscapeDataString(LocalHost.AdminKey);

        using var adjustByQuery = await service.Client.PostAsJsonAsync($"api/admin/members/{memberId}/adjustments?code={key}", new { points = 7, reason = "query", requestId = "q1" });
        using var jobByQuery = await service.Client.PostAsync($"api/admin/jobs/ExpirePoints/runs?code={key}", null);
        using var readByQuery = await service.Client.GetAsync($"api/members/{memberId}?code={key}");
        using var redeemByQuery = await service.Client.PostAsJsonAsync($"api/members/{memberId}/redemptions?code={key}", new { rewardId = "usd-5-off", requestId = "q2" });

        foreach (var response in new[] { adjustByQuery, jobByQuery, readByQuery, redeemByQuery })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("/problems/admin-key-in-query", await ProblemType(response));
        }

        Assert.Equal(before, ServiceFixture.Balance((await service.GetMemberAsync(memberId))!));

        // The same key as the header does everything, the storefront routes included.
        using var adjust = await SendAsync(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments", LocalHost.AdminKey, new { points = 7, reason = "header", requestId = "h1" });
        using var job = await SendAsync(HttpMethod.Post, "api/admin/jobs/ExpirePoints/runs", LocalHost.AdminKey);
        using var read = await SendAsync(HttpMethod.Get, $"api/members/{memberId}", LocalHost.AdminKey);
        Assert.Equal(HttpStatusCode.Created, adjust.StatusCode);
        Assert.Equal(HttpStatusCode.OK, job.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(before + 7, ServiceFixture.Balance((await read.Content.ReadFromJsonAsync<JsonObject>())!));
    }

    [Fact]
    public async Task A_wrong_or_missing_key_is_refused_on_every_keyed_route()
    {
        var memberId = await MemberWithBalanceAsync("key-wrong");
        string[] urls =
        [
            $"GET api/members/{memberId}", $"GET api/members/{memberId}/messages",
            $"POST api/members/{memberId}/redemptions", $"POST api/members/{memberId}/benefits/free-delivery/uses",
            $"POST api/admin/members/{memberId}/adjustments", "POST api/admin/jobs/ExpirePoints/runs",
        ];
        foreach (var entry in urls)
        {
            var (method, url) = (new HttpMethod(entry.Split(' ')[0]), entry.Split(' ')[1]);
            object? body = method == HttpMethod.Post ? new { points = 5, reason = "x", rewardId = "usd-5-off", requestId = "w1" } : null;
            foreach (var key in new[] { null, "wrong", LocalHost.StorefrontKey + "x", LocalHost.AdminKey[..^1] })
            {
                using var response = await SendAsync(method, url, key, body);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{entry} with key '{key}' answered {response.StatusCode}");
            }
        }
    }
}

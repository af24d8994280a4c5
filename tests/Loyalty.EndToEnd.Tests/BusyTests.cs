using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A host of its own that tries a commit only once, so concurrent writers on one member collide.</summary>
public sealed class BusyFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Processing__MaxConflictRetries"] = "1",
    };
}

/// <summary>
/// Writers racing on one member through the local host: a request that loses every commit
/// attempt is answered 503 <c>member-busy</c> with <c>Retry-After</c>, writes nothing, and
/// succeeds when sent again with the same requestId.
/// </summary>
public sealed class BusyTests(BusyFixture service) : IClassFixture<BusyFixture>
{
    private Task<HttpResponseMessage> AdjustAsync(string memberId, string requestId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments")
        {
            Content = JsonContent.Create(new { points = 10, reason = "race", requestId }),
        };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return service.Client.SendAsync(request);
    }

    [Fact]
    public async Task Racing_adjustments_get_201_or_503_member_busy_never_500_and_a_retry_lands_once()
    {
        const string memberId = "busy-member";
        (await service.PostEventAsync(Payloads.GenericPurchase("busy:o1:paid", memberId, "busy-o1", 10m, 1))).Dispose();
        var start = ServiceFixture.Balance(await service.WaitForMemberAsync(memberId, m => ServiceFixture.Balance(m) > 0));

        var ids = Enumerable.Range(1, 24).Select(i => $"race-{i}").ToList();
        var responses = await Task.WhenAll(ids.Select(id => AdjustAsync(memberId, id)));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        var busy = new List<string>();
        for (var i = 0; i < responses.Length; i++)
        {
            if (responses[i].StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                var problem = (await responses[i].Content.ReadFromJsonAsync<JsonObject>())!;
                Assert.Equal("/problems/member-busy", problem["type"]!.GetValue<string>());
                Assert.Equal("1", Assert.Single(responses[i].Headers.GetValues("Retry-After")));
                busy.Add(ids[i]);
            }

            responses[i].Dispose();
        }

        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        Assert.NotEmpty(busy);
        var created = statuses.Count(s => s == HttpStatusCode.Created);
        Assert.Equal(start + (10 * created), ServiceFixture.Balance((await service.GetMemberAsync(memberId))!));

        // Each refused one sent again, one at a time: applied, and once.
        foreach (var id in busy)
        {
            using var again = await AdjustAsync(memberId, id);
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        }

        Assert.Equal(start + 240, ServiceFixture.Balance((await service.GetMemberAsync(memberId))!));
    }
}

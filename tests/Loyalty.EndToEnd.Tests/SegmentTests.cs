using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A service of its own with the test clock: the segments are quintiles across every member there is.</summary>
public sealed class SegmentFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Local__TestClock"] = "true",
        ["Loyalty__Local__RunTimers"] = "false",
    };
}

/// <summary>
/// The <c>SegmentMembers</c> job through <c>POST /api/admin/jobs/SegmentMembers/runs</c>: six
/// members with 0 to 5 orders of growing size, scored from the member directory; the members
/// list filtered by value and behaviour, and the CSV's segment columns.
/// </summary>
public sealed class SegmentTests(SegmentFixture service) : IClassFixture<SegmentFixture>
{
    [Fact]
    public async Task Segments_score_members_by_quintile_filter_the_list_survive_a_commit_and_move_to_lapsed_with_the_clock_alone()
    {
        await At("2026-11-20T12:00:00Z");
        for (var k = 0; k <= 5; k++)
        {
            await Send(Event($"seg-{k}:enrol", "member.enrolled", $"seg-{k}", "2026-11-19T10:00:00Z", new { profile = new { email = $"seg{k}@example.com", firstName = $"Seg{k}" } }));
            for (var o = 1; o <= k; o++)
            {
                await Send(Purchase($"seg-{k}", $"o{o}", 10m * k, "2026-11-20T10:00:00Z"));
            }
        }

        await service.WaitForQueueDrainedAsync();
        await At("2026-11-25T12:00:00Z");
        var run = await RunJob();
        Assert.Equal((6, 6), (run["members"]!.GetValue<int>(), run["written"]!.GetValue<int>()));

        // Orders 0..5 and spend 0, 10, 40, 90, 160, 250: each member strictly above the one before,
        // so frequency and monetary score 1, 1, 2, 3, 4, 5; F + M of 8 and more is high, 4 and less low.
        var sizes = run["sizes"]!;
        Assert.Equal((2L, 1L, 3L, 6L, 0L, 0L), (Size(sizes, "high"), Size(sizes, "medium"), Size(sizes, "low"), Size(sizes, "active"), Size(sizes, "atRisk"), Size(sizes, "lapsed")));
        Assert.Equal(["seg-4", "seg-5"], Ids(await List("value=high")));
        Assert.Equal(["seg-3"], Ids(await List("value=medium")));
        Assert.Empty(Ids(await List("behaviour=lapsed")));
        var top = (await List("value=high"))["members"]![1]!["segment"]!;
        Assert.Equal((5, 5), (top["frequency"]!.GetValue<int>(), top["monetary"]!.GetValue<int>()));

        var csv = await Csv("q=seg-5");
        Assert.EndsWith("memberSince,value,behaviour,rfm,lifetimeValue", csv[0], StringComparison.Ordinal);
        // Recency: five members bought at the same moment and share the place above the one who never bought: 1.
        Assert.Matches("^seg-5,.*,high,active,155,[0-9]+\\.[0-9]{2}$", csv[1]);

        // A bad value is a 400 naming the field, and writes nothing.
        var before = await service.SnapshotAsync();
        using (var bad = await Admin(HttpMethod.Get, "api/members?value=top"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("value", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        }

        Assert.Empty((await service.SnapshotAsync()).ChangesSince(before));

        // The member's own next commit rewrites its directory row and keeps the segment on it.
        await Send(Purchase("seg-3", "o9", 5m, "2026-11-25T10:00:00Z"));
        await service.WaitForQueueDrainedAsync();
        var seg3 = Assert.Single((await List("q=seg-3"))["members"]!.AsArray())!;
        Assert.Equal((4, "medium"), (seg3["orders"]!.GetValue<int>(), seg3["segment"]!["value"]!.GetValue<string>()));

        // 188 days after the last purchase, with no new commit: every member is lapsed.
        await At("2027-06-01T12:00:00Z");
        Assert.Equal(6L, Size((await RunJob())["sizes"]!, "lapsed"));
        Assert.Equal(6, Ids(await List("behaviour=lapsed")).Count);
    }

    private static long Size(JsonNode sizes, string name) => sizes[name]!.GetValue<long>();

    private static List<string> Ids(JsonObject list) => [.. list["members"]!.AsArray().Select(m => m!["memberId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    private async Task<JsonObject> List(string query)
    {
        using var response = await Admin(HttpMethod.Get, "api/members?pageSize=100&" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<string[]> Csv(string query)
    {
        using var response = await Admin(HttpMethod.Get, "api/members?format=csv&" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task<JsonObject> RunJob()
    {
        using var response = await Admin(HttpMethod.Post, "api/admin/jobs/SegmentMembers/runs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task At(string instant)
    {
        using var response = await Admin(HttpMethod.Post, "_local/clock", new { now = instant });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task Send(string body)
    {
        using var response = await service.PostEventAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<HttpResponseMessage> Admin(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return await service.Client.SendAsync(request);
    }

    private static string Event(string id, string type, string memberId, string occurredAt, object payload) =>
        JsonSerializer.Serialize(new { eventId = id, type, memberId, occurredAt, payload });

    private static string Purchase(string memberId, string orderId, decimal amount, string occurredAt) => Event($"{memberId}:{orderId}", "purchase.completed", memberId, occurredAt, new
    {
        orderId,
        currency = "USD",
        orderTotal = amount,
        lines = new[] { new { lineId = "1", sku = "TEA", category = "Tea", quantity = 1, unitPrice = amount, discount = 0m } },
    });
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A host of its own whose clock the test moves, with timers off and pending points on.</summary>
public sealed class YearFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Local__TestClock"] = "true",
        ["Loyalty__Local__RunTimers"] = "false",
        ["Loyalty__Program__PendingDays"] = "14",
    };
}

/// <summary>
/// A member's year through the local host and Azurite: webhooks by the signed API, timer jobs
/// fired through <c>POST /api/admin/jobs/{job}/runs</c> at instants the test sets, each twice.
/// The demo program (America/New_York, Member/Silver/Gold/Diamond at 0/500/1500/5000, grace
/// 30 days, one level down) with a 14-day pending period.
/// </summary>
public sealed class YearTests(YearFixture service) : IClassFixture<YearFixture>
{
    private const string M = "year-ada";

    [Fact]
    public async Task A_year_of_tiers_pending_points_benefits_birthday_reminders_expiry_and_review()
    {
        // 5 Jan 2027: joins, born on 29 February; the sign-up bonus is spendable at once.
        await At("2027-01-05T17:00:00Z");
        await Send(Envelope("enrol", "member.enrolled", new { profile = new { email = "ada@example.com", birthday = "2000-02-29" } }));
        await Expect(balance: 50, pending: 0, tier: "member");

        // 10 Jan: 600.00 of merchandise earns 600 points, pending for 14 days; 600.00 of spend reaches Silver.
        await At("2027-01-10T17:00:00Z");
        await Send(Purchase("o1", 600m));
        var member = await Expect(balance: 50, pending: 600, tier: "silver");
        Assert.Equal(900m, member["tier"]!["toNextTier"]!.GetValue<decimal>());

        // 24 Jan: the pending points activate; firing the job again changes nothing.
        await At("2027-01-24T17:00:00Z");
        await RunJob("ActivatePendingPoints", expectEvents: 1);
        await Expect(balance: 650, pending: 0, tier: "silver");
        await RunJob("ActivatePendingPoints", expectEvents: 0);
        await Expect(balance: 650, pending: 0, tier: "silver");

        // 1 Feb: 1,000.00 at Silver's 1.25 earns 1,250 (pending); spend 1,600.00 reaches Gold.
        await At("2027-02-01T17:00:00Z");
        await Send(Purchase("o2", 1000m));
        await Expect(balance: 650, pending: 1250, tier: "gold");

        // 3 Feb: 200.00 of o2 refunded inside the window: round(1,250 × 0.2) = 250 come off the
        // pending points; rolling spend drops to 1,400.00 but a refund never downgrades at once.
        await At("2027-02-03T17:00:00Z");
        await Send(Envelope("refund-o2-r1", "order.refunded", new { orderId = "o2", refundId = "r1", lines = new[] { new { lineId = "1", quantity = 1, amount = 200m } } }));
        member = await Expect(balance: 650, pending: 1000, tier: "gold");
        Assert.Equal(1400m, member["tier"]!["qualifying"]!.GetValue<decimal>());

        // Gold's free delivery is 2 a month: the third is refused until the month turns.
        Assert.Equal(HttpStatusCode.Created, await UseBenefit("free-delivery", "d1"));
        Assert.Equal(HttpStatusCode.Created, await UseBenefit("free-delivery", "d2"));
        Assert.Equal(HttpStatusCode.OK, await UseBenefit("free-delivery", "d2"));
        using (var third = await UseBenefitResponse("free-delivery", "d3"))
        {
            Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
            var problem = (await third.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.EndsWith("/quota-used-up", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("2027-03-01", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // 15 Feb: o2's remaining 1,000 activate.
        await At("2027-02-15T17:00:00Z");
        await RunJob("ActivatePendingPoints", expectEvents: 1);
        await Expect(balance: 1650, pending: 0, tier: "gold");

        // 28 Feb 2027, a common year: the 29 February birthday is today; 100 points once.
        await At("2027-02-28T14:00:00Z");
        await RunJob("BirthdayOffers", expectEvents: 1);
        await Expect(balance: 1750, pending: 0, tier: "gold");
        await RunJob("BirthdayOffers", expectEvents: 0);
        await Expect(balance: 1750, pending: 0, tier: "gold");
        Assert.Contains(await Messages(), m => m["kind"]!.GetValue<string>() == "birthday-offer" && m["points"]!.GetValue<long>() == 100);

        // 1 Mar: a new month, a new quota.
        await At("2027-03-01T17:00:00Z");
        Assert.Equal(HttpStatusCode.Created, await UseBenefit("free-delivery", "d3"));
        member = (await service.GetMemberAsync(M))!;
        var delivery = member["benefits"]!.AsArray().Single(b => b!["benefitId"]!.GetValue<string>() == "free-delivery")!;
        Assert.Equal((1, 1), (delivery["used"]!.GetValue<int>(), delivery["remaining"]!.GetValue<int>()));

        // expiringSoon looks ahead the longest reminder lead (30 days): on 5 Dec nothing is that
        // close; on 6 Dec the sign-up lot (end of 5 Jan 2028) is, and the later lots are not.
        await At("2027-12-05T17:00:00Z");
        Assert.Empty(ExpiringSoon((await service.GetMemberAsync(M))!));
        await At("2027-12-06T17:00:00Z");
        Assert.Equal([("2028-01-05", 50L)], ExpiringSoon((await service.GetMemberAsync(M))!));

        // The sign-up lot (50) expires at the end of 5 Jan 2028: reminders 30 and 7 days before.
        await RunJob("RemindExpiringPoints", expectEvents: 1);
        await At("2027-12-29T17:00:00Z");

        // 29 Dec: o1's 600 (spendable from 24 Jan 2027, so expiring at the end of 24 Jan 2028) come into view too.
        Assert.Equal([("2028-01-05", 50L), ("2028-01-24", 600L)], ExpiringSoon((await service.GetMemberAsync(M))!));
        await RunJob("RemindExpiringPoints", expectEvents: null);
        await RunJob("RemindExpiringPoints", expectEvents: 0);
        var reminders = (await Messages()).Where(m => m["kind"]!.GetValue<string>() == "expiry-reminder").ToList();
        Assert.Contains(reminders, m => m["date"]!.GetValue<string>() == "2028-01-05" && m["points"]!.GetValue<long>() == 50 && m["text"]!.GetValue<string>().Contains("30 days", StringComparison.Ordinal));
        Assert.Contains(reminders, m => m["date"]!.GetValue<string>() == "2028-01-05" && m["text"]!.GetValue<string>().Contains("7 days", StringComparison.Ordinal));

        // 6 Jan 2028: the 50 expired overnight; one expired entry.
        await At("2028-01-06T17:00:00Z");
        await RunJob("ExpirePoints", expectEvents: 1);
        member = await Expect(balance: 1700, pending: 0, tier: "gold");
        Assert.Single(ServiceFixture.History(member), e => e!["kind"]!.GetValue<string>() == "expired" && e["points"]!.GetValue<long>() == -50);
        await RunJob("ExpirePoints", expectEvents: 0);

        // 1 Feb 2028, Gold's review: no spend in the window, so 30 days' grace, still Gold.
        await At("2028-02-01T17:00:00Z");
        await RunJob("ReviewTiers", expectEvents: 1);
        member = await Expect(balance: 1700, pending: 0, tier: "gold");
        Assert.Equal("2028-03-02", member["tier"]!["graceUntil"]!.GetValue<string>());

        // 2 Mar 2028: grace over, one level down to Silver; reviewed again in a year.
        await At("2028-03-02T17:00:00Z");
        await RunJob("ReviewTiers", expectEvents: 1);
        member = await Expect(balance: 1700, pending: 0, tier: "silver");
        Assert.Equal("2029-03-02", member["tier"]!["reviewOn"]!.GetValue<string>());
        await RunJob("ReviewTiers", expectEvents: 0);
        await Expect(balance: 1700, pending: 0, tier: "silver");
        Assert.Equal(0, await ServiceFixture.DepthAsync(service.PoisonQueue));
    }

    private async Task At(string instant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "_local/clock") { Content = JsonContent.Create(new { now = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture) }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private async Task Send(string envelope)
    {
        using var response = await service.PostEventAsync(envelope);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await service.WaitForQueueDrainedAsync();
    }

    private async Task RunJob(string job, int? expectEvents)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/jobs/{job}/runs");
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        if (expectEvents is { } n)
        {
            Assert.Equal(n, run["eventsQueued"]!.GetValue<int>());
        }

        await service.WaitForQueueDrainedAsync();
    }

    private async Task<JsonObject> Expect(long balance, long pending, string tier)
    {
        var member = (await service.GetMemberAsync(M))!;
        Assert.Equal((balance, pending, tier), (ServiceFixture.Balance(member), member["pendingPoints"]!.GetValue<long>(), member["tier"]!["id"]!.GetValue<string>()));
        return member;
    }

    private static List<(string, long)> ExpiringSoon(JsonObject member) =>
        [.. member["expiringSoon"]!.AsArray().Select(l => (l!["expiresOn"]!.GetValue<string>(), l["points"]!.GetValue<long>()))];

    private async Task<HttpStatusCode> UseBenefit(string benefit, string requestId)
    {
        using var response = await UseBenefitResponse(benefit, requestId);
        return response.StatusCode;
    }

    private Task<HttpResponseMessage> UseBenefitResponse(string benefit, string requestId) =>
        service.Client.PostAsJsonAsync($"api/members/{M}/benefits/{benefit}/uses?code={LocalHost.StorefrontKey}", new { requestId, note = "test" });

    private async Task<List<JsonNode>> Messages()
    {
        var page = (await service.Client.GetFromJsonAsync<JsonObject>($"api/members/{M}/messages?code={LocalHost.StorefrontKey}"))!;
        return [.. page["messages"]!.AsArray().Select(m => m!)];
    }

    // occurredAt only has to be in the host's past; the decisions take the host's (test) clock.
    private static string Envelope(string id, string type, object payload) => JsonSerializer.Serialize(new
    {
        eventId = $"year:{id}",
        type,
        memberId = M,
        occurredAt = "2027-01-01T00:00:00Z",
        payload,
    });

    private static string Purchase(string orderId, decimal amount) => Envelope(orderId, "purchase.completed", new
    {
        orderId,
        currency = "USD",
        orderTotal = amount + 5m,
        lines = new[] { new { lineId = "1", sku = "TEA", category = "Tea", quantity = 1, unitPrice = amount, discount = 0m } },
    });
}

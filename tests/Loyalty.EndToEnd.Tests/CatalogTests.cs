using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Loyalty.App.Operations;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A host whose catalog has a service reward with a global limit of 10, a tier-only reward and a plain service.</summary>
public sealed class CatalogFixture : ServiceFixture
{
    public const int Limit = 10;

    protected override IReadOnlyDictionary<string, string> HostSettings => Catalog;

    public static Dictionary<string, string> Catalog => new()
    {
        ["Loyalty__Program__Rewards__0__Id"] = "signed-print",
        ["Loyalty__Program__Rewards__0__Name"] = "Signed print (first ten)",
        ["Loyalty__Program__Rewards__0__Kind"] = "Service",
        ["Loyalty__Program__Rewards__0__PointsCost"] = "100",
        ["Loyalty__Program__Rewards__0__GlobalLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Loyalty__Program__Rewards__1__Id"] = "gold-gift-wrap",
        ["Loyalty__Program__Rewards__1__Name"] = "Gift-wrapping",
        ["Loyalty__Program__Rewards__1__Kind"] = "Service",
        ["Loyalty__Program__Rewards__1__PointsCost"] = "50",
        ["Loyalty__Program__Rewards__1__Tiers__0"] = "gold",
        ["Loyalty__Program__Rewards__1__Tiers__1"] = "diamond",
        ["Loyalty__Program__Rewards__2__Id"] = "usd-5-off",
        ["Loyalty__Program__Rewards__2__Name"] = "$5 off",
        ["Loyalty__Program__Rewards__2__Kind"] = "FixedDiscount",
        ["Loyalty__Program__Rewards__2__PointsCost"] = "100",
        ["Loyalty__Program__Rewards__2__Value"] = "5",
    };
}

/// <summary>
/// The rest of the catalog over HTTP: a global limit exact under 50 concurrent redemptions by 50
/// members, tier-only rewards refused to other tiers, and a service reward's voucher code.
/// </summary>
public sealed class CatalogTests(CatalogFixture service) : IClassFixture<CatalogFixture>
{
    [Fact]
    public async Task Fifty_members_redeeming_a_reward_limited_to_ten_at_once_give_exactly_ten_and_a_retry_keeps_its_slot()
    {
        var members = Enumerable.Range(0, 50).Select(i => $"cat-limit-{i:D2}").ToList();
        await Task.WhenAll(members.Select(m => EnrolAsync(m, 150m)));
        foreach (var m in members)
        {
            await service.WaitForMemberAsync(m, j => ServiceFixture.Balance(j) >= 100);
        }

        var responses = await Task.WhenAll(members.Select(async m =>
        {
            using var response = await RedeemAsync(m, "signed-print", "print-1");
            return (Member: m, response.StatusCode, Body: (await response.Content.ReadFromJsonAsync<JsonObject>())!);
        }));

        var won = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var lost = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(CatalogFixture.Limit, won.Count);
        Assert.All(lost, r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Equal("/problems/reward-sold-out", r.Body["type"]!.GetValue<string>());
        });

        // A service: a voucher code from this service, no discount in the shop.
        Assert.All(won, r => Assert.StartsWith("LOY-", r.Body["code"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(won, r => Assert.Null(r.Body["discount"]));

        // Exactly ten redemption rows; the ones refused spent nothing.
        Assert.Equal(won.Select(r => r.Member).Order(StringComparer.Ordinal), await RedeemersAsync("print-1"));
        foreach (var r in lost.Take(3))
        {
            Assert.Equal(200, ServiceFixture.Balance((await service.GetMemberAsync(r.Member))!));
        }

        // The same request again answers the same code and takes no second slot.
        var first = won[0];
        using var again = await RedeemAsync(first.Member, "signed-print", "print-1");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Body["code"]!.GetValue<string>(), (await again.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(CatalogFixture.Limit, await TakenAsync("signed-print"));

        // A reversal gives its slot back: one more member gets one, then it is sold out again.
        using (var reversal = await AdminPostAsync($"api/members/{first.Member}/redemptions/print-1/reversal", new { reason = "print damaged" }))
        {
            Assert.Equal(HttpStatusCode.OK, reversal.StatusCode);
        }

        Assert.Equal(CatalogFixture.Limit - 1, await TakenAsync("signed-print"));
        using (var late = await RedeemAsync(lost[0].Member, "signed-print", "print-2"))
        {
            Assert.Equal(HttpStatusCode.Created, late.StatusCode);
        }

        using (var soldOut = await RedeemAsync(lost[1].Member, "signed-print", "print-2"))
        {
            Assert.Equal(HttpStatusCode.Conflict, soldOut.StatusCode);
        }

        Assert.Equal(CatalogFixture.Limit, await TakenAsync("signed-print"));
        var audit = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);
        Assert.Empty(MemberAudit.Inconsistencies(audit));

        // The operator's audit with this catalog: the slots agree with the redemptions holding them.
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        string[] args = [$"--Loyalty:Storage:ConnectionString={service.Azurite.ConnectionString}", "--Loyalty:Local:StartAzurite=false", .. CatalogFixture.Catalog.Select(s => $"--{s.Key.Replace("__", ":", StringComparison.Ordinal)}={s.Value}")];
        Assert.True(await Loyalty.Local.AuditCommand.RunAsync(args, output) == 0, output.ToString());
    }

    [Fact]
    public async Task A_tier_only_reward_is_refused_to_other_tiers_writing_nothing_and_not_offered_on_their_page()
    {
        await EnrolAsync("cat-tier-member", 200m);
        await EnrolAsync("cat-tier-gold", 1600m);
        var plain = await service.WaitForMemberAsync("cat-tier-member", j => ServiceFixture.Balance(j) > 0);
        await service.WaitForMemberAsync("cat-tier-gold", j => j["tier"]?["id"]?.GetValue<string>() == "gold");

        var before = await service.SnapshotAsync();
        using var refused = await RedeemAsync("cat-tier-member", "gold-gift-wrap", "wrap-1");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("/problems/reward-not-in-tier", problem["type"]!.GetValue<string>());
        Assert.Empty((await service.SnapshotAsync()).ChangesSince(before));
        Assert.Equal(ServiceFixture.Balance(plain), ServiceFixture.Balance((await service.GetMemberAsync("cat-tier-member"))!));

        using var gold = await RedeemAsync("cat-tier-gold", "gold-gift-wrap", "wrap-1");
        Assert.Equal(HttpStatusCode.Created, gold.StatusCode);

        // A service: the owner honours the voucher and marks it used (once); it cannot be reversed then.
        using (var used = await AdminPostAsync("api/members/cat-tier-gold/redemptions/wrap-1/use", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
            var body = (await used.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.NotNull(body["usedAt"]);
            Assert.Null(body["usedOrderId"]);
        }

        using (var again = await AdminPostAsync("api/members/cat-tier-gold/redemptions/wrap-1/use", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using (var reversal = await AdminPostAsync("api/members/cat-tier-gold/redemptions/wrap-1/reversal", new { reason = "changed my mind" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, reversal.StatusCode);
            Assert.Equal("/problems/redemption-used", (await reversal.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>());
        }

        using (var unknown = await AdminPostAsync("api/members/cat-tier-gold/redemptions/wrap-none/use", new { }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // The program says who may redeem it; the member's page lists it only for those tiers.
        var program = (await service.Client.GetFromJsonAsync<JsonObject>("api/program"))!;
        var wrap = program["rewards"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "gold-gift-wrap")!;
        Assert.Equal(["gold", "diamond"], wrap["tiers"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.DoesNotContain("gold-gift-wrap", await PageRewardsAsync("cat-tier-member"));
        Assert.Contains("gold-gift-wrap", await PageRewardsAsync("cat-tier-gold"));
        var code = (await SummaryAsync("cat-tier-gold"))["codes"]!.AsArray().Single(c => c!["requestId"]!.GetValue<string>() == "wrap-1")!;
        Assert.Equal(("used", true), (code["status"]!.GetValue<string>(), code["used"]!.GetValue<bool>()));
    }

    private async Task EnrolAsync(string memberId, decimal merchandise) =>
        (await service.PostEventAsync(Payloads.GenericPurchase($"t:{memberId}:o1:paid", memberId, $"{memberId}-o1", merchandise, 1))).Dispose();

    private Task<HttpResponseMessage> RedeemAsync(string memberId, string rewardId, string requestId) =>
        service.Client.PostAsJsonAsync($"api/members/{memberId}/redemptions?code={LocalHost.StorefrontKey}", new { rewardId, requestId });

    private async Task<HttpResponseMessage> AdminPostAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return await service.Client.SendAsync(request);
    }

    // The members holding a redemption row of that request id, from the members table itself.
    private async Task<IReadOnlyList<string>> RedeemersAsync(string requestId)
    {
        var rows = service.Members.QueryAsync<TableEntity>(e => e.RowKey == "redemption|" + requestId, select: ["PartitionKey"]);
        var members = new List<string>();
        await foreach (var row in rows)
        {
            members.Add(row.PartitionKey);
        }

        return [.. members.Order(StringComparer.Ordinal)];
    }

    // The count row of the reward's slots, and the claim rows it must agree with.
    private async Task<long> TakenAsync(string rewardId)
    {
        var orders = new TableClient(service.Azurite.ConnectionString, "orders");
        var partition = "reward|" + rewardId;
        var claims = 0;
        long? taken = null;
        await foreach (var row in orders.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            if (row.RowKey == "count")
            {
                taken = row.GetInt64("Taken");
            }
            else
            {
                claims++;
            }
        }

        Assert.Equal(claims, taken);
        return taken ?? 0;
    }

    private async Task<IReadOnlyList<string>> PageRewardsAsync(string memberId) =>
        [.. (await SummaryAsync(memberId))["rewards"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];

    // What the member's own page shows, through a link the owner made.
    private async Task<JsonObject> SummaryAsync(string memberId)
    {
        using var link = await AdminPostAsync($"api/admin/members/{memberId}/page-links", new { days = 1 });
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var url = new Uri((await link.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>());
        return (await service.Client.GetFromJsonAsync<JsonObject>($"api/member-page/{memberId}/summary{url.Query}"))!;
    }
}

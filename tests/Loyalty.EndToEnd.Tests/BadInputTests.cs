using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.App;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// A host of its own for hostile input: two members seeded through a normal host (one poor,
/// one at Gold with the tote bag and this month's free deliveries used), then a host without a
/// queue pump on the same storage, so every message intake queues stays where a snapshot sees it.
/// </summary>
public sealed class HostileFixture : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Settings = new() { ["Loyalty__Local__QueueConcurrency"] = "0" };
    private Azurite? _azurite;
    private LocalHost? _host;

    public string ConnectionString => _azurite!.ConnectionString;

    public LocalHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        await using (var seeding = await LocalHost.StartAsync(_azurite.ConnectionString))
        {
            using var client = seeding.CreateClient();
            await SeedAsync(client, HostileRequests.Poor, 10m);
            await SeedAsync(client, HostileRequests.Rich, 2000m);
            await ExpectAsync(client, $"api/members/{HostileRequests.Rich}/redemptions", new { rewardId = "tote-bag", requestId = "seed-tote" });
            await ExpectAsync(client, $"api/members/{HostileRequests.Rich}/benefits/free-delivery/uses", new { requestId = "seed-d1" });
            await ExpectAsync(client, $"api/members/{HostileRequests.Rich}/benefits/free-delivery/uses", new { requestId = "seed-d2" });
            await seeding.StopAsync(TimeSpan.FromSeconds(30));
        }

        _host = await LocalHost.StartAsync(_azurite.ConnectionString, Settings);
        Client = _host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        // The class's last check, as ServiceFixture's: the operator's audit of the seeded members
        // after every hostile request (the host has no pump, so queued messages stay unapplied).
        var (code, output) = _azurite is null ? (0, string.Empty) : await LocalHost.AuditAsync(_azurite.ConnectionString, Settings);
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (code != 0)
        {
            throw new InvalidOperationException($"The operator's audit at the end of the hostile-input tests disagrees:\n{output}");
        }
    }

    private static async Task SeedAsync(HttpClient client, string memberId, decimal merchandise)
    {
        var body = Encoding.UTF8.GetBytes(Payloads.GenericPurchase($"seed:{memberId}:paid", memberId, $"{memberId}-seed", merchandise, 1));
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Loyalty-Signature", Signing.Hex(body, LocalHost.ApiSecret));
        using (var response = await client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.GetAsync($"api/members/{memberId}?code={LocalHost.StorefrontKey}")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, $"seed member {memberId} was not created");
            await Task.Delay(100);
        }
    }

    private static async Task ExpectAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync($"{path}?code={LocalHost.StorefrontKey}", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

/// <summary>
/// Twenty thousand generated hostile requests on every route of the contract (see
/// <see cref="HostileRequests"/>): none may get a 5xx or a status its kind does not allow, and
/// nothing may change in any table or queue of the account. One snapshot before and one after.
/// </summary>
public sealed class BadInputTests(HostileFixture service, ITestOutputHelper output) : IClassFixture<HostileFixture>
{
    private const int Requests = 20_000;

    // A well-formed envelope of a type the API does not take from outside.
    private const string InternalType = """{"eventId":"route:1","type":"points.adjusted","memberId":"nobody-here","occurredAt":"2026-11-20T10:00:00Z","payload":{"points":5,"reason":"x","actor":"x"}}""";

    [Fact]
    public async Task Twenty_thousand_hostile_requests_on_every_route_get_no_5xx_and_write_nothing_anywhere()
    {
        var cases = HostileRequests.Generate(20261202, Requests);
        var before = await StorageSnapshot.TakeAsync(service.ConnectionString);
        var statuses = new Dictionary<int, int>();
        var byKind = new Dictionary<string, Dictionary<int, int>>(StringComparer.Ordinal);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (hostile, ct) =>
        {
            using var request = hostile.Build();
            using var response = await service.Client.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var kind = $"{hostile.Route}: {hostile.Kind}";
                if (!byKind.TryGetValue(kind, out var counts))
                {
                    byKind[kind] = counts = [];
                }

                counts[status] = counts.GetValueOrDefault(status) + 1;
                if ((status >= 500 || !hostile.Allows(status)) && failures.Count < 30)
                {
                    failures.Add($"{status} for {kind} (allowed: {string.Join(", ", hostile.Expected)})");
                }
            }
        });

        clock.Stop();
        var after = await StorageSnapshot.TakeAsync(service.ConnectionString);
        output.WriteLine($"{cases.Count} requests in {clock.Elapsed.TotalSeconds:F1} s; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"))}");
        output.WriteLine($"{before.Tables.Count} tables ({before.EntityCount} entities) and {before.Queues.Count} queues compared");
        foreach (var (kind, counts) in byKind.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {kind}: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Requests, statuses.Values.Sum());
        var changes = after.ChangesSince(before);
        Assert.True(changes.Count == 0, "written by refused requests:\n" + string.Join("\n", changes));

        // The mix must reach every route and every kind, or the run proves less than it says.
        var routes = cases.Select(c => c.Route).ToHashSet(StringComparer.Ordinal);
        Assert.All(HostContract.HttpRoutes, r => Assert.Contains(r.Name, routes));
        Assert.All(HostileRequests.Kinds, k => Assert.True(byKind.ContainsKey($"{k.Route}: {k.Kind}"), $"{k.Route}: {k.Kind} was never sent"));
        Assert.Contains(before.Tables.Keys, t => t == "members");
        Assert.True(before.EntityCount > 10, "the seeded members should be in the snapshot");
    }

    [Fact]
    public async Task Every_route_of_the_contract_answers_its_own_handler_s_problem()
    {
        // The answer each route's handler gives to a request that reaches it, told apart from
        // every other route's: the status and either the problem type (and field) or a property
        // only that route's body has. A routing 404 or 405, a 401, or another handler's answer
        // all fail, and so does a route without an entry. Nothing here writes.
        var rich = HostileRequests.Rich;
        var expected = new Dictionary<string, (Func<HttpRequestMessage> Request, HttpStatusCode Status, string Marker)>(StringComparer.Ordinal)
        {
            ["ShopifyWebhook"] = (() => Signed("api/webhooks/shopify", "{}", ("X-Shopify-Topic", "orders/paid"), ("X-Shopify-Shop-Domain", "route-shop.myshopify.com"), ("X-Shopify-Hmac-Sha256", Signing.Base64("{}"u8.ToArray(), LocalHost.ShopifySecret))), HttpStatusCode.BadRequest, "/problems/invalid-field"),
            ["WooCommerceWebhook"] = (() => Signed("api/webhooks/woocommerce", "{}", ("X-WC-Webhook-Topic", "order.updated"), ("X-WC-Webhook-Source", "https://shop.example/"), ("X-WC-Webhook-Signature", Signing.Base64("{}"u8.ToArray(), LocalHost.WooCommerceSecret))), HttpStatusCode.BadRequest, "/problems/invalid-field"),
            ["IngestEvent"] = (() => Signed("api/events", InternalType, ("X-Loyalty-Signature", Signing.Hex(Encoding.UTF8.GetBytes(InternalType), LocalHost.ApiSecret))), HttpStatusCode.BadRequest, "/problems/unknown-type"),
            ["GetProgram"] = (() => new HttpRequestMessage(HttpMethod.Get, "api/program"), HttpStatusCode.OK, "rewards"),
            ["GetMember"] = (() => Admin(HttpMethod.Get, $"api/members/{rich}", null), HttpStatusCode.OK, "balance"),
            ["GetMemberMessages"] = (() => Admin(HttpMethod.Get, $"api/members/{rich}/messages", null), HttpStatusCode.OK, "messages"),
            ["RedeemReward"] = (() => Admin(HttpMethod.Post, $"api/members/{rich}/redemptions", new { rewardId = "no-such-reward", requestId = "route-1" }), HttpStatusCode.UnprocessableEntity, "/problems/unknown-reward"),
            ["ReverseRedemption"] = (() => Admin(HttpMethod.Post, $"api/members/{rich}/redemptions/route-1/reversal", new { }), HttpStatusCode.BadRequest, "/problems/invalid-field#reason"),
            ["MarkRedemptionUsed"] = (() => Admin(HttpMethod.Post, $"api/members/{rich}/redemptions/route-none/use", null), HttpStatusCode.NotFound, "/problems/unknown-redemption"),
            ["AdjustPoints"] = (() => Admin(HttpMethod.Post, $"api/admin/members/{rich}/adjustments", new { points = 0, reason = "route test" }), HttpStatusCode.BadRequest, "/problems/invalid-field#points"),
            ["UseBenefit"] = (() => Admin(HttpMethod.Post, $"api/members/{rich}/benefits/no-such-benefit/uses", new { requestId = "route-1" }), HttpStatusCode.NotFound, "/problems/unknown-benefit"),
            ["RunJob"] = (() => Admin(HttpMethod.Post, "api/admin/jobs/NoSuchJob/runs", null), HttpStatusCode.NotFound, "/problems/unknown-job"),
            ["ListMembers"] = (() => Admin(HttpMethod.Get, "api/members?q=hx-rich", null), HttpStatusCode.OK, "members"),
            ["GetMemberActivity"] = (() => Admin(HttpMethod.Get, $"api/members/{rich}/activity", null), HttpStatusCode.OK, "spendByMonth"),
            ["SubmitFeedback"] = (() => Admin(HttpMethod.Post, $"api/members/{rich}/feedback", new { requestId = "route-1", nps = 11 }), HttpStatusCode.BadRequest, "/problems/invalid-field#nps"),
            ["RecordServiceRecord"] = (() => Admin(HttpMethod.Post, $"api/members/{rich}/service-records", new { requestId = "route-1", kind = "praise", summary = "x", status = "open" }), HttpStatusCode.BadRequest, "/problems/invalid-field#kind"),
            ["UnsubscribePage"] = (() => new HttpRequestMessage(HttpMethod.Get, $"api/messages/unsubscribe?m={rich}&t={new string('0', 32)}"), HttpStatusCode.NotFound, "/problems/invalid-link"),
            ["Unsubscribe"] = (() => new HttpRequestMessage(HttpMethod.Post, $"api/messages/unsubscribe?m={rich}&t={new string('0', 32)}"), HttpStatusCode.NotFound, "/problems/invalid-link"),
            ["SetConsent"] = (() => Admin(HttpMethod.Put, $"api/members/{rich}/consent", new { }), HttpStatusCode.BadRequest, "/problems/invalid-field#marketing"),
            ["PreviewMessage"] = (() => Admin(HttpMethod.Get, $"api/admin/members/{rich}/messages/no-such-message/preview", null), HttpStatusCode.NotFound, "/problems/message-not-found"),
            ["ListHeldEvents"] = (() => Admin(HttpMethod.Get, "api/admin/held-events", null), HttpStatusCode.OK, "events"),
            ["ApproveHeldEvent"] = (() => Admin(HttpMethod.Post, "api/admin/held-events/api:route-test/approval", null), HttpStatusCode.NotFound, "/problems/held-event-not-found"),
            ["RejectHeldEvent"] = (() => Admin(HttpMethod.Post, "api/admin/held-events/api:route-test/rejection", new { note = new string('n', 501) }), HttpStatusCode.BadRequest, "/problems/invalid-field#note"),
            ["ListPoison"] = (() => Admin(HttpMethod.Get, "api/admin/poison", null), HttpStatusCode.OK, "messages"),
            ["GetReports"] = (() => Admin(HttpMethod.Get, "api/admin/reports?format=xml", null), HttpStatusCode.BadRequest, "/problems/invalid-field#format"),
            ["ReplayPoison"] = (() => Admin(HttpMethod.Post, "api/admin/poison/replays", new { max = 0 }), HttpStatusCode.BadRequest, "/problems/invalid-field#max"),
            ["ImportMembers"] = (() => Admin(HttpMethod.Post, "api/admin/imports?dryRun=maybe", null), HttpStatusCode.BadRequest, "/problems/invalid-field#dryRun"),
            ["ExportMembers"] = (() => Admin(HttpMethod.Get, "api/admin/exports/members?format=xlsx", null), HttpStatusCode.BadRequest, "/problems/invalid-field#format"),
            ["ExportMemberData"] = (() => Admin(HttpMethod.Get, $"api/admin/members/{rich}/export", null), HttpStatusCode.OK, "ledger"),
            ["MemberPage"] = (() => new HttpRequestMessage(HttpMethod.Get, $"api/member-page/{rich}?expires=4102444800&signature={new string('0', 64)}"), HttpStatusCode.Forbidden, "html:data-link=\"refused\""),
            ["GetMemberPageSummary"] = (() => new HttpRequestMessage(HttpMethod.Get, $"api/member-page/{rich}/summary?expires=4102444800&signature={new string('0', 64)}"), HttpStatusCode.Forbidden, "/problems/invalid-link"),
            ["RedeemOnMemberPage"] = (() => new HttpRequestMessage(HttpMethod.Post, $"api/member-page/{rich}/redemptions?expires=1&signature=x") { Content = JsonContent.Create(new { rewardId = "tote-bag", requestId = "route-1" }) }, HttpStatusCode.Forbidden, "/problems/invalid-link"),
            ["CreateMemberPageLink"] = (() => Admin(HttpMethod.Post, $"api/admin/members/{rich}/page-links", new { days = 91 }), HttpStatusCode.BadRequest, "/problems/invalid-field#days"),
            ["ShopifyProxyMemberPage"] = (() => new HttpRequestMessage(HttpMethod.Get, $"api/shopify-proxy/member-page?shop=x.myshopify.com&logged_in_customer_id=1&timestamp=4102444800&signature={new string('0', 64)}"), HttpStatusCode.Forbidden, "html:data-link=\"refused\""),
            ["GetShopifyProxyMemberPageSummary"] = (() => new HttpRequestMessage(HttpMethod.Get, $"api/shopify-proxy/member-page/summary?shop=x.myshopify.com&logged_in_customer_id=1&timestamp=4102444800&signature={new string('0', 64)}"), HttpStatusCode.Forbidden, "/problems/invalid-proxy-signature"),
            ["RedeemOnShopifyProxyMemberPage"] = (() => new HttpRequestMessage(HttpMethod.Post, "api/shopify-proxy/member-page/redemptions?logged_in_customer_id=1&signature=x") { Content = JsonContent.Create(new { rewardId = "tote-bag", requestId = "route-1" }) }, HttpStatusCode.Forbidden, "/problems/invalid-proxy-signature"),
            ["EraseMember"] = (() => Admin(HttpMethod.Post, $"api/admin/members/{rich}/erasure", new { reason = "because" }), HttpStatusCode.BadRequest, "/problems/invalid-field#reason"),
            ["ListPrivacyRequests"] = (() => Admin(HttpMethod.Get, "api/admin/privacy-requests", null), HttpStatusCode.OK, "requests"),
            ["GetPrivacyRequestExport"] = (() => Admin(HttpMethod.Get, "api/admin/privacy-requests/pr-none/export", null), HttpStatusCode.NotFound, "/problems/privacy-request-not-found"),
        };

        Assert.Equal(HostContract.HttpRoutes.Select(r => r.Name).Order(StringComparer.Ordinal), expected.Keys.Order(StringComparer.Ordinal));
        foreach (var route in HostContract.HttpRoutes)
        {
            var (make, status, marker) = expected[route.Name];
            using var request = make();
            Assert.Equal(route.Method, request.Method.Method);
            Assert.Equal($"api/{route.Template}", Template(request.RequestUri!.OriginalString.Split('?')[0], route.Template));
            using var response = await service.Client.SendAsync(request);

            Assert.True(status == response.StatusCode, $"{route.Name}: {(int)response.StatusCode}, expected {(int)status}");
            if (marker.StartsWith("html:", StringComparison.Ordinal))
            {
                // A page (the member page): its own markup, and no member data in it.
                Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains(marker[5..], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                continue;
            }

            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            if (marker.StartsWith("/problems/", StringComparison.Ordinal))
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var parts = marker.Split('#');
                Assert.Equal(parts[0], body["type"]!.GetValue<string>());
                if (parts.Length > 1)
                {
                    Assert.Equal(parts[1], body["field"]!.GetValue<string>());
                }
            }
            else
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                Assert.True(body.ContainsKey(marker), $"{route.Name}: no '{marker}' in {body.ToJsonString()[..Math.Min(200, body.ToJsonString().Length)]}");
            }
        }

        // The control: a path no route maps is a 404 without one of the service's problem types, so the checks above tell them apart.
        using var unmapped = await service.Client.SendAsync(Admin(HttpMethod.Get, "api/no-such-route", null));
        Assert.Equal(HttpStatusCode.NotFound, unmapped.StatusCode);
        Assert.DoesNotContain("/problems/", await unmapped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // The concrete path, with the route's parameters put back, so each request is checked against its own template.
    private static string Template(string path, string template)
    {
        var concrete = path.Split('/');
        var pattern = ("api/" + template).Split('/');
        return concrete.Length != pattern.Length ? path : string.Join('/', pattern.Select((p, i) => p.StartsWith('{') ? p : concrete[i]));
    }

    private static HttpRequestMessage Signed(string path, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return request;
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Loyalty.App.Jobs;
using Loyalty.Core;
using Loyalty.Testing;
using Microsoft.Azure.Functions.Worker;

namespace Loyalty.Functions.Tests;

/// <summary>
/// The function classes themselves, resolved from the function app's own registrations and called
/// against a real Azurite: the same steps through the local host leave the member exactly alike.
/// </summary>
public sealed class FunctionClassTests
{
    private const long Customer = 880_001;
    private const long Order = 990_001;
    private const string Member = "shopify-880001";
    private const string Shop = "functions-test.myshopify.com";
    private static readonly DateTimeOffset Paid = new(2026, 11, 20, 19, 5, 0, TimeSpan.Zero);
    // Points live 365 days after the program-local day they were earned, to the end of that day.
    private static readonly DateTimeOffset AfterExpiry = Paid.AddDays(366);

    [Fact]
    public async Task A_shopify_order_a_redemption_and_expiry_through_the_functions_leave_the_member_as_the_local_host_does()
    {
        var order = ShopifyOrder();

        // Through the function classes.
        await using var fnStorage = await Azurite.StartAsync();
        await using var app = await FunctionApp.StartAsync(FunctionApp.Settings(fnStorage.ConnectionString), Paid);
        var webhook = app.Request("POST", "/api/webhooks/shopify", order, ShopifyHeaders(order));
        var (status, _) = await FunctionApp.RespondAsync(webhook, await app.Http.ShopifyWebhook(webhook, CancellationToken.None));
        Assert.Equal(202, status);
        Assert.Equal(1, await app.DrainAsync());

        var redeem = app.AdminRequest("POST", $"/api/members/{Member}/redemptions", """{"rewardId":"free-shipping","requestId":"fn-r1"}""");
        var (redeemed, redemption) = await FunctionApp.RespondAsync(redeem, await app.Http.RedeemReward(redeem, Member, CancellationToken.None));
        Assert.Equal(201, redeemed);
        Assert.Equal(75, redemption!["pointsSpent"]!.GetValue<long>());

        app.Clock.SetUtcNow(AfterExpiry);
        await app.Timers.ExpirePoints(new TimerInfo(), CancellationToken.None);
        Assert.Equal(1, await app.DrainAsync());
        var viaFunctions = await app.MemberAsync(Member);

        // Through the local host, on an Azurite of its own.
        await using var localStorage = await Azurite.StartAsync();
        await using var local = await LocalHost.StartAsync(localStorage.ConnectionString, new Dictionary<string, string>
        {
            ["Loyalty__Local__TestClock"] = "true",
            ["Loyalty__Local__RunTimers"] = "false",
            ["Loyalty__AdminKey"] = FunctionApp.AdminKey,
            ["Loyalty__Webhooks__ShopifySecret"] = FunctionApp.ShopifySecret,
        });
        using var client = local.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", FunctionApp.AdminKey);
        var events = new QueueClient(localStorage.ConnectionString, "loyalty-events");
        await SetClockAsync(client, Paid);
        using (var content = new StringContent(order, Encoding.UTF8, "application/json"))
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = content };
            foreach (var (name, value) in ShopifyHeaders(order))
            {
                post.Headers.TryAddWithoutValidation(name, value);
            }

            using var accepted = await client.SendAsync(post);
            Assert.Equal(202, (int)accepted.StatusCode);
        }

        await QueueWatch.WaitForDrainedAsync(events, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        using (var response = await client.PostAsJsonAsync($"api/members/{Member}/redemptions", new { rewardId = "free-shipping", requestId = "fn-r1" }))
        {
            Assert.Equal(201, (int)response.StatusCode);
        }

        await SetClockAsync(client, AfterExpiry);
        using (var run = await client.PostAsync($"api/admin/jobs/{ScheduledJobs.ExpirePoints}/runs", null))
        {
            Assert.Equal(200, (int)run.StatusCode);
        }

        await QueueWatch.WaitForDrainedAsync(events, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        var viaLocalHost = (await client.GetFromJsonAsync<JsonObject>($"api/members/{Member}?pageSize=100"))!;

        // 110 points for 110.50 of merchandise (the sign-up bonus of 50 on top), 75 spent, and the
        // rest expired a year on: the same figures and the same history, entry for entry.
        Assert.Equal(0, viaFunctions["balance"]!.GetValue<long>());
        Assert.Equal(
            ["expired", "redeemed", "earned", "signup_bonus"],
            viaFunctions["history"]!["entries"]!.AsArray().Select(e => (string)e!["kind"]!));
        Assert.Equal(Comparable(viaLocalHost).ToJsonString(), Comparable(viaFunctions).ToJsonString());
    }

    [Fact]
    public async Task A_message_that_must_wait_makes_ProcessEvent_throw_and_on_its_last_delivery_is_parked_with_its_error()
    {
        await using var storage = await Azurite.StartAsync();
        await using var app = await FunctionApp.StartAsync(FunctionApp.Settings(storage.ConnectionString), Paid);

        // A referral follow-up waits until the friend's order is committed; this friend's never is.
        var body = EventEnvelope.Serialize(new ReferralRewarded("referral:fn-ref:fn-friend", "fn-ref", Paid, "fn-friend", "api:fn-friend:order:1:paid"));
        await app.Events.SendMessageAsync(body);

        var first = (await app.ReceiveAsync(visibility: TimeSpan.FromSeconds(1)))!.Value;
        Assert.Equal(1, first.Message.DequeueCount);
        await Assert.ThrowsAsync<RetryLaterException>(() => app.Queue.ProcessEvent(first.Message, CancellationToken.None));
        Assert.Equal(0, (await app.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // The host's last delivery (host.json maxDequeueCount 5): parked by the handler, not thrown.
        var last = await WaitVisibleAsync(app);
        await app.Queue.ProcessEvent(last.Message, CancellationToken.None);
        var parked = Assert.Single((await app.Poison.ReceiveMessagesAsync(32)).Value);
        var poison = JsonNode.Parse(parked.MessageText)!;
        Assert.Contains("not committed yet", poison.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("referral:fn-ref:fn-friend", poison.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_member_is_member_not_found_on_every_member_function()
    {
        await using var storage = await Azurite.StartAsync();
        await using var app = await FunctionApp.StartAsync(FunctionApp.Settings(storage.ConnectionString), Paid);
        const string nobody = "fn-nobody";

        var calls = new (string Name, Func<Task<(int, JsonNode?)>> Call)[]
        {
            ("GetMember", () => Call(app, "GET", $"/api/members/{nobody}", null, r => app.Http.GetMember(r, nobody, CancellationToken.None))),
            ("GetMemberMessages", () => Call(app, "GET", $"/api/members/{nobody}/messages", null, r => app.Http.GetMemberMessages(r, nobody, CancellationToken.None))),
            ("RedeemReward", () => Call(app, "POST", $"/api/members/{nobody}/redemptions", """{"rewardId":"free-shipping","requestId":"r1"}""", r => app.Http.RedeemReward(r, nobody, CancellationToken.None))),
            ("AdjustPoints", () => Call(app, "POST", $"/api/admin/members/{nobody}/adjustments", """{"points":10,"reason":"goodwill","requestId":"a1"}""", r => app.Http.AdjustPoints(r, nobody, CancellationToken.None))),
            ("UseBenefit", () => Call(app, "POST", $"/api/members/{nobody}/benefits/free-delivery/uses", """{"requestId":"b1"}""", r => app.Http.UseBenefit(r, nobody, "free-delivery", CancellationToken.None))),
        };
        foreach (var (name, call) in calls)
        {
            var (status, body) = await call();
            Assert.True(status == 404, $"{name} answered {status}");
            Assert.Equal("/problems/member-not-found", (string?)body!["type"]);
        }
    }

    [Fact]
    public async Task No_key_is_unauthorized_and_a_wrong_key_is_not_accepted_on_admin_and_storefront_functions()
    {
        await using var storage = await Azurite.StartAsync();
        await using var app = await FunctionApp.StartAsync(FunctionApp.Settings(storage.ConnectionString), Paid);
        var wrong = new Dictionary<string, string> { ["x-functions-key"] = "not-the-key-of-this-service" };

        foreach (var (headers, expected) in new[] { (new Dictionary<string, string>(), "/problems/unauthorized"), (wrong, "/problems/key-not-accepted") })
        {
            var read = app.Request("GET", $"/api/members/{Member}", null, headers);
            var (readStatus, readBody) = await FunctionApp.RespondAsync(read, await app.Http.GetMember(read, Member, CancellationToken.None));
            var adjust = app.Request("POST", $"/api/admin/members/{Member}/adjustments", """{"points":10,"reason":"goodwill","requestId":"a1"}""", headers);
            var (adjustStatus, adjustBody) = await FunctionApp.RespondAsync(adjust, await app.Http.AdjustPoints(adjust, Member, CancellationToken.None));

            Assert.Equal((401, expected), (readStatus, (string?)readBody!["type"]));
            Assert.Equal((401, expected), (adjustStatus, (string?)adjustBody!["type"]));
        }
    }

    private static async Task<(int, JsonNode?)> Call(FunctionApp app, string method, string path, string? body, Func<Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Http.IResult>> function)
    {
        var request = app.AdminRequest(method, path, body);
        return await FunctionApp.RespondAsync(request, await function(request));
    }

    // The message is invisible for a second after the first receive; the next delivery is read with the host's last count.
    private static async Task<(Azure.Storage.Queues.Models.QueueMessage Message, string Receipt)> WaitVisibleAsync(FunctionApp app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await app.ReceiveAsync(dequeueCount: 5) is { } next)
            {
                return next;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The message did not become visible again.");
    }

    private static string ShopifyOrder()
    {
        var sample = Path.Combine(RepoPaths.Root, "functions", "Loyalty.Local", "samples", "shopify-orders-paid.json");
        var order = JsonNode.Parse(File.ReadAllText(sample))!.AsObject();
        order["id"] = Order;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{Order}";
        order["customer"]!["id"] = Customer;
        return order.ToJsonString();
    }

    private static Dictionary<string, string> ShopifyHeaders(string body) => new()
    {
        ["X-Shopify-Topic"] = "orders/paid",
        ["X-Shopify-Shop-Domain"] = Shop,
        ["X-Shopify-Webhook-Id"] = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        ["X-Shopify-Hmac-Sha256"] = Signing.Base64(Encoding.UTF8.GetBytes(body), FunctionApp.ShopifySecret),
    };

    private static async Task SetClockAsync(HttpClient client, DateTimeOffset now)
    {
        using var response = await client.PostAsJsonAsync("_local/clock", new { now = now.ToString("O", CultureInfo.InvariantCulture) });
        response.EnsureSuccessStatusCode();
    }

    // Redemption codes are random by design (handed to the shop's checkout), and the local host's
    // test clock runs on from the instant it was set, so its times are kept to the hour; all else must match.
    private static JsonNode Comparable(JsonNode node)
    {
        var copy = node.DeepClone();
        foreach (var obj in Walk(copy).OfType<JsonObject>().ToList())
        {
            obj.Remove("code");
            foreach (var (name, value) in obj.ToList())
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 19 && text[10] == 'T' && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                {
                    obj[name] = at.ToUniversalTime().ToString("yyyy-MM-ddTHH", CultureInfo.InvariantCulture);
                }
            }
        }

        return copy;
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var n in Walk(child))
            {
                yield return n;
            }
        }
    }
}

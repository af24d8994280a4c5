using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.App;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// Thousands of generated bad requests: none may get a 5xx, and none may leave anything
/// behind in the tables or the queue. Every request is built so that it must be refused
/// (broken JSON, wrong types, hostile ids, bad signatures, unknown topics), so "nothing new"
/// is the exact expectation.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class BadInputTests(ServiceFixture service)
{
    private static readonly string[] HostileIds =
    [
        "'", "/", "#", "?", "\\", "a/b", "x#1", "q?x=1", "' or ''eq''", "PartitionKey eq 'x'", "\u0000", "\u0007bell", "line\nbreak", "tab\tid",
        "über", "😀", new string('9', 201), "", " ", "..", "%2F", "id with space",
    ];

    private static readonly HashSet<HttpStatusCode> Allowed =
    [
        HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound,
        HttpStatusCode.MethodNotAllowed, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType,
        HttpStatusCode.UnprocessableEntity,
    ];

    [Fact]
    public async Task Ten_thousand_generated_bad_requests_get_no_5xx_and_write_nothing()
    {
        await service.WaitForQueueDrainedAsync();
        var rowsBefore = await service.CountMemberRowsAsync();
        var random = new Random(20261122);
        var requests = Enumerable.Range(0, 10_000).Select(i => Generate(random, i)).ToList();
        var statuses = new Dictionary<HttpStatusCode, int>();
        var failures = new List<string>();

        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (make, ct) =>
        {
            using var request = make.Build();
            using var response = await service.Client.SendAsync(request, ct);
            lock (statuses)
            {
                statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
                if (!Allowed.Contains(response.StatusCode) && failures.Count < 20)
                {
                    failures.Add($"{(int)response.StatusCode} for {make.Description}");
                }
            }
        });

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(10_000, statuses.Values.Sum());
        Assert.Equal(0, await ServiceFixture.DepthAsync(service.EventsQueue));
        await Task.Delay(500);
        Assert.Equal(rowsBefore, await service.CountMemberRowsAsync());
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > 1000, "most generated bodies should reach the parser and be refused there");
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Unauthorized) > 1000, "many generated requests carry bad signatures");
    }

    [Fact]
    public async Task Every_route_of_the_contract_is_served_by_the_local_host()
    {
        foreach (var route in HostContract.HttpRoutes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), $"api/{route.Template.Replace("{memberId}", "nobody-here", StringComparison.Ordinal)}");
            request.Headers.Add("x-functions-key", LocalHost.AdminKey);
            if (route.Method == "POST")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await service.Client.SendAsync(request);

            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                // A 404 from the handler (no such member) is a problem document; a routing 404 is not.
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    private sealed record Made(string Description, Func<HttpRequestMessage> Build);

    private static Made Generate(Random random, int i)
    {
        var kind = i % 12;
        return kind switch
        {
            0 => Shopify("truncated orders/paid", "orders/paid", Truncate(random, Payloads.ShopifyOrderPaid(1, 1)), sign: true),
            1 => Shopify("hostile customer id", "orders/paid", WithShopifyCustomer(Payloads.ShopifyOrderPaid(1, 1), Pick(random, HostileIds)), sign: true),
            2 => Shopify("wrong types", "orders/paid", WrongType(random, Payloads.ShopifyOrderPaid(1, 2)), sign: true),
            3 => Shopify("bad signature", Pick(random, ["orders/paid", "refunds/create", "orders/cancelled"]), Payloads.ShopifyOrderPaid(42, 42 + i), sign: false),
            4 => Shopify("unknown topic", Pick(random, ["orders/create", "products/update", "", "../admin", "orders/paid\u0000"]), Payloads.ShopifyOrderPaid(43, 43), sign: true),
            5 => Woo("truncated woo order", "order.updated", Truncate(random, Payloads.WooOrder(5, 5, "processing")), sign: true),
            6 => Woo("hostile woo ids", "order.created", WithWooIds(Payloads.WooOrder(6, 6, "completed"), Pick(random, HostileIds)), sign: true),
            7 => Woo("bad woo signature", "order.updated", Payloads.WooOrder(7, 7 + i, "processing"), sign: false),
            8 => Api("hostile api member", ApiBody(Pick(random, HostileIds), "ok-order"), sign: true),
            9 => random.Next(2) == 0
                ? Api("bad api signature", ApiBody("fine-member", "o" + i), sign: false)
                : Api("garbage", RandomBytes(random), sign: random.Next(2) == 0),
            10 => Admin(random, i),
            _ => i % 997 == 11
                ? Shopify("oversized", "orders/paid", new string(' ', (1024 * 1024) + 1), sign: true)
                : Api("wrong api types", WrongType(random, ApiBody("typed-member", "o" + i)), sign: true),
        };
    }

    private static Made Shopify(string what, string topic, string body, bool sign) => new($"shopify {what}", () =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Headers.TryAddWithoutValidation("X-Shopify-Topic", topic);
        request.Headers.TryAddWithoutValidation("X-Shopify-Shop-Domain", "fuzz-shop.myshopify.com");
        request.Headers.TryAddWithoutValidation("X-Shopify-Hmac-Sha256", sign ? Signing.Base64(bytes, LocalHost.ShopifySecret) : Signing.Base64(bytes, "not-the-secret"));
        return request;
    });

    private static Made Woo(string what, string topic, string body, bool sign) => new($"woocommerce {what}", () =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/woocommerce") { Content = new ByteArrayContent(bytes) };
        request.Headers.TryAddWithoutValidation("X-WC-Webhook-Topic", topic);
        request.Headers.TryAddWithoutValidation("X-WC-Webhook-Source", "https://fuzz.example/");
        if (sign)
        {
            request.Headers.TryAddWithoutValidation("X-WC-Webhook-Signature", Signing.Base64(bytes, LocalHost.WooCommerceSecret));
        }

        return request;
    });

    private static Made Api(string what, string body, bool sign) => new($"api {what}", () =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(bytes) };
        request.Headers.TryAddWithoutValidation("X-Loyalty-Signature", sign ? Signing.Hex(bytes, LocalHost.ApiSecret) : "sha256=" + Convert.ToHexStringLower(bytes.Take(32).ToArray()));
        return request;
    });

    private static Made Admin(Random random, int i)
    {
        var id = Uri.EscapeDataString(Pick(random, HostileIds));
        var right = random.Next(2) == 0;
        var key = right ? $"?code={LocalHost.StorefrontKey}" : "?code=wrong";
        var adminKey = right ? LocalHost.AdminKey : "wrong";
        var redeem = Pick(random, ["{", "[]", "{\"rewardId\":5}", "{\"rewardId\":\"usd-5-off\",\"requestId\":\"#\"}", "null"]);
        var adjust = Pick(random, ["{\"points\":\"ten\"}", "{\"points\":0,\"reason\":\"x\"}", "{\"points\":5}", "{\"points\":1e400,\"reason\":\"x\"}", "{\"points\":5,\"reason\":\"x\"}"]);
        return (i / 12 % 3) switch
        {
            0 => new("admin get hostile id", () => new HttpRequestMessage(HttpMethod.Get, $"api/members/{id}{key}")),
            1 => new("admin redeem bad body", () => new HttpRequestMessage(HttpMethod.Post, $"api/members/{id}/redemptions{key}")
            {
                Content = new StringContent(redeem, Encoding.UTF8, "application/json"),
            }),
            _ => new("admin adjust bad body", () => new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{id}/adjustments")
            {
                Content = new StringContent(adjust, Encoding.UTF8, "application/json"),
                Headers = { { "x-functions-key", adminKey } },
            }),
        };
    }

    private static string ApiBody(string memberId, string orderId) => new JsonObject
    {
        ["eventId"] = $"fuzz:{orderId}:paid",
        ["type"] = "purchase.completed",
        ["memberId"] = memberId,
        ["occurredAt"] = "2026-11-20T10:00:00Z",
        ["payload"] = new JsonObject
        {
            ["orderId"] = orderId,
            ["currency"] = "USD",
            ["orderTotal"] = 12.5,
            ["lines"] = new JsonArray(new JsonObject { ["lineId"] = "1", ["quantity"] = 1, ["unitPrice"] = 12.5, ["discount"] = 0 }),
        },
    }.ToJsonString();

    // Cutting a JSON object anywhere before its closing brace always leaves invalid JSON.
    private static string Truncate(Random random, string json) => json[..random.Next(0, json.Length - 1)];

    private static string WithShopifyCustomer(string json, string customerId)
    {
        var node = JsonNode.Parse(json)!;
        node["customer"]!["id"] = customerId;
        return node.ToJsonString();
    }

    private static string WithWooIds(string json, string id)
    {
        var node = JsonNode.Parse(json)!;
        node["customer_id"] = id;
        return node.ToJsonString();
    }

    // Replaces a required value with one of the wrong type; every such change must be refused.
    private static string WrongType(Random random, string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        JsonNode Wrong() => random.Next(4) switch
        {
            0 => new JsonObject { ["x"] = 1 },
            1 => new JsonArray(1, 2),
            2 => JsonValue.Create(true),
            _ => JsonValue.Create("abc")!,
        };

        if (node.ContainsKey("payload"))
        {
            var target = random.Next(4);
            switch (target)
            {
                case 0: node["payload"]!["lines"] = Wrong(); break;
                case 1: node["payload"]!["lines"]![0]!["quantity"] = Wrong(); break;
                case 2: node["memberId"] = random.Next(2) == 0 ? new JsonArray("a") : new JsonObject(); break;
                default: node["payload"]!["lines"]![0]!["unitPrice"] = Wrong(); break;
            }
        }
        else
        {
            var target = random.Next(3);
            switch (target)
            {
                case 0: node["line_items"] = Wrong(); break;
                case 1: node["line_items"]![0]!["quantity"] = Wrong(); break;
                default: node["customer"] = random.Next(2) == 0 ? new JsonArray(1) : JsonValue.Create("abc"); break;
            }
        }

        return node.ToJsonString();
    }

    private static string RandomBytes(Random random)
    {
        var chars = new char[random.Next(0, 300)];
        for (var c = 0; c < chars.Length; c++)
        {
            chars[c] = (char)random.Next(1, 0x7F);
        }

        return new string(chars);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}

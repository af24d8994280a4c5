using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// One Azurite and one local host process shared by the end-to-end tests of a class or a
/// collection. Its disposal is the class's last check: the operator's audit of the storage
/// (<see cref="AuditAtEndAsync"/>), which fails the run when anything disagrees (xunit reports
/// a fixture that throws in DisposeAsync as a failed "cleanup" of the class or collection).
/// </summary>
public class ServiceFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private LocalHost? _host;

    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("Not started.");

    public LocalHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public HttpClient Client { get; private set; } = null!;

    public TableClient Members => new(Azurite.ConnectionString, "members");

    public QueueClient EventsQueue => new(Azurite.ConnectionString, "loyalty-events");

    public QueueClient PoisonQueue => new(Azurite.ConnectionString, "loyalty-events-poison");

    public virtual async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _host = await LocalHost.StartAsync(_azurite.ConnectionString, HostSettings);
        Client = _host.CreateClient();
    }

    /// <summary>Settings laid over the test defaults of <see cref="LocalHost"/>.</summary>
    protected virtual IReadOnlyDictionary<string, string>? HostSettings => null;

    /// <summary>
    /// Why this fixture's tests leave storage disagreeing on purpose, so that disposal skips the
    /// audit; null (the default) when every class using it must end with an agreeing audit.
    /// </summary>
    protected virtual string? NoAuditAtEnd => null;

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        string? disagreement = null;
        try
        {
            if (_host is not null && _azurite is not null && NoAuditAtEnd is null)
            {
                disagreement = await AuditAtEndAsync();
            }
        }
        finally
        {
            Client?.Dispose();
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }

            if (_azurite is not null)
            {
                await _azurite.DisposeAsync();
            }
        }

        if (disagreement is not null)
        {
            throw new InvalidOperationException($"The operator's audit at the end of {GetType().Name}'s tests disagrees:\n{disagreement}");
        }
    }

    /// <summary>
    /// Lets the events queue drain (a message parked for a later retry may stay), stops the host
    /// so that nothing writes meanwhile, and runs the operator's audit (every member partition,
    /// the directory and the reports) on this storage with the host's settings; returns what it
    /// printed when it disagrees, else null.
    /// </summary>
    private async Task<string?> AuditAtEndAsync()
    {
        try
        {
            await WaitForQueueDrainedAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // Left in the queue on purpose by a test; the audit says whether storage agrees.
        }

        await Host.StopAsync(TimeSpan.FromSeconds(30));
        var (code, output) = await LocalHost.AuditAsync(Azurite.ConnectionString, HostSettings);
        return code == 0 ? null : output;
    }

    /// <summary>Posts a body signed the way Shopify signs it.</summary>
    public Task<HttpResponseMessage> PostShopifyAsync(string topic, string body, string shop = "test-shop.myshopify.com", string? signature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", shop);
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Hmac-Sha256", signature ?? Signing.Base64(bytes, LocalHost.ShopifySecret));
        return Client.SendAsync(request);
    }

    /// <summary>Posts a body signed the way WooCommerce signs it.</summary>
    public Task<HttpResponseMessage> PostWooAsync(string topic, string body, string source = "https://tea-shop.example/")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/woocommerce") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-WC-Webhook-Topic", topic);
        request.Headers.Add("X-WC-Webhook-Source", source);
        request.Headers.Add("X-WC-Webhook-Resource", "order");
        request.Headers.Add("X-WC-Webhook-Delivery-ID", Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-WC-Webhook-Signature", Signing.Base64(bytes, LocalHost.WooCommerceSecret));
        return Client.SendAsync(request);
    }

    /// <summary>Posts a generic API envelope signed with the API secret.</summary>
    public Task<HttpResponseMessage> PostEventAsync(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Loyalty-Signature", Signing.Hex(bytes, LocalHost.ApiSecret));
        return Client.SendAsync(request);
    }

    /// <summary>GET /api/members/{id} with the admin key; null when 404.</summary>
    public async Task<JsonObject?> GetMemberAsync(string memberId, int pageSize = 100)
    {
        using var response = await Client.GetAsync($"api/members/{Uri.EscapeDataString(memberId)}?pageSize={pageSize}&code={LocalHost.StorefrontKey}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Polls the member until <paramref name="until"/> holds (the queue is asynchronous).</summary>
    public async Task<JsonObject> WaitForMemberAsync(string memberId, Func<JsonObject, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetMemberAsync(memberId);
            if (last is not null && until(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Member {memberId} did not reach the expected state; last seen: {last?.ToJsonString() ?? "none"}\n{Host.Output[^Math.Min(Host.Output.Length, 4000)..]}");
    }

    /// <summary>Every table and queue of the account, to compare before and after a refusal.</summary>
    public Task<StorageSnapshot> SnapshotAsync() => StorageSnapshot.TakeAsync(Azurite.ConnectionString);

    /// <summary>Messages waiting in a queue.</summary>
    public static async Task<int> DepthAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>Waits until the events queue is empty and stays empty for a moment.</summary>
    public async Task WaitForQueueDrainedAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var emptySince = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline)
        {
            if (await DepthAsync(EventsQueue) == 0)
            {
                emptySince = emptySince == DateTime.MaxValue ? DateTime.UtcNow : emptySince;
                if (DateTime.UtcNow - emptySince > TimeSpan.FromMilliseconds(500))
                {
                    return;
                }
            }
            else
            {
                emptySince = DateTime.MaxValue;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The events queue did not drain.");
    }

    public static long Balance(JsonObject member) => member["balance"]!.GetValue<long>();

    public static JsonArray History(JsonObject member) => member["history"]!["entries"]!.AsArray();
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}

/// <summary>Realistic payloads, built per test so each test has its own member and order.</summary>
public static class Payloads
{
    private static readonly string SamplesDir = Path.Combine(RepoPaths.Root, "functions", "Loyalty.Local", "samples");

    /// <summary>The realistic Shopify orders/paid sample (110.50 of merchandise after discounts) for a given customer and order.</summary>
    public static string ShopifyOrderPaid(long customerId, long orderId)
    {
        var order = JsonNode.Parse(File.ReadAllText(Path.Combine(SamplesDir, "shopify-orders-paid.json")))!.AsObject();
        order["id"] = orderId;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{orderId}";
        order["customer"]!["id"] = customerId;
        return order.ToJsonString();
    }

    /// <summary>A Shopify refunds/create for one line of <see cref="ShopifyOrderPaid"/> (the teapot: 74.50 − 7.30 = 67.20 of merchandise).</summary>
    public static string ShopifyRefundTeapot(long orderId, long refundId) => new JsonObject
    {
        ["id"] = refundId,
        ["order_id"] = orderId,
        ["created_at"] = "2026-11-21T09:00:00-05:00",
        ["processed_at"] = "2026-11-21T09:00:00-05:00",
        ["note"] = "Arrived chipped",
        ["restock"] = true,
        ["user_id"] = 90001,
        ["admin_graphql_api_id"] = $"gid://shopify/Refund/{refundId}",
        ["refund_line_items"] = new JsonArray(new JsonObject
        {
            ["id"] = refundId + 1,
            ["line_item_id"] = 14729386606679,
            ["quantity"] = 1,
            ["restock_type"] = "return",
            ["subtotal"] = "67.20",
            ["total_tax"] = "5.46",
            ["subtotal_set"] = new JsonObject { ["shop_money"] = new JsonObject { ["amount"] = "67.20", ["currency_code"] = "USD" } },
        }),
        ["transactions"] = new JsonArray(new JsonObject
        {
            ["id"] = refundId + 2,
            ["order_id"] = orderId,
            ["kind"] = "refund",
            ["status"] = "success",
            ["amount"] = "72.66",
            ["currency"] = "USD",
            ["gateway"] = "shopify_payments",
        }),
        ["order_adjustments"] = new JsonArray(),
    }.ToJsonString();

    /// <summary>A WooCommerce order for a customer, as the REST API (and so the webhook) shows it.</summary>
    public static string WooOrder(long customerId, long orderId, string status, params (long Id, string Total)[] refunds)
    {
        var refundArray = new JsonArray();
        foreach (var (id, total) in refunds)
        {
            refundArray.Add(new JsonObject { ["id"] = id, ["reason"] = "Customer return", ["total"] = total });
        }

        return new JsonObject
        {
            ["id"] = orderId,
            ["parent_id"] = 0,
            ["number"] = orderId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["order_key"] = "wc_order_58d2d042d1d",
            ["created_via"] = "checkout",
            ["version"] = "9.4.2",
            ["status"] = status,
            ["currency"] = "USD",
            ["date_created"] = "2026-11-19T10:12:00",
            ["date_created_gmt"] = "2026-11-19T15:12:00",
            ["date_modified"] = "2026-11-19T10:15:00",
            ["date_modified_gmt"] = "2026-11-19T15:15:00",
            ["discount_total"] = "5.00",
            ["discount_tax"] = "0.00",
            ["shipping_total"] = "6.00",
            ["shipping_tax"] = "0.00",
            ["cart_tax"] = "4.20",
            ["total"] = "65.20",
            ["total_tax"] = "4.20",
            ["prices_include_tax"] = false,
            ["customer_id"] = customerId,
            ["billing"] = new JsonObject { ["first_name"] = "Sam", ["last_name"] = "Rivera", ["email"] = "sam.rivera@example.com", ["country"] = "US" },
            ["payment_method"] = "stripe",
            ["date_paid"] = status is "processing" or "completed" or "refunded" ? "2026-11-19T10:13:00" : null,
            ["date_paid_gmt"] = status is "processing" or "completed" or "refunded" ? "2026-11-19T15:13:00" : null,
            ["line_items"] = new JsonArray(
                new JsonObject { ["id"] = 401, ["name"] = "Ceramic Pour-Over", ["product_id"] = 93, ["quantity"] = 1, ["subtotal"] = "35.00", ["subtotal_tax"] = "2.45", ["total"] = "32.00", ["total_tax"] = "2.24", ["sku"] = "POUR-01", ["price"] = 32 },
                new JsonObject { ["id"] = 402, ["name"] = "Paper Filters", ["product_id"] = 94, ["quantity"] = 3, ["subtotal"] = "25.00", ["subtotal_tax"] = "1.75", ["total"] = "23.00", ["total_tax"] = "1.96", ["sku"] = "FILTER-100", ["price"] = 7.67 }),
            ["shipping_lines"] = new JsonArray(new JsonObject { ["id"] = 403, ["method_title"] = "Flat rate", ["method_id"] = "flat_rate", ["total"] = "6.00" }),
            ["coupon_lines"] = new JsonArray(new JsonObject { ["id"] = 404, ["code"] = "autumn5", ["discount"] = "5.00" }),
            ["refunds"] = refundArray,
        }.ToJsonString();
    }

    /// <summary>A generic API purchase envelope.</summary>
    public static string GenericPurchase(string eventId, string memberId, string orderId, decimal unitPrice, int quantity) =>
        JsonSerializer.Serialize(new
        {
            eventId,
            type = "purchase.completed",
            memberId,
            occurredAt = "2026-11-20T10:00:00Z",
            payload = new
            {
                orderId,
                currency = "USD",
                orderTotal = (unitPrice * quantity) + 5m,
                lines = new[] { new { lineId = "1", sku = "MUG", category = "Kitchen", quantity, unitPrice, discount = 0m } },
            },
        });
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// A host with the shop's WooCommerce REST keys, pointed at the WooCommerce stand-in (the real
/// shop cannot run here; the stand-in serves <c>GET /wp-json/wc/v3/orders/{id}/refunds</c> as the
/// REST reference's "List all refunds" shows it), and a promotion that triples the points of the
/// pour-over (SKU <c>POUR-01</c>), so the two lines of <see cref="Payloads.WooOrder"/> earn at
/// different rates: 32.00 × 3 = 96 and 23.00 × 1 = 23, 119 for the order (+ 50 on joining).
/// </summary>
public sealed class WooRefundsFixture : ServiceFixture
{
    public WooCommerceStandIn Woo { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Woo = await WooCommerceStandIn.StartAsync(RewardsFixture.WooKey, RewardsFixture.WooSecret);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Woo.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        ["Loyalty__WooCommerce__StoreUrl"] = Woo.StoreUrl.ToString(),
        ["Loyalty__WooCommerce__ConsumerKey"] = RewardsFixture.WooKey,
        ["Loyalty__WooCommerce__ConsumerSecret"] = RewardsFixture.WooSecret,
        ["Loyalty__Program__Promotions__0__Id"] = "pour-over-triple",
        ["Loyalty__Program__Promotions__0__Name"] = "Pour-over triple points",
        ["Loyalty__Program__Promotions__0__StartsOn"] = "2026-01-01",
        ["Loyalty__Program__Promotions__0__EndsOn"] = "2027-12-31",
        ["Loyalty__Program__Promotions__0__Multiplier"] = "3",
        ["Loyalty__Program__Promotions__0__Skus__0"] = "POUR-01",
    };
}

/// <summary>
/// WooCommerce refunds measured by their lines: an <c>order.updated</c> webhook carries only each
/// refund's total; with the shop's keys the intake reads the order's refunds from the shop, so a
/// refunded line takes back exactly what it earned. The shop down, slow, or not knowing the
/// order: the refund's share of the order total, as without keys (that case is
/// <c>WooCommerceAndApiTests.Woocommerce_redeliveries_and_a_later_refund_count_once_each</c>).
/// </summary>
public sealed class WooCommerceRefundLinesTests(WooRefundsFixture service) : IClassFixture<WooRefundsFixture>
{
    // round(119 × 32.00 / 65.20) = round(58.40): the pour-over's refund as a share of the order total.
    private const long ShareOfTotal = 58;

    [Fact]
    public async Task A_refunded_line_takes_back_exactly_what_it_earned_once_however_often_the_webhook_comes()
    {
        const long Customer = 9101, Order = 9101;
        var member = await PaidAsync(Customer, Order);
        var lists = service.Woo.RefundLists;

        // The pour-over (order line 401) refunded: its 96 points, not 58 by the order total.
        service.Woo.AddRefund(Order, 9111, 32.00m, (401, 93, 1, 32.00m));
        var refunded = Payloads.WooOrder(Customer, Order, "completed", (9111, "-32.00"));
        await DeliverAsync(refunded);
        Assert.Equal(169 - 96, await BalanceAsync(member));
        Assert.Equal(lists + 1, service.Woo.RefundLists);
        var entry = Assert.Single(ServiceFixture.History((await service.GetMemberAsync(member))!), e => e!["kind"]!.GetValue<string>() == "refunded");
        Assert.Contains("refund 9111: 32.00 of 55.00 merchandise", entry!["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // The same webhook again, twice: nothing more.
        await DeliverAsync(refunded);
        await DeliverAsync(refunded);
        Assert.Equal(169 - 96, await BalanceAsync(member));

        // Then the filters (order line 402): their 23; the order has given back all it earned.
        service.Woo.AddRefund(Order, 9112, 23.00m, (402, 94, 3, 23.00m));
        await DeliverAsync(Payloads.WooOrder(Customer, Order, "completed", (9112, "-23.00"), (9111, "-32.00")));
        Assert.Equal(50, await BalanceAsync(member));
        Assert.Equal(2, ServiceFixture.History((await service.GetMemberAsync(member))!).Count(e => e!["kind"]!.GetValue<string>() == "refunded"));
    }

    [Fact]
    public async Task With_the_shop_down_slow_or_not_knowing_the_order_a_refund_is_its_share_of_the_order_total_once()
    {
        // Down (503): the share of the total; the shop back and the webhook again: applied once already.
        var down = await PaidAsync(9102, 9102);
        service.Woo.AddRefund(9102, 9121, 32.00m, (401, 93, 1, 32.00m));
        service.Woo.Down = true;
        try
        {
            await DeliverAsync(Payloads.WooOrder(9102, 9102, "completed", (9121, "-32.00")));
        }
        finally
        {
            service.Woo.Down = false;
        }

        Assert.Equal(169 - ShareOfTotal, await BalanceAsync(down));
        await DeliverAsync(Payloads.WooOrder(9102, 9102, "completed", (9121, "-32.00")));
        Assert.Equal(169 - ShareOfTotal, await BalanceAsync(down));

        // Slower than the intake waits (3 s): the share of the total.
        var slow = await PaidAsync(9103, 9103);
        service.Woo.AddRefund(9103, 9131, 32.00m, (401, 93, 1, 32.00m));
        service.Woo.RefundsDelay = TimeSpan.FromSeconds(6);
        try
        {
            await DeliverAsync(Payloads.WooOrder(9103, 9103, "completed", (9131, "-32.00")));
        }
        finally
        {
            service.Woo.RefundsDelay = TimeSpan.Zero;
        }

        Assert.Equal(169 - ShareOfTotal, await BalanceAsync(slow));

        // An order the shop does not have (404): the share of the total.
        var unknown = await PaidAsync(9104, 9104, inShop: false);
        await DeliverAsync(Payloads.WooOrder(9104, 9104, "completed", (9141, "-32.00")));
        Assert.Equal(169 - ShareOfTotal, await BalanceAsync(unknown));
    }

    [Fact]
    public async Task The_stand_in_lists_refunds_as_the_reference_does_and_refuses_without_keys_or_for_an_unknown_order()
    {
        service.Woo.AddOrder(9105);
        service.Woo.AddRefund(9105, 9151, 10.00m);
        service.Woo.AddRefund(9105, 9152, 9.00m, (311, 87, 1, 9.00m));
        using var http = new HttpClient { BaseAddress = service.Woo.StoreUrl };

        using (var anonymous = await http.GetAsync("/wp-json/wc/v3/orders/9105/refunds"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("woocommerce_rest_cannot_view", (await Json(anonymous))!["code"]!.GetValue<string>());
        }

        using (var unknown = await Get(http, "/wp-json/wc/v3/orders/404404/refunds"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("woocommerce_rest_invalid_order_id", (await Json(unknown))!["code"]!.GetValue<string>());
        }

        // The published example's two refunds, as the stand-in answers them: the same properties,
        // newest first, the line negative and naming the order line it refunds.
        using var listed = await Get(http, "/wp-json/wc/v3/orders/9105/refunds");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var refunds = (await Json(listed))!.AsArray();
        var published = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Loyalty.App.Tests", "Fixtures", "woocommerce-order-723-refunds.json")))!.AsArray();
        Assert.Equal([9152L, 9151L], refunds.Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal(Names(published[0]!), Names(refunds[1]!));
        Assert.Equal(Names(published[1]!["line_items"]![0]!), Names(refunds[0]!["line_items"]![0]!));
        var line = refunds[0]!["line_items"]![0]!;
        Assert.Equal((-1, "-9.00", "311"), (line["quantity"]!.GetValue<int>(), line["total"]!.GetValue<string>(), line["meta_data"]![0]!["value"]!.GetValue<string>()));
        Assert.Equal("9.00", refunds[0]!["amount"]!.GetValue<string>());
    }

    private static string[] Names(JsonNode node) => [.. node.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];

    private static Task<HttpResponseMessage> Get(HttpClient http, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RewardsFixture.WooKey}:{RewardsFixture.WooSecret}")));
        return http.SendAsync(request);
    }

    private static async Task<JsonNode?> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync());

    // The order paid, from the stand-in's shop (the webhook's source is the shop the keys are for).
    private async Task<string> PaidAsync(long customer, long order, bool inShop = true)
    {
        if (inShop)
        {
            service.Woo.AddOrder(order);
        }

        await DeliverAsync(Payloads.WooOrder(customer, order, "processing"));
        var member = $"woo-{customer}";
        Assert.Equal(169, await BalanceAsync(member));
        return member;
    }

    private async Task DeliverAsync(string body)
    {
        using var response = await service.PostWooAsync("order.updated", body, source: service.Woo.StoreUrl.ToString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await service.WaitForQueueDrainedAsync();
    }

    private async Task<long> BalanceAsync(string member) => ServiceFixture.Balance((await service.GetMemberAsync(member))!);
}

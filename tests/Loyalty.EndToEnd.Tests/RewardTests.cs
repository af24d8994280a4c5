using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.App.Operations;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// A host whose redemptions become discounts in stand-ins of Shopify's Admin GraphQL API and
/// WooCommerce's REST API (the real services cannot run here; each stand-in follows the published
/// reference: see its summary) and in a receiver of the signed <c>reward.redeemed</c> webhook. The
/// clock is moved by the tests; retries and leases are seconds long.
/// </summary>
public sealed class RewardsFixture : ServiceFixture
{
    public const string ShopifyToken = "shpat_test0token0for0the0stand0in0a1b2";
    public const string WooKey = "ck_test0key0for0the0stand0in0000000000001";
    public const string WooSecret = "cs_test0secret0for0the0stand0in000000001";
    public const string RewardWebhookSecret = "test-reward-webhook-secret-6c1f";

    public ShopifyAdminStandIn Shopify { get; private set; } = null!;

    public WooCommerceStandIn Woo { get; private set; } = null!;

    public WebhookReceiver Webhook { get; } = new(RewardWebhookSecret);

    public override async ValueTask InitializeAsync()
    {
        Shopify = await ShopifyAdminStandIn.StartAsync(ShopifyToken);
        Woo = await WooCommerceStandIn.StartAsync(WooKey, WooSecret);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Shopify.DisposeAsync();
        await Woo.DisposeAsync();
        Webhook.Dispose();
    }

    protected override IReadOnlyDictionary<string, string> HostSettings => Settings(Shopify.ShopUrl, Woo.StoreUrl, Webhook.Url);

    public static Dictionary<string, string> Settings(Uri shopify, Uri woo, Uri webhook) => new()
    {
        ["Loyalty__Local__TestClock"] = "true",
        ["Loyalty__Shopify__ShopUrl"] = shopify.ToString(),
        ["Loyalty__Shopify__AccessToken"] = ShopifyToken,
        ["Loyalty__WooCommerce__StoreUrl"] = woo.ToString(),
        ["Loyalty__WooCommerce__ConsumerKey"] = WooKey,
        ["Loyalty__WooCommerce__ConsumerSecret"] = WooSecret,
        ["Loyalty__RewardWebhook__Url"] = webhook.ToString(),
        ["Loyalty__RewardWebhook__Secret"] = RewardWebhookSecret,
        ["Loyalty__Discounts__RetryDelaySeconds"] = "1",
        ["Loyalty__Discounts__CreateLeaseSeconds"] = "3",
        ["Loyalty__Discounts__WaitSeconds"] = "4",
        ["Loyalty__Discounts__RefundExpired"] = "true",
        ["Loyalty__Program__Rewards__0__Id"] = "free-shipping",
        ["Loyalty__Program__Rewards__0__Name"] = "Free shipping",
        ["Loyalty__Program__Rewards__0__Kind"] = "FreeShipping",
        ["Loyalty__Program__Rewards__0__PointsCost"] = "75",
        ["Loyalty__Program__Rewards__1__Id"] = "usd-5-off",
        ["Loyalty__Program__Rewards__1__Name"] = "$5 off",
        ["Loyalty__Program__Rewards__1__Kind"] = "FixedDiscount",
        ["Loyalty__Program__Rewards__1__PointsCost"] = "100",
        ["Loyalty__Program__Rewards__1__Value"] = "5",
        ["Loyalty__Program__Rewards__2__Id"] = "pct-10-off",
        ["Loyalty__Program__Rewards__2__Name"] = "10% off",
        ["Loyalty__Program__Rewards__2__Kind"] = "PercentDiscount",
        ["Loyalty__Program__Rewards__2__PointsCost"] = "250",
        ["Loyalty__Program__Rewards__2__Value"] = "10",
        ["Loyalty__Program__Rewards__2__ValidityDays"] = "7",
        ["Loyalty__Program__Rewards__3__Id"] = "free-mug",
        ["Loyalty__Program__Rewards__3__Name"] = "Free ceramic mug",
        ["Loyalty__Program__Rewards__3__Kind"] = "FreeProduct",
        ["Loyalty__Program__Rewards__3__PointsCost"] = "600",
        ["Loyalty__Program__Rewards__3__Sku"] = "MUG-CERAMIC",
        ["Loyalty__Program__Rewards__3__ProductId"] = "7001",
        ["Loyalty__Program__Rewards__4__Id"] = "tote-bag",
        ["Loyalty__Program__Rewards__4__Name"] = "Canvas tote bag",
        ["Loyalty__Program__Rewards__4__Kind"] = "Gift",
        ["Loyalty__Program__Rewards__4__PointsCost"] = "400",
    };
}

/// <summary>
/// Redemptions that become real discounts in the shop: through each channel exactly one, a
/// throttled or unreachable shop retried until it has it, a shop that refuses for good giving the
/// points back with the reason, and a host killed while the shop's answer was on its way.
/// The Shopify and WooCommerce sides are stand-ins following the published API references.
/// </summary>
public sealed class RewardTests(RewardsFixture service) : IClassFixture<RewardsFixture>
{
    private static readonly string[] Rewards = ["usd-5-off", "pct-10-off", "free-shipping", "free-mug"];

    [Fact]
    public async Task A_Shopify_member_redeeming_each_kind_gets_exactly_one_one_use_customer_only_code_discount_each()
    {
        var member = await ShopifyMemberAsync(8101, 2000);
        var codes = new Dictionary<string, string>();
        foreach (var reward in Rewards)
        {
            var (status, body) = await RedeemAsync(service.Client, member, reward, "shop-" + reward);
            Assert.True(status == HttpStatusCode.Created, $"{reward}: {status} {body}");
            Assert.Equal("created", body["discount"]!["status"]!.GetValue<string>());
            codes[reward] = body["code"]!.GetValue<string>();
        }

        // The same request again answers the same redemption and creates nothing more.
        var (again, repeat) = await RedeemAsync(service.Client, member, "usd-5-off", "shop-usd-5-off");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(codes["usd-5-off"], repeat["code"]!.GetValue<string>());

        Assert.Empty(service.Shopify.ShapeErrors);
        var mine = service.Shopify.Discounts.Where(d => codes.ContainsValue(d.Code)).ToList();
        Assert.Equal(Rewards.Length, mine.Count);
        foreach (var d in mine)
        {
            Assert.Equal(1, d.Input["usageLimit"]!.GetValue<int>());
            Assert.True(d.Input["appliesOncePerCustomer"]!.GetValue<bool>());
            Assert.Equal("gid://shopify/Customer/8101", Assert.Single(d.Input["customerSelection"]!["customers"]!["add"]!.AsArray())!.GetValue<string>());
        }

        var fixedOff = mine.Single(d => d.Code == codes["usd-5-off"]);
        Assert.Equal("discountCodeBasicCreate", fixedOff.Mutation);
        Assert.Equal("5.00", fixedOff.Input["customerGets"]!["value"]!["discountAmount"]!["amount"]!.GetValue<string>());
        var percent = mine.Single(d => d.Code == codes["pct-10-off"]);
        Assert.Equal(0.1, percent.Input["customerGets"]!["value"]!["percentage"]!.GetValue<double>(), 6);

        // The reward's own validity (7 days) sets endsAt.
        var days = (DateTimeOffset.Parse(percent.Input["endsAt"]!.GetValue<string>(), CultureInfo.InvariantCulture) - DateTimeOffset.Parse(percent.Input["startsAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)).TotalDays;
        Assert.InRange(days, 6.99, 7.01);
        Assert.Equal("discountCodeFreeShippingCreate", mine.Single(d => d.Code == codes["free-shipping"]).Mutation);
        var mug = mine.Single(d => d.Code == codes["free-mug"]);
        Assert.Equal(1.0, mug.Input["customerGets"]!["value"]!["percentage"]!.GetValue<double>());
        Assert.Equal("gid://shopify/Product/7001", mug.Input["customerGets"]!["items"]!["products"]!["productsToAdd"]![0]!.GetValue<string>());

        // A gift is handed over by the shop: no discount, the code as before.
        var (gift, giftBody) = await RedeemAsync(service.Client, member, "tote-bag", "shop-tote");
        Assert.Equal(HttpStatusCode.Created, gift);
        Assert.Null(giftBody["discount"]);
        Assert.Equal(Rewards.Length, service.Shopify.Discounts.Count(d => d.Input["customerSelection"]!.ToJsonString().Contains("8101", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_WooCommerce_member_redeeming_each_kind_gets_exactly_one_coupon_each_restricted_to_the_members_email()
    {
        var member = await WooMemberAsync(8201, 2000);
        var codes = new Dictionary<string, string>();
        foreach (var reward in Rewards)
        {
            var (status, body) = await RedeemAsync(service.Client, member, reward, "woo-" + reward);
            Assert.True(status == HttpStatusCode.Created, $"{reward}: {status} {body}");
            codes[reward] = body["code"]!.GetValue<string>();
        }

        var coupons = service.Woo.Coupons.Where(c => codes.Values.Select(v => v.ToLowerInvariant()).Contains(c["code"]!.GetValue<string>())).ToList();
        Assert.Equal(Rewards.Length, coupons.Count);
        Assert.All(coupons, c =>
        {
            Assert.Equal(1, c["usage_limit"]!.GetValue<int>());
            Assert.Equal("sam.rivera@example.com", Assert.Single(c["email_restrictions"]!.AsArray())!.GetValue<string>());
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", c["date_expires"]!.GetValue<string>());
        });
        JsonObject Coupon(string reward) => coupons.Single(c => c["code"]!.GetValue<string>() == codes[reward].ToLowerInvariant());
        Assert.Equal("fixed_cart", Coupon("usd-5-off")["discount_type"]!.GetValue<string>());
        Assert.Equal("5.00", Coupon("usd-5-off")["amount"]!.GetValue<string>());
        Assert.Equal("percent", Coupon("pct-10-off")["discount_type"]!.GetValue<string>());
        Assert.True(Coupon("free-shipping")["free_shipping"]!.GetValue<bool>());
        Assert.Equal(7001, Assert.Single(Coupon("free-mug")["product_ids"]!.AsArray())!.GetValue<long>());
        Assert.Equal(1, Coupon("free-mug")["limit_usage_to_x_items"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_generic_API_member_redeeming_sends_exactly_one_signed_reward_redeemed_webhook_and_its_2xx_confirms_it()
    {
        var member = await ApiMemberAsync("rw-api-1", 500);
        var (status, body) = await RedeemAsync(service.Client, member, "usd-5-off", "api-1");
        Assert.Equal(HttpStatusCode.Created, status);
        var code = body["code"]!.GetValue<string>();
        var hook = Assert.Single(service.Webhook.Received, w => w.Body.GetProperty("code").GetString() == code);
        Assert.True(hook.SignatureValid);
        Assert.Equal("reward.redeemed", hook.Body.GetProperty("type").GetString());
        Assert.Equal(hook.DeliveryId, hook.Body.GetProperty("deliveryId").GetString());
        Assert.Equal(5m, hook.Body.GetProperty("value").GetDecimal());
        Assert.Equal(member, hook.Body.GetProperty("memberId").GetString());
    }

    [Fact]
    public async Task A_generic_shop_is_told_once_by_signed_webhooks_when_a_code_is_reversed_and_when_one_expires_unused()
    {
        var member = await ApiMemberAsync("rw-api-2", 800);
        var (reversedStatus, reversedBody) = await RedeemAsync(service.Client, member, "usd-5-off", "api-reverse");
        var (expiringStatus, expiringBody) = await RedeemAsync(service.Client, member, "pct-10-off", "api-expire");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (reversedStatus, expiringStatus));
        var reversedCode = reversedBody["code"]!.GetValue<string>();
        var expiringCode = expiringBody["code"]!.GetValue<string>();
        List<ReceivedWebhook> Hooks(string type, string code) =>
            [.. service.Webhook.Received.Where(w => w.Body.GetProperty("type").GetString() == type && w.Body.GetProperty("code").GetString() == code)];

        // The owner reverses one: the shop gets reward.reversed with its code, once, however often the dispatcher runs.
        var (reversed, _) = await ReverseAsync(member, "api-reverse", "wrong reward chosen");
        Assert.Equal(HttpStatusCode.OK, reversed);
        await RunUntilAsync(member, "api-reverse", "deleted");
        await RunJobAsync(service.Client);
        var reversal = Assert.Single(Hooks("reward.reversed", reversedCode));
        Assert.True(reversal.SignatureValid);
        Assert.Equal(member, reversal.Body.GetProperty("memberId").GetString());
        Assert.Equal(reversal.DeliveryId, reversal.Body.GetProperty("deliveryId").GetString());
        Assert.Empty(Hooks("reward.expired", reversedCode));

        // The other passes its 7 days unused: reward.expired with its code, once, and the points back once.
        var balance = ServiceFixture.Balance((await service.GetMemberAsync(member))!);
        await AtAsync(service.Client, TimeSpan.FromDays(8));
        await RunUntilAsync(member, "api-expire", "deleted");
        await RunJobAsync(service.Client);
        await AtAsync(service.Client, TimeSpan.FromMinutes(5));
        await RunJobAsync(service.Client);
        var expiry = Assert.Single(Hooks("reward.expired", expiringCode));
        Assert.True(expiry.SignatureValid);
        Assert.Equal(member, expiry.Body.GetProperty("memberId").GetString());
        Assert.Empty(Hooks("reward.reversed", expiringCode));
        Assert.Single(Hooks("reward.redeemed", expiringCode));
        Assert.Equal(balance + 250, ServiceFixture.Balance((await service.GetMemberAsync(member))!));
    }

    [Fact]
    public async Task Shopify_429_and_THROTTLED_answers_are_retried_with_backoff_until_the_one_discount_exists()
    {
        var member = await ShopifyMemberAsync(8102, 500);
        service.Shopify.Throttle(http429: 1, graphQl: 1);
        var (status, body) = await RedeemAsync(service.Client, member, "usd-5-off", "throttled");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Null(body["code"]);
        Assert.Equal("waiting", body["discount"]!["status"]!.GetValue<string>());
        Assert.Equal("Shopify 429", body["discount"]!["reason"]!.GetValue<string>());

        var runs = await RunUntilAsync(member, "throttled", "created");
        var (after, done) = await RedeemAsync(service.Client, member, "usd-5-off", "throttled");
        Assert.Equal(HttpStatusCode.OK, after);
        var code = done["code"]!.GetValue<string>();
        Assert.Single(service.Shopify.Discounts, d => d.Code == code);
        Assert.Equal(3, done["discount"]!["attempts"]!.GetValue<int>());
        TestContext.Current.SendDiagnosticMessage($"throttled: created after {runs} dispatcher runs, 3 calls");
    }

    [Fact]
    public async Task A_WooCommerce_shop_down_for_a_while_gets_the_coupon_once_it_is_back()
    {
        var member = await WooMemberAsync(8202, 500);
        service.Woo.Down = true;
        try
        {
            var (status, body) = await RedeemAsync(service.Client, member, "usd-5-off", "down");
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.Equal("WooCommerce 503", body["discount"]!["reason"]!.GetValue<string>());

            // A minute of the shop's clock with the dispatcher running: still on its way.
            for (var i = 0; i < 4; i++)
            {
                await AtAsync(service.Client, TimeSpan.FromSeconds(15));
                await RunJobAsync(service.Client);
            }

            Assert.Equal("waiting", (await DiscountAsync(member, "down"))["status"]!.GetValue<string>());
        }
        finally
        {
            service.Woo.Down = false;
        }

        await RunUntilAsync(member, "down", "created");
        var discount = await DiscountAsync(member, "down");
        Assert.True(discount["attempts"]!.GetValue<int>() >= 2);
        var (_, done) = await RedeemAsync(service.Client, member, "usd-5-off", "down");
        Assert.Single(service.Woo.Coupons, c => c["code"]!.GetValue<string>() == done["code"]!.GetValue<string>().ToLowerInvariant());
    }

    [Fact]
    public async Task A_shop_that_refuses_for_good_reverses_the_redemption_gives_the_points_back_and_records_why()
    {
        var member = await WooMemberAsync(8203, 300);
        var before = ServiceFixture.Balance((await service.GetMemberAsync(member))!);
        service.Woo.Revoked = true;
        HttpStatusCode status;
        JsonObject body;
        try
        {
            (status, body) = await RedeemAsync(service.Client, member, "usd-5-off", "refused");
        }
        finally
        {
            service.Woo.Revoked = false;
        }

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("/problems/discount-refused", body["type"]!.GetValue<string>());
        Assert.Contains("WooCommerce 401 woocommerce_rest_cannot_create", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var after = (await service.GetMemberAsync(member))!;
        Assert.Equal(before, ServiceFixture.Balance(after));
        var reversal = ServiceFixture.History(after).First(e => e!["kind"]!.GetValue<string>() == "redemption_reversed")!;
        Assert.Equal(100, reversal["points"]!.GetValue<long>());
        Assert.Contains("the shop refused the discount: WooCommerce 401 woocommerce_rest_cannot_create", reversal["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("refused", (await DiscountAsync(member, "refused"))["status"]!.GetValue<string>());

        // Asked again, the same answer; nothing was created and nothing is spent twice.
        var (again, _) = await RedeemAsync(service.Client, member, "usd-5-off", "refused");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal(before, ServiceFixture.Balance((await service.GetMemberAsync(member))!));
        Assert.Empty(MemberAudit.Inconsistencies(await MemberAudit.ReadAsync(service.Azurite.ConnectionString)));
    }

    [Fact]
    public async Task A_host_killed_while_the_shop_answer_is_on_its_way_leaves_exactly_one_discount_after_the_restart()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var shopify = await ShopifyAdminStandIn.StartAsync(RewardsFixture.ShopifyToken);
        var settings = RewardsFixture.Settings(shopify.ShopUrl, service.Woo.StoreUrl, service.Webhook.Url);
        const string member = "shopify-8150";
        var killed = await LocalHost.StartAsync(azurite.ConnectionString, settings);
        string? pendingCode;
        using (var client = killed.CreateClient())
        {
            await ShopifyMemberAsync(client, 8150, 500);

            // The shop creates the discount at once but answers only after 30 s: the redemption
            // answers 202 after its wait, and the host dies with the call in flight.
            shopify.AnswerDelay = TimeSpan.FromSeconds(30);
            var (status, body) = await RedeemAsync(client, member, "usd-5-off", "crash");
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.Equal("creating", body["discount"]!["status"]!.GetValue<string>());
            pendingCode = body["code"]?.GetValue<string>();
            Assert.Single(shopify.Discounts);
            killed.Kill();
        }

        await killed.DisposeAsync();
        Assert.Null(pendingCode);
        shopify.AnswerDelay = TimeSpan.Zero;
        await using var restarted = await LocalHost.StartAsync(azurite.ConnectionString, settings);
        using var again = restarted.CreateClient();
        JsonObject? done = null;
        for (var round = 1; round <= 10 && done is null; round++)
        {
            // Past the 3-second lease: the discount is due again and the call says TAKEN.
            await AtAsync(again, TimeSpan.FromSeconds(5));
            await RunJobAsync(again);
            var (status, body) = await RedeemAsync(again, member, "usd-5-off", "crash");
            done = status == HttpStatusCode.OK ? body : null;
        }

        Assert.True(done is not null, restarted.Output[^Math.Min(restarted.Output.Length, 4000)..]);
        var discount = Assert.Single(shopify.Discounts);
        Assert.Equal(discount.Code, done["code"]!.GetValue<string>());
        Assert.Equal("created", done["discount"]!["status"]!.GetValue<string>());
        Assert.Equal(2, done["discount"]!["attempts"]!.GetValue<int>());
        TestContext.Current.SendDiagnosticMessage($"crash: {shopify.Requests} requests to the shop, {shopify.Discounts.Count} discount");

        // This test's own storage ends with the operator's audit too (the class fixture audits the shared one).
        await restarted.StopAsync(TimeSpan.FromSeconds(30));
        var (code, output) = await LocalHost.AuditAsync(azurite.ConnectionString, settings);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task A_WooCommerce_order_using_the_code_marks_it_used_and_an_unused_code_is_deleted_at_its_expiry_and_comes_back_once()
    {
        var member = await WooMemberAsync(8204, 600);
        var (_, usedBody) = await RedeemAsync(service.Client, member, "pct-10-off", "to-use");
        var (_, unusedBody) = await RedeemAsync(service.Client, member, "pct-10-off", "to-expire");
        var usedCode = usedBody["code"]!.GetValue<string>();
        var unusedCode = unusedBody["code"]!.GetValue<string>();

        // The shop's order names the code as WooCommerce does (coupon_lines[].code, lower-cased),
        // and another member's unknown code, which marks nothing.
        var order = JsonNode.Parse(Payloads.WooOrder(8204, 880_904, "processing"))!.AsObject();
        order["coupon_lines"] = new JsonArray(
            new JsonObject { ["id"] = 321, ["code"] = usedCode.ToLowerInvariant(), ["discount"] = "5.50", ["discount_tax"] = "0.00", ["meta_data"] = new JsonArray() },
            new JsonObject { ["id"] = 322, ["code"] = "not-one-of-ours", ["discount"] = "1.00", ["discount_tax"] = "0.00", ["meta_data"] = new JsonArray() });
        using (var response = await service.PostWooAsync("order.created", order.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        JsonObject? used = null;
        for (var i = 0; i < 300 && used?["usedOrderId"] is null; i++)
        {
            await Task.Delay(100);
            used = await RowAsync(member, "redemption|to-use");
        }

        Assert.Equal("880904", used!["usedOrderId"]!.GetValue<string>());
        Assert.Equal("used", (await DiscountAsync(member, "to-use"))["status"]!.GetValue<string>());
        Assert.Null((await RowAsync(member, "redemption|to-expire"))["usedOrderId"]);

        // Past the 7-day validity, the dispatcher deletes the unused coupon and the points come back; the used one stays.
        await AtAsync(service.Client, TimeSpan.FromDays(8));
        var balanceBefore = ServiceFixture.Balance((await service.GetMemberAsync(member))!);
        await RunUntilAsync(member, "to-expire", "deleted");
        await RunJobAsync(service.Client);
        await AtAsync(service.Client, TimeSpan.FromMinutes(5));
        await RunJobAsync(service.Client);
        var expiredId = long.Parse((await DiscountAsync(member, "to-expire"))["shopDiscountId"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.Single(service.Woo.Deleted, id => id == expiredId);
        Assert.Contains(service.Woo.Coupons, c => c["code"]!.GetValue<string>() == usedCode.ToLowerInvariant());
        Assert.DoesNotContain(service.Woo.Coupons, c => c["code"]!.GetValue<string>() == unusedCode.ToLowerInvariant());
        Assert.Equal("used", (await DiscountAsync(member, "to-use"))["status"]!.GetValue<string>());

        var after = (await service.GetMemberAsync(member))!;
        Assert.Equal(balanceBefore + 250, ServiceFixture.Balance(after));
        var back = ServiceFixture.History(after).Where(e => e!["kind"]!.GetValue<string>() == "redemption_reversed").ToList();
        Assert.Contains("code expired unused", Assert.Single(back)!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(MemberAudit.Inconsistencies(await MemberAudit.ReadAsync(service.Azurite.ConnectionString)));
        TestContext.Current.SendDiagnosticMessage($"expiry: {service.Woo.Deleted.Count} coupon(s) deleted in the stand-in in all");
    }

    [Fact]
    public async Task A_reversal_gives_the_points_back_deletes_the_shops_discount_once_and_a_repeat_changes_nothing()
    {
        var member = await ShopifyMemberAsync(8103, 500);
        var before = ServiceFixture.Balance((await service.GetMemberAsync(member))!);
        var (status, body) = await RedeemAsync(service.Client, member, "usd-5-off", "to-reverse");
        Assert.Equal(HttpStatusCode.Created, status);
        var code = body["code"]!.GetValue<string>();
        var id = Assert.Single(service.Shopify.Discounts, d => d.Code == code).Id;

        var (noReason, problem) = await ReverseAsync(member, "to-reverse", null);
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.Equal("application/problem+json", problem.ContentType);
        var (unknown, _) = await ReverseAsync(member, "no-such-request", "test");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(before - 100, ServiceFixture.Balance((await service.GetMemberAsync(member))!));

        var (reversed, _) = await ReverseAsync(member, "to-reverse", "wrong reward chosen");
        Assert.Equal(HttpStatusCode.OK, reversed);
        Assert.Equal(before, ServiceFixture.Balance((await service.GetMemberAsync(member))!));
        await RunUntilAsync(member, "to-reverse", "deleted");
        Assert.Single(service.Shopify.Deleted, d => d == id);
        Assert.DoesNotContain(service.Shopify.Discounts, d => d.Code == code);

        // Again: the same answer, no points twice, no second deletion.
        var (again, _) = await ReverseAsync(member, "to-reverse", "wrong reward chosen");
        Assert.Equal(HttpStatusCode.OK, again);
        await RunJobAsync(service.Client);
        Assert.Equal(before, ServiceFixture.Balance((await service.GetMemberAsync(member))!));
        Assert.Single(service.Shopify.Deleted, d => d == id);
        Assert.Single(ServiceFixture.History((await service.GetMemberAsync(member))!), e => e!["kind"]!.GetValue<string>() == "redemption_reversed");
        Assert.Empty(service.Shopify.ShapeErrors);
    }

    private async Task<(HttpStatusCode Status, (string? ContentType, string Text) Body)> ReverseAsync(string member, string requestId, string? reason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/members/{member}/redemptions/{requestId}/reversal") { Content = JsonContent.Create(new { reason }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        return (response.StatusCode, (response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
    }

    private async Task<JsonObject> RowAsync(string member, string rowKey)
    {
        var row = await service.Members.GetEntityAsync<Azure.Data.Tables.TableEntity>(member, rowKey);
        return JsonNode.Parse(row.Value.GetString("Data"))!.AsObject();
    }

    private Task<string> ShopifyMemberAsync(long customerId, long points) => ShopifyMemberAsync(service.Client, customerId, points);

    // A Shopify customer's paid order, signed as Shopify signs it, enrols the member; an adjustment gives the points.
    internal static async Task<string> ShopifyMemberAsync(HttpClient client, long customerId, long points)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Payloads.ShopifyOrderPaid(customerId, 990_000 + customerId));
        using var order = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        order.Content.Headers.ContentType = new("application/json");
        order.Headers.Add("X-Shopify-Topic", "orders/paid");
        order.Headers.Add("X-Shopify-Shop-Domain", "test-shop.myshopify.com");
        order.Headers.Add("X-Shopify-Hmac-Sha256", Signing.Base64(bytes, LocalHost.ShopifySecret));
        using var queued = await client.SendAsync(order);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var member = $"shopify-{customerId}";
        await WaitForMemberAsync(client, member);
        await AdjustAsync(client, member, points);
        return member;
    }

    private async Task<string> WooMemberAsync(long customerId, long points)
    {
        using var response = await service.PostWooAsync("order.created", Payloads.WooOrder(customerId, 880_000 + customerId, "processing"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var member = $"woo-{customerId}";
        await WaitForMemberAsync(service.Client, member);
        await AdjustAsync(service.Client, member, points);
        return member;
    }

    private async Task<string> ApiMemberAsync(string member, long points)
    {
        var envelope = new JsonObject
        {
            ["eventId"] = member + ":enrol",
            ["type"] = "member.enrolled",
            ["memberId"] = member,
            ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-1),
            ["payload"] = new JsonObject { ["profile"] = new JsonObject { ["email"] = member + "@example.com" } },
        };
        using var response = await service.PostEventAsync(envelope.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForMemberAsync(service.Client, member);
        await AdjustAsync(service.Client, member, points);
        return member;
    }

    private static async Task WaitForMemberAsync(HttpClient client, string member)
    {
        for (var i = 0; i < 600; i++)
        {
            using var read = await client.GetAsync($"api/members/{member}?code={LocalHost.StorefrontKey}");
            if (read.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Member {member} was not enrolled.");
    }

    private static async Task AdjustAsync(HttpClient client, string member, long points)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/members/{member}/adjustments") { Content = JsonContent.Create(new { points, reason = "points to redeem in the test", requestId = "grant-" + Guid.NewGuid().ToString("N")[..12] }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> RedeemAsync(HttpClient client, string member, string reward, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/members/{member}/redemptions") { Content = JsonContent.Create(new { rewardId = reward, requestId }) };
        request.Headers.Add("x-functions-key", LocalHost.StorefrontKey);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private async Task<JsonObject> DiscountAsync(string member, string requestId)
    {
        var row = await service.Members.GetEntityAsync<Azure.Data.Tables.TableEntity>(member, "discount|" + requestId);
        return JsonNode.Parse(row.Value.GetString("Data"))!.AsObject();
    }

    // Moves the clock on and runs the dispatcher until the discount reaches the status; the runs it took.
    private async Task<int> RunUntilAsync(string member, string requestId, string status)
    {
        for (var run = 1; run <= 10; run++)
        {
            await AtAsync(service.Client, TimeSpan.FromSeconds(10));
            await RunJobAsync(service.Client);
            if ((await DiscountAsync(member, requestId))["status"]!.GetValue<string>() == status)
            {
                return run;
            }
        }

        throw new TimeoutException($"The discount of {requestId} did not become {status}: {await DiscountAsync(member, requestId)}");
    }

    private static readonly Dictionary<HttpClient, TimeSpan> Offsets = [];

    // Moves the host's test clock on by a step (it runs on from there with the real clock).
    private static async Task AtAsync(HttpClient client, TimeSpan step)
    {
        DateTimeOffset now;
        lock (Offsets)
        {
            Offsets[client] = Offsets.GetValueOrDefault(client) + step;
            now = DateTimeOffset.UtcNow + Offsets[client];
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "_local/clock") { Content = JsonContent.Create(new { now }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static async Task RunJobAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/admin/jobs/CreateDiscounts/runs");
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.App;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// One generated request that the service must refuse (a 4xx) or acknowledge without effect
/// (a 200 that queues nothing): either way nothing may be written anywhere.
/// </summary>
/// <param name="Route">The <see cref="HttpRoute.Name"/> of <see cref="HostContract.HttpRoutes"/> it is aimed at.</param>
/// <param name="Kind">What is wrong with it (one kind per generator entry).</param>
/// <param name="Expected">The statuses it may get; every one is a refusal or an acknowledgement.</param>
public sealed record HostileCase(string Route, string Kind, IReadOnlySet<int> Expected, Func<HttpRequestMessage> Build)
{
    /// <summary>A status this case may get.</summary>
    public bool Allows(int status) => Expected.Contains(status);
}

/// <summary>
/// Generates hostile requests across every route of <see cref="HostContract.HttpRoutes"/>:
/// broken and mistyped bodies, hostile ids, bad signatures and keys, unknown and swapped
/// topics, ids of another source, points and amounts over the limits, refusals that reach the
/// rules (not enough points, limits, quotas, unknown rewards and members), wrong methods. To add
/// a kind, add one line to <see cref="Kinds"/> with its route, expected statuses and builder.
/// </summary>
public static class HostileRequests
{
    /// <summary>A member the fixture seeds with a small balance (60 points, lowest tier).</summary>
    public const string Poor = "hx-poor";

    /// <summary>A member the fixture seeds at Gold, having used the tote bag and this month's free deliveries.</summary>
    public const string Rich = "hx-rich";

    /// <summary>Refused or acknowledged statuses for intake kinds whose exact answer other work may change (unknown topics: 400 today, 200 planned).</summary>
    public static readonly IReadOnlySet<int> RefusedOrAcknowledged = new HashSet<int> { 200, 400, 409, 413, 422 };

    private static readonly string[] HostileIds =
    [
        "'", "/", "#", "?", "\\", "a/b", "x#1", "q?x=1", "' or ''eq''", "PartitionKey eq 'x'", "\u0000", "\u0007bell", "line\nbreak", "tab\tid",
        "über", "😀", new string('9', 201), " ", "..", "%2F", "id with space", "@order:shopify:x:1", "-lead", ".hidden",
    ];

    private static readonly string[] ShopifyTopics = ["orders/paid", "refunds/create", "orders/cancelled"];

    private static readonly string[] UnknownShopifyTopics = ["orders/create", "products/update", "../admin", "orders/paid\u0000", "ORDERS/PAID", "orders/paid/", "app/uninstalled"];

    private static readonly string[] PrivacyTopics = ["customers/redact", "customers/data_request", "shop/redact"];

    private static readonly string[] Jobs = ["ExpirePoints", "RemindExpiringPoints", "BirthdayOffers", "ActivatePendingPoints", "ReviewTiers"];

    /// <summary>The kinds: route, what, expected statuses, weight in the mix, and the builder (gets a random source and the request's number).</summary>
    public static IReadOnlyList<(string Route, string Kind, int[] Expected, int Weight, Func<Random, int, HostileCase> Make)> Kinds { get; } = BuildKinds();

    /// <summary><paramref name="count"/> cases from the kinds, in a reproducible mix for <paramref name="seed"/>.</summary>
    public static List<HostileCase> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var cycle = Kinds.SelectMany(k => Enumerable.Repeat(k, k.Weight)).ToList();
        return [.. Enumerable.Range(0, count).Select(i => cycle[i % cycle.Count].Make(random, i))];
    }

    private static List<(string, string, int[], int, Func<Random, int, HostileCase>)> BuildKinds()
    {
        var kinds = new List<(string, string, int[], int, Func<Random, int, HostileCase>)>();
        void Add(string route, string kind, int[] expected, int weight, Func<Random, int, Func<HttpRequestMessage>> build) =>
            kinds.Add((route, kind, expected, weight, (random, i) => new HostileCase(route, kind, expected.ToHashSet(), build(random, i))));

        int[] refused = [400];
        int[] unauthorised = [401];
        int[] acknowledged = [200];
        int[] refusedOrAcknowledged = [.. RefusedOrAcknowledged];

        // An id in the path may also change which route matches ("..", an encoded '/'): a routing 404 writes nothing either.
        int[] badPathId = [400, 404];

        // Shopify.
        const string shopify = "ShopifyWebhook";
        Add(shopify, "truncated body", refused, 3, (r, i) => Shopify("orders/paid", Truncate(r, Payloads.ShopifyOrderPaid(1, 1))));
        Add(shopify, "hostile customer id", refused, 2, (r, i) => Shopify("orders/paid", Edit(Payloads.ShopifyOrderPaid(1, 1), o => o["customer"]!["id"] = Pick(r, HostileIds))));
        Add(shopify, "wrong types", refused, 3, (r, i) => Shopify("orders/paid", WrongShopifyType(r, Payloads.ShopifyOrderPaid(1, 2))));
        Add(shopify, "bad signature", unauthorised, 2, (r, i) => Shopify(Pick(r, ShopifyTopics), Payloads.ShopifyOrderPaid(42, 42 + i), sign: "wrong"));
        Add(shopify, "missing signature", unauthorised, 1, (r, i) => Shopify(Pick(r, ShopifyTopics), Payloads.ShopifyOrderPaid(42, 42 + i), sign: "none"));
        Add(shopify, "signature of another body", unauthorised, 1, (r, i) => Shopify("orders/paid", Payloads.ShopifyOrderPaid(44, 44 + i), sign: "other-body"));
        Add(shopify, "unknown topic", refusedOrAcknowledged, 2, (r, i) => Shopify(Pick(r, UnknownShopifyTopics), Payloads.ShopifyOrderPaid(43, 43)));
        Add(shopify, "missing topic", refused, 1, (r, i) => Shopify(null, Payloads.ShopifyOrderPaid(43, 44)));
        Add(shopify, "privacy topic of the wrong shape", refused, 1, (r, i) => Shopify(Pick(r, PrivacyTopics), """{"shop_id":954889,"shop_domain":"fuzz shop","customer":{"id":7001,"email":"x@example.com"}}"""));
        Add(shopify, "guest order", acknowledged, 1, (r, i) => Shopify("orders/paid", Edit(Payloads.ShopifyOrderPaid(1, 900 + i), o => o["customer"] = null)));
        Add(shopify, "unpaid order", acknowledged, 1, (r, i) => Shopify("orders/paid", Edit(Payloads.ShopifyOrderPaid(2, 900 + i), o => o["financial_status"] = "pending")));
        Add(shopify, "amount over the limit", refused, 1, (r, i) => Shopify("orders/paid", Edit(Payloads.ShopifyOrderPaid(3, 900 + i), o => o["line_items"]![0]!["price"] = "1000000000.00")));
        Add(shopify, "topic swap: order body as refunds/create", refusedOrAcknowledged, 1, (r, i) => Shopify("refunds/create", Payloads.ShopifyOrderPaid(4, 900 + i)));
        Add(shopify, "topic swap: refund body as orders/paid", refusedOrAcknowledged, 1, (r, i) => Shopify("orders/paid", Payloads.ShopifyRefundTeapot(900 + i, 70 + i)));
        Add(shopify, "topic swap: refund body as orders/cancelled", refusedOrAcknowledged, 1, (r, i) => Shopify("orders/cancelled", Payloads.ShopifyRefundTeapot(900 + i, 70 + i)));
        Add(shopify, "topic swap: paid order as orders/cancelled", refusedOrAcknowledged, 1, (r, i) => Shopify("orders/cancelled", Payloads.ShopifyOrderPaid(5, 900 + i)));
        Add(shopify, "oversized body or number", [400, 413], 1, (r, i) => i % 40 == 0
            ? Shopify("orders/paid", new string(' ', (1024 * 1024) + 1))
            : Shopify("orders/paid", "{\"id\":" + new string('1', 300) + "}"));

        // WooCommerce.
        const string woo = "WooCommerceWebhook";
        Add(woo, "truncated body", refused, 2, (r, i) => Woo("order.updated", Truncate(r, Payloads.WooOrder(5, 5, "processing"))));
        Add(woo, "hostile customer id", refused, 2, (r, i) => Woo("order.created", Edit(Payloads.WooOrder(6, 6, "completed"), o => o["customer_id"] = Pick(r, HostileIds))));
        Add(woo, "wrong types", refused, 2, (r, i) => Woo("order.updated", WrongWooType(r, Payloads.WooOrder(6, 7, "processing"))));
        Add(woo, "bad signature", unauthorised, 2, (r, i) => Woo("order.updated", Payloads.WooOrder(7, 7 + i, "processing"), sign: "wrong"));
        Add(woo, "missing signature", unauthorised, 1, (r, i) => Woo("order.updated", Payloads.WooOrder(7, 7 + i, "processing"), sign: "none"));
        Add(woo, "unknown topic", refusedOrAcknowledged, 1, (r, i) => Woo(Pick(r, ["coupon.created", "product.updated", "customer.created", "order.paid", ""]), Payloads.WooOrder(8, 8, "processing")));
        Add(woo, "missing source", refused, 1, (r, i) => Woo("order.updated", Payloads.WooOrder(8, 9, "processing"), source: null));
        Add(woo, "creation ping", acknowledged, 1, (r, i) => Woo(null, $"webhook_id={1000 + i}", sign: "none"));
        Add(woo, "deleted order", acknowledged, 1, (r, i) => Woo("order.deleted", Payloads.WooOrder(9, 900 + i, "trash")));
        Add(woo, "guest order", acknowledged, 1, (r, i) => Woo("order.updated", Payloads.WooOrder(0, 900 + i, "processing")));
        Add(woo, "unpaid order", acknowledged, 1, (r, i) => Woo("order.updated", Payloads.WooOrder(10, 900 + i, Pick(r, ["pending", "on-hold", "failed", "checkout-draft"]))));
        Add(woo, "amount over the limit", refused, 1, (r, i) => Woo("order.updated", Edit(Payloads.WooOrder(11, 900 + i, "processing"), o => o["line_items"]![0]!["total"] = "1000000000.00")));

        // The generic API.
        const string api = "IngestEvent";
        Add(api, "hostile member id", refused, 3, (r, i) => Api(Purchase(Pick(r, HostileIds), "o1")));
        Add(api, "hostile event id", refused, 1, (r, i) => Api(Edit(Purchase("hx-new", "o1"), o => o["eventId"] = Pick(r, HostileIds))));
        Add(api, "bad signature", unauthorised, 2, (r, i) => Api(Purchase("fine-member", "o" + i), sign: "wrong"));
        Add(api, "missing signature", unauthorised, 1, (r, i) => Api(Purchase("fine-member", "o" + i), sign: "none"));
        Add(api, "garbage", [400, 401], 2, (r, i) => Api(RandomText(r), sign: r.Next(2) == 0 ? "ok" : "wrong"));
        Add(api, "wrong types", refused, 3, (r, i) => Api(WrongApiType(r, Purchase("typed-member", "o" + i))));
        Add(api, "unknown or internal type", refused, 2, (r, i) => Api(Edit(Purchase("hx-new", "o" + i), o => o["type"] = Pick(r, ["points.adjusted", "referral.rewarded", "redemption.requested", "points.expiry_due", "purchase", ""]))));
        Add(api, "internal adjustment of a billion points", refused, 1, (r, i) => Api(Envelope($"hx:adjust:{i}", "points.adjusted", Poor, new JsonObject { ["points"] = 1_000_000_000, ["reason"] = "x", ["actor"] = "x" })));
        Add(api, "date far in the future", refused, 1, (r, i) => Api(Edit(Purchase("hx-new", "o" + i), o => o["occurredAt"] = "2099-01-01T00:00:00Z")));
        Add(api, "amount over the limit", refused, 1, (r, i) => Api(Edit(Purchase("hx-new", "o" + i), o => o["payload"]!["lines"]![0]!["unitPrice"] = 1_000_000_000)));
        Add(api, "refund with a purchase payload", refused, 1, (r, i) => Api(Edit(Purchase("hx-new", "o" + i), o => o["type"] = "order.refunded")));
        Add(api, "over-limit points from quantity times price", refused, 1,
            (r, i) => Api(Edit(Purchase("hx-quantity", "q" + i), o => { o["payload"]!["lines"]![0]!["quantity"] = 1_000_000; o["payload"]!["lines"]![0]!["unitPrice"] = 999_999; })));
        Add(api, "cross-source member id", refusedOrAcknowledged, 1, (r, i) => Api(Purchase(Pick(r, ["shopify-7001", "woo-26"]), "x" + i)));
        Add(api, "oversized body or too many lines", [400, 413], 1, (r, i) => i % 40 == 0 ? Api(new string(' ', (1024 * 1024) + 1)) : Api(Edit(Purchase("hx-new", "o" + i), o => o["payload"]!["lines"] = Lines(501))));

        // Member reads.
        Add("GetMember", "hostile member id", badPathId, 2, (r, i) => Get($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}", key: true));
        Add("GetMember", "wrong key", unauthorised, 1, (r, i) => Get($"api/members/{Poor}", key: r.Next(2) == 0 ? false : null));
        Add("GetMember", "unknown member", [404], 1, (r, i) => Get($"api/members/hx-nobody-{i}", key: true));
        Add("GetMember", "bad page size or token", refused, 1, (r, i) => Get($"api/members/{Poor}?pageSize={Pick(r, ["0", "-1", "101", "x", "1e3"])}", key: true));
        Add("GetMember", "forged continuation token", [200, 400], 1, (r, i) => Get($"api/members/{Rich}?continuationToken={Uri.EscapeDataString(Pick(r, ["x", "eyJ9", new string('a', 1100), "tx|000000000001"]))}", key: true));
        Add("GetMember", "read of a real member", acknowledged, 1, (r, i) => Get($"api/members/{Pick(r, [Poor, Rich])}", key: true));
        Add("GetMemberMessages", "hostile member id", badPathId, 1, (r, i) => Get($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/messages", key: true));
        Add("GetMemberMessages", "wrong key", unauthorised, 1, (r, i) => Get($"api/members/{Rich}/messages", key: false));
        Add("GetMemberMessages", "unknown member", [404], 1, (r, i) => Get($"api/members/hx-nobody-{i}/messages", key: true));
        Add("GetMemberMessages", "read of a real member", acknowledged, 1, (r, i) => Get($"api/members/{Rich}/messages", key: true));
        Add("GetProgram", "read", acknowledged, 1, (r, i) => Get("api/program", key: null));

        // Redemptions.
        const string redeem = "RedeemReward";
        Add(redeem, "hostile member id", badPathId, 1, (r, i) => Post($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/redemptions", Json(new { rewardId = "usd-5-off", requestId = "r" + i })));
        Add(redeem, "bad body", refused, 2, (r, i) => Post($"api/members/{Poor}/redemptions", Pick(r, ["{", "[]", "null", "{\"rewardId\":5}", "{\"rewardId\":\"usd-5-off\",\"requestId\":\"#\"}", "{\"rewardId\":\"usd-5-off\"}", "{\"requestId\":\"x\"}"])));
        Add(redeem, "wrong key", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/redemptions", Json(new { rewardId = "usd-5-off", requestId = "r" + i }), key: false));
        Add(redeem, "unknown member", [404], 1, (r, i) => Post($"api/members/hx-nobody-{i}/redemptions", Json(new { rewardId = "usd-5-off", requestId = "r" + i })));
        Add(redeem, "not enough points", [409], 1, (r, i) => Post($"api/members/{Poor}/redemptions", Json(new { rewardId = Pick(r, ["usd-5-off", "pct-10-off", "free-mug"]), requestId = $"hx-{i}" })));
        Add(redeem, "per-member limit reached", [409], 1, (r, i) => Post($"api/members/{Rich}/redemptions", Json(new { rewardId = "tote-bag", requestId = $"hx-{i}" })));
        Add(redeem, "unknown reward", [422], 1, (r, i) => Post($"api/members/{Rich}/redemptions", Json(new { rewardId = Pick(r, ["no-such-reward", "usd-500-off", "free"]), requestId = $"hx-{i}" })));

        // Reversals (admin key).
        const string reverse = "ReverseRedemption";
        Add(reverse, "hostile ids", badPathId, 1, (r, i) => r.Next(2) == 0
            ? Post($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/redemptions/q1/reversal", Json(new { reason = "x" }))
            : Post($"api/members/{Rich}/redemptions/{Uri.EscapeDataString(Pick(r, HostileIds))}/reversal", Json(new { reason = "x" })));
        Add(reverse, "bad body", refused, 1, (r, i) => Post($"api/members/{Rich}/redemptions/q1/reversal", Pick(r, ["{", "[]", "{}", "{\"reason\":\" \"}", "{\"reason\":5}", "{\"reason\":\"" + new string('r', 501) + "\"}"])));
        Add(reverse, "wrong key", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/redemptions/q1/reversal", Json(new { reason = "x" }), key: false));
        Add(reverse, "storefront key on an admin route", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/redemptions/q1/reversal?code={LocalHost.StorefrontKey}", Json(new { reason = "x" }), key: null));
        Add(reverse, "unknown redemption", [404], 1, (r, i) => Post($"api/members/{Rich}/redemptions/hx-none-{i}/reversal", Json(new { reason = "x" })));
        Add(reverse, "unknown member", [404], 1, (r, i) => Post($"api/members/hx-nobody-{i}/redemptions/q1/reversal", Json(new { reason = "x" })));

        // The owner marking a code used (admin key).
        const string use = "MarkRedemptionUsed";
        Add(use, "hostile ids", badPathId, 1, (r, i) => r.Next(2) == 0
            ? Post($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/redemptions/q1/use", null)
            : Post($"api/members/{Rich}/redemptions/{Uri.EscapeDataString(Pick(r, HostileIds))}/use", null));
        Add(use, "wrong key", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/redemptions/q1/use", null, key: false));
        Add(use, "storefront key on an admin route", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/redemptions/q1/use?code={LocalHost.StorefrontKey}", null, key: null));
        Add(use, "unknown redemption", [404], 1, (r, i) => Post($"api/members/{Rich}/redemptions/hx-none-{i}/use", null));
        Add(use, "unknown member", [404], 1, (r, i) => Post($"api/members/hx-nobody-{i}/redemptions/q1/use", null));

        // Adjustments.
        const string adjust = "AdjustPoints";
        Add(adjust, "hostile member id", badPathId, 1, (r, i) => Post($"api/admin/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/adjustments", Json(new { points = 5, reason = "x" })));
        Add(adjust, "bad body", refused, 2, (r, i) => Post($"api/admin/members/{Poor}/adjustments", Pick(r, ["{\"points\":\"ten\",\"reason\":\"x\"}", "{\"points\":0,\"reason\":\"x\"}", "{\"points\":5}", "{\"points\":5,\"reason\":\" \"}", "{", "[]", "{\"points\":1.5,\"reason\":\"x\"}", "{\"points\":5,\"reason\":\"x\",\"requestId\":\"a/b\"}", "{\"points\":5,\"reason\":\"x\",\"actor\":\"" + new string('a', 101) + "\"}"])));
        Add(adjust, "points over the limit", refused, 2, (r, i) => Post($"api/admin/members/{Pick(r, [Poor, Rich])}/adjustments", "{\"points\":" + Pick(r, ["10000001", "-10000001", "1e400", "9223372036854775808", "-9223372036854775809", "1000000000000"]) + ",\"reason\":\"x\"}"));
        Add(adjust, "wrong key", unauthorised, 1, (r, i) => Post($"api/admin/members/{Poor}/adjustments", Json(new { points = 5, reason = "x" }), key: false));
        Add(adjust, "admin key in the query string", unauthorised, 1, (r, i) => Post(AdminKeyInQuery($"api/admin/members/{Poor}/adjustments"), Json(new { points = 5, reason = "x" }), key: null));
        Add(adjust, "storefront key on an admin route", unauthorised, 1, (r, i) => Post($"api/admin/members/{Poor}/adjustments?code={LocalHost.StorefrontKey}", Json(new { points = 5, reason = "x" }), key: null));
        Add(adjust, "unknown member", [404], 1, (r, i) => Post($"api/admin/members/hx-nobody-{i}/adjustments", Json(new { points = 5, reason = "x", requestId = "a" + i })));

        // Benefit uses.
        const string benefit = "UseBenefit";
        Add(benefit, "hostile ids", badPathId, 1, (r, i) => r.Next(2) == 0
            ? Post($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/benefits/free-delivery/uses", Json(new { requestId = "u" + i }))
            : Post($"api/members/{Rich}/benefits/{Uri.EscapeDataString(Pick(r, HostileIds))}/uses", Json(new { requestId = "u" + i })));
        Add(benefit, "bad body", refused, 1, (r, i) => Post($"api/members/{Rich}/benefits/free-delivery/uses", Pick(r, ["{", "{}", "{\"requestId\":\"#\"}", "{\"requestId\":\"a\",\"note\":\"" + new string('n', 501) + "\"}", "{\"requestId\":\"a\",\"note\":\"bell\\u0007\"}"])));
        Add(benefit, "wrong key", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/benefits/free-delivery/uses", Json(new { requestId = "u" + i }), key: false));
        Add(benefit, "unknown member", [404], 1, (r, i) => Post($"api/members/hx-nobody-{i}/benefits/free-delivery/uses", Json(new { requestId = "u" + i })));
        Add(benefit, "unknown benefit", [404], 1, (r, i) => Post($"api/members/{Rich}/benefits/no-such-benefit/uses", Json(new { requestId = "u" + i })));
        Add(benefit, "not in the member's tier", [409], 1, (r, i) => Post($"api/members/{Poor}/benefits/{Pick(r, ["free-delivery", "priority-support"])}/uses", Json(new { requestId = "u" + i })));
        Add(benefit, "quota used up", [409], 1, (r, i) => Post($"api/members/{Rich}/benefits/free-delivery/uses", Json(new { requestId = "hx-u" + i })));

        // The members list (reads the directory only).
        const string list = "ListMembers";
        Add(list, "wrong key", unauthorised, 1, (r, i) => Get("api/members", key: r.Next(2) == 0 ? false : null));
        Add(list, "admin key in the query string", unauthorised, 1, (r, i) => Get(AdminKeyInQuery("api/members"), key: null));
        Add(list, "bad filter, sort or page", refused, 2, (r, i) => Get("api/members?" + Pick(r, ["tier=platinum", "minBalance=x", "maxBalance=1e9", "expiringWithinDays=0", "purchasedAfter=2026-13-01", "purchasedBefore=yesterday", "sort=email", "order=up", "page=0", "pageSize=201", "format=xlsx", "q=" + new string('q', 201), "q=%07bell"]), key: true));
        Add(list, "hostile search text", acknowledged, 2, (r, i) => Get("api/members?q=" + Uri.EscapeDataString(Pick(r, [.. HostileIds.Where(id => !id.Any(char.IsControl) && id.Length <= 200), "x@example.com", "+1 555 0100", "' or 1 eq 1", "王"])), key: true));
        Add(list, "export", acknowledged, 1, (r, i) => Get("api/members?format=csv", key: true));

        // The member page's activity, feedback and service records.
        Add("GetMemberActivity", "hostile member id", badPathId, 1, (r, i) => Get($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/activity", key: true));
        Add("GetMemberActivity", "wrong key", unauthorised, 1, (r, i) => Get($"api/members/{Rich}/activity", key: r.Next(2) == 0 ? false : null));
        Add("GetMemberActivity", "unknown member", [404], 1, (r, i) => Get($"api/members/hx-nobody-{i}/activity", key: true));
        Add("GetMemberActivity", "read of a real member", acknowledged, 1, (r, i) => Get($"api/members/{Rich}/activity", key: true));
        const string feedback = "SubmitFeedback";
        Add(feedback, "score out of range or bad body", refused, 3, (r, i) => Post($"api/members/{Rich}/feedback", Pick(r,
        [
            "{", "[]", "null", "{}", "{\"requestId\":\"f" + i + "\"}", "{\"requestId\":\"f" + i + "\",\"satisfaction\":0}", "{\"requestId\":\"f" + i + "\",\"satisfaction\":6}",
            "{\"requestId\":\"f" + i + "\",\"nps\":11}", "{\"requestId\":\"f" + i + "\",\"nps\":-1}", "{\"requestId\":\"f" + i + "\",\"satisfaction\":\"5\"}",
            "{\"requestId\":\"f" + i + "\",\"satisfaction\":4.5}", "{\"requestId\":\"#\",\"satisfaction\":4}", "{\"requestId\":\"f" + i + "\",\"text\":\"" + new string('t', 2001) + "\"}",
            "{\"requestId\":\"f" + i + "\",\"text\":\"bell\\u0007\"}", "{\"requestId\":\"f" + i + "\",\"satisfaction\":3,\"orderId\":\"a/b\"}",
        ])));
        Add(feedback, "hostile member id", badPathId, 1, (r, i) => Post($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/feedback", Json(new { requestId = "f" + i, satisfaction = 4 })));
        Add(feedback, "wrong key", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/feedback", Json(new { requestId = "f" + i, satisfaction = 4 }), key: r.Next(2) == 0 ? false : null));
        Add(feedback, "unknown member", [404], 1, (r, i) => Post($"api/members/hx-nobody-{i}/feedback", Json(new { requestId = "f" + i, satisfaction = 4 })));
        const string service = "RecordServiceRecord";
        Add(service, "bad kind, status or summary", refused, 2, (r, i) => Post($"api/members/{Rich}/service-records", Pick(r,
        [
            "{", "{}", "{\"requestId\":\"s" + i + "\",\"kind\":\"praise\",\"summary\":\"x\",\"status\":\"open\"}",
            "{\"requestId\":\"s" + i + "\",\"kind\":\"complaint\",\"summary\":\"x\",\"status\":\"done\"}",
            "{\"requestId\":\"s" + i + "\",\"kind\":\"complaint\",\"summary\":\" \",\"status\":\"open\"}",
            "{\"requestId\":\"#\",\"kind\":\"complaint\",\"summary\":\"x\",\"status\":\"open\"}",
        ])));
        Add(service, "wrong key", unauthorised, 1, (r, i) => Post($"api/members/{Rich}/service-records", Json(new { requestId = "s" + i, kind = "enquiry", summary = "x", status = "open" }), key: false));
        Add(service, "unknown member", [404], 1, (r, i) => Post($"api/members/hx-nobody-{i}/service-records", Json(new { requestId = "s" + i, kind = "enquiry", summary = "x", status = "open" })));
        Add(api, "feedback score out of range", refused, 1, (r, i) => Api(Envelope($"hx:feedback:{i}", "feedback.submitted", Rich, r.Next(2) == 0 ? new JsonObject { ["satisfaction"] = 6 } : new JsonObject { ["nps"] = 11, ["text"] = "x" })));

        // Jobs: a run with the key writes the finished days, so only refusals here.
        Add("RunJob", "wrong key", unauthorised, 1, (r, i) => Post($"api/admin/jobs/{Pick(r, Jobs)}/runs", null, key: r.Next(2) == 0 ? false : null));
        Add("RunJob", "admin key in the query string", unauthorised, 1, (r, i) => Post(AdminKeyInQuery($"api/admin/jobs/{Pick(r, Jobs)}/runs"), null, key: null));
        Add("RunJob", "unknown job", [404], 1, (r, i) => Post($"api/admin/jobs/{Uri.EscapeDataString(Pick(r, ["expirepoints", "Nope", "ExpirePoints ", "..", "%00"]))}/runs", null));

        // Messages: forged unsubscribe links, consent without a key or a body, previews of nothing.
        Add("UnsubscribePage", "forged or missing link", [404], 1, (r, i) => Get($"api/messages/unsubscribe{Pick(r, ["", $"?m={Rich}", $"?m={Rich}&t={new string('0', 32)}", "?m=%2e%2e&t=x", $"?m={Rich}&t={new string('a', 1000)}"])}", key: null));
        Add("Unsubscribe", "forged or missing link", [404], 1, (r, i) => Post($"api/messages/unsubscribe{Pick(r, ["", $"?m={Rich}", $"?m={Rich}&t={new string('0', 32)}", $"?m={Uri.EscapeDataString(Pick(r, HostileIds))}&t=0"])}", "List-Unsubscribe=One-Click", key: null));
        Add("SetConsent", "wrong key", unauthorised, 1, (r, i) => Put($"api/members/{Rich}/consent", Json(new { marketing = false }), key: r.Next(2) == 0 ? false : null));
        Add("SetConsent", "hostile member id", badPathId, 1, (r, i) => Put($"api/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/consent", Json(new { marketing = false })));
        Add("SetConsent", "bad body", refused, 1, (r, i) => Put($"api/members/{Rich}/consent", Pick(r, ["{", "{}", "{\"marketing\":\"no\"}", "[]", "{\"marketing\":null}"])));
        Add("SetConsent", "unknown member", [404], 1, (r, i) => Put($"api/members/hx-nobody-{i}/consent", Json(new { marketing = true })));
        Add("PreviewMessage", "wrong key", unauthorised, 1, (r, i) => Get($"api/admin/members/{Rich}/messages/x/preview", key: r.Next(2) == 0 ? false : null));
        Add("PreviewMessage", "unknown member or message", [404], 1, (r, i) => Get($"api/admin/members/{Pick(r, [Rich, "hx-nobody-" + i])}/messages/no-such-message-{i}/preview", key: true));
        Add("PreviewMessage", "hostile message id", badPathId, 1, (r, i) => Get($"api/admin/members/{Rich}/messages/{Uri.EscapeDataString(Pick(r, HostileIds))}/preview", key: true));

        // What waits for the operator: only reads or refusals here (a replay with the key moves messages).
        Add("ListPoison", "wrong key", unauthorised, 1, (r, i) => Get("api/admin/poison", key: r.Next(2) == 0 ? false : null));
        Add("ListPoison", "admin key in the query string", unauthorised, 1, (r, i) => Get(AdminKeyInQuery("api/admin/poison"), key: null));
        Add("ListPoison", "read", acknowledged, 1, (r, i) => Get("api/admin/poison", key: true));
        Add("ReplayPoison", "wrong key", unauthorised, 1, (r, i) => Post("api/admin/poison/replays", Json(new { max = 1 }), key: r.Next(2) == 0 ? false : null));
        Add("ReplayPoison", "admin key in the query string", unauthorised, 1, (r, i) => Post(AdminKeyInQuery("api/admin/poison/replays"), Json(new { max = 1 }), key: null));
        Add("ReplayPoison", "bad body", refused, 1, (r, i) => Post("api/admin/poison/replays", Pick(r, ["{\"max\":0}", "{\"max\":10001}", "{\"max\":\"all\"}", "{", "[]", "{\"max\":-5}"])));

        Add("ListHeldEvents", "wrong key", unauthorised, 1, (r, i) => Get("api/admin/held-events", key: r.Next(2) == 0 ? false : null));
        Add("ListHeldEvents", "bad status", refused, 1, (r, i) => Get($"api/admin/held-events?status={Pick(r, ["maybe", "1", "Pending,Approved", "%00"])}", key: true));
        Add("ListHeldEvents", "read", acknowledged, 1, (r, i) => Get("api/admin/held-events", key: true));
        Add("GetReports", "wrong key", unauthorised, 1, (r, i) => Get("api/admin/reports", key: r.Next(2) == 0 ? false : null));
        Add("GetReports", "admin key in the query string", unauthorised, 1, (r, i) => Get(AdminKeyInQuery("api/admin/reports"), key: null));
        Add("GetReports", "bad format", refused, 1, (r, i) => Get($"api/admin/reports?format={Pick(r, ["xml", "CSV", "%00", "csv,json"])}", key: true));
        Add("GetReports", "read", acknowledged, 1, (r, i) => Get("api/admin/reports", key: true));
        foreach (var (route, action) in new[] { ("ApproveHeldEvent", "approval"), ("RejectHeldEvent", "rejection") })
        {
            Add(route, "wrong key", unauthorised, 1, (r, i) => Post($"api/admin/held-events/api:hx-{i}/{action}", null, key: r.Next(2) == 0 ? false : null));
            Add(route, "admin key in the query string", unauthorised, 1, (r, i) => Post(AdminKeyInQuery($"api/admin/held-events/api:hx-{i}/{action}"), null, key: null));
            Add(route, "nothing held", [404], 1, (r, i) => Post($"api/admin/held-events/api:hx-{i}/{action}", null));
            Add(route, "hostile event id or body", badPathId, 1, (r, i) => r.Next(2) == 0
                ? Post($"api/admin/held-events/{Uri.EscapeDataString(Pick(r, HostileIds))}/{action}", null)
                : Post($"api/admin/held-events/api:hx-{i}/{action}", Pick(r, ["{", "[]", "{\"note\":5}", "{\"actor\":\"\"}"])));
        }

        // The console: no session, a forged one, a foreign or missing Origin, paths out of the assets.
        // (A wrong key at sign-in waits a second by design, so it is tested once in ConsoleTests, not here.)
        // The client follows redirects, so "to sign-in" ends as the sign-in page's 200.
        string[] origins = ["", "null", "https://evil.example", "http://127.0.0.1:1"];
        Add("ConsoleSignIn", "missing or foreign Origin", [403], 1, (r, i) => ConsoleRequest(HttpMethod.Post, "console/sign-in", Pick(r, origins), "key=" + Uri.EscapeDataString(LocalHost.AdminKey)));
        Add("ConsoleSignOut", "missing or foreign Origin", [403], 1, (r, i) => ConsoleRequest(HttpMethod.Post, "console/sign-out", Pick(r, origins), null));
        Add("ConsoleMemberPage", "no session, hostile member id", [200, 400, 404], 1, (r, i) => ConsoleRequest(HttpMethod.Get, $"console/members/{Uri.EscapeDataString(Pick(r, HostileIds))}", null, null, forged: r.Next(2) == 0));
        Add("ConsoleMembersPage", "forged session", [200], 1, (r, i) => ConsoleRequest(HttpMethod.Get, "console/members", null, null, forged: true));
        Add("ConsoleAsset", "a path out of the assets", [400, 404], 1, (r, i) => ConsoleRequest(HttpMethod.Get, "console/assets/" + Pick(r, ["..%2Fappsettings.json", "%2e%2e%2f%2e%2e%2fLoyalty.App.dll", "console.js%00", "nope.js", "CONSOLE.JS", "sign-in.html%3F"]), null, null));

        // Moving in from a spreadsheet and out again; a member's data. A dry run writes nothing.
        const string import = "ImportMembers";
        Add(import, "wrong key", unauthorised, 1, (r, i) => Post("api/admin/imports?dryRun=true", "member id,points\r\nhx-imp-1,5\r\n", key: r.Next(2) == 0 ? false : null));
        Add(import, "bad option", refused, 2, (r, i) => Post("api/admin/imports?" + Pick(r, ["dryRun=maybe", "dryRun=true&encoding=latin1", "dryRun=true&delimiter=pipe", "dryRun=true&dates=soon", "dryRun=true&column=x", "dryRun=true&tier=gold", "dryRun=true&nope=1", "confirm="]), "member id\r\nx\r\n"));
        Add(import, "unreadable file", refused, 1, (r, i) => Post("api/admin/imports?dryRun=true", Pick(r, ["name,points\r\nAda,5\r\n", "member id,\"open\r\n", "", "email,e-mail\r\n"])));
        Add(import, "dry run", acknowledged, 1, (r, i) => Post("api/admin/imports?dryRun=true", $"member id,email,points\r\nhx-imp-{i},{Pick(r, ["x@example.com", "bad-email", ""])},{Pick(r, ["5", "-5", "x"])}\r\n{Pick(r, [.. HostileIds.Where(id => !id.Any(char.IsControl))])},,1\r\n"));
        Add(import, "another file's hash", [409], 1, (r, i) => Post("api/admin/imports?confirm=0123456789abcdef01234567", $"member id,points\r\nhx-imp-{i},5\r\n"));
        Add("ExportMembers", "wrong key", unauthorised, 1, (r, i) => Get("api/admin/exports/members", key: r.Next(2) == 0 ? false : null));
        Add("ExportMembers", "bad format", refused, 1, (r, i) => Get("api/admin/exports/members?format=" + Pick(r, ["xlsx", "json", ""]), key: true));
        Add("ExportMembers", "export", acknowledged, 1, (r, i) => Get("api/admin/exports/members", key: true));
        Add("ExportMemberData", "hostile member id", badPathId, 1, (r, i) => Get($"api/admin/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/export", key: true));
        Add("ExportMemberData", "wrong key", unauthorised, 1, (r, i) => Get($"api/admin/members/{Rich}/export", key: r.Next(2) == 0 ? false : null));
        Add("ExportMemberData", "unknown member", [404], 1, (r, i) => Get($"api/admin/members/hx-nobody-{i}/export", key: true));
        Add("ExportMemberData", "read of a real member", acknowledged, 1, (r, i) => Get($"api/admin/members/{Rich}/export", key: true));
        Add("ListPrivacyRequests", "wrong key", unauthorised, 1, (r, i) => Get("api/admin/privacy-requests", key: r.Next(2) == 0 ? false : null));
        Add("ListPrivacyRequests", "read", acknowledged, 1, (r, i) => Get("api/admin/privacy-requests", key: true));
        Add("GetPrivacyRequestExport", "hostile request id", badPathId, 1, (r, i) => Get($"api/admin/privacy-requests/{Uri.EscapeDataString(Pick(r, HostileIds))}/export", key: true));
        Add("GetPrivacyRequestExport", "wrong key", unauthorised, 1, (r, i) => Get("api/admin/privacy-requests/pr-none/export", key: r.Next(2) == 0 ? false : null));
        Add("GetPrivacyRequestExport", "unknown request", [404], 1, (r, i) => Get($"api/admin/privacy-requests/pr-nobody-{i}/export", key: true));
        const string erase = "EraseMember";
        Add(erase, "hostile member id", badPathId, 1, (r, i) => Post($"api/admin/members/{Uri.EscapeDataString(Pick(r, HostileIds))}/erasure", Json(new { reason = "customer-request" })));
        Add(erase, "bad reason or body", refused, 2, (r, i) => Post($"api/admin/members/{Rich}/erasure", Pick(r, ["{", "[]", "null", "{}", "{\"reason\":\"Ada called\"}", "{\"reason\":5}", "{\"reason\":\"\"}"])));
        Add(erase, "wrong key", unauthorised, 1, (r, i) => Post($"api/admin/members/{Rich}/erasure", Json(new { reason = "customer-request" }), key: false));
        Add(erase, "unknown member", [404], 1, (r, i) => Post($"api/admin/members/hx-nobody-{i}/erasure", Json(new { reason = "customer-request" })));

        // The member page: no link, a forged or expired one, a hostile id; the owner's link route without the key.
        string[] pageRoutes = ["MemberPage", "GetMemberPageSummary", "RedeemOnMemberPage"];
        foreach (var page in pageRoutes)
        {
            var path = page switch { "MemberPage" => "", "GetMemberPageSummary" => "/summary", _ => "/redemptions" };
            var method = page == "RedeemOnMemberPage" ? HttpMethod.Post : HttpMethod.Get;
            HttpRequestMessage Page(string member, string query) => new(method, $"api/member-page/{member}{path}{query}") { Content = method == HttpMethod.Post ? new StringContent("{\"rewardId\":\"free-shipping\",\"requestId\":\"hx-page\"}", Encoding.UTF8, "application/json") : null };
            Add(page, "no link", unauthorised, 1, (r, i) => () => WithKey(Page(Rich, Pick(r, ["", "?expires=4102444800", "?signature=" + new string('a', 64)])), r.Next(2) == 0));
            Add(page, "forged link", [403], 1, (r, i) => () => Page(Pick(r, [Rich, Poor]), "?expires=" + Pick(r, ["4102444800", "1", "-1", "x", "99999999999999999999"]) + "&signature=" + Pick(r, [new string('0', 64), "abc", new string('g', 64)])));
            Add(page, "hostile member id", [400, 403, 404], 1, (r, i) => () => Page(Uri.EscapeDataString(Pick(r, HostileIds)), "?expires=4102444800&signature=" + new string('0', 64)));
        }

        // The member page through Shopify's app proxy: unsigned, forged, stale, or signed for another customer.
        string[] proxyRoutes = ["ShopifyProxyMemberPage", "GetShopifyProxyMemberPageSummary", "RedeemOnShopifyProxyMemberPage"];
        foreach (var proxy in proxyRoutes)
        {
            var path = proxy switch { "ShopifyProxyMemberPage" => "", "GetShopifyProxyMemberPageSummary" => "/summary", _ => "/redemptions" };
            var method = proxy == "RedeemOnShopifyProxyMemberPage" ? HttpMethod.Post : HttpMethod.Get;
            HttpRequestMessage Proxy(string query) => new(method, $"api/shopify-proxy/member-page{path}?{query}") { Content = method == HttpMethod.Post ? new StringContent("{\"rewardId\":\"free-shipping\",\"requestId\":\"hx-proxy\"}", Encoding.UTF8, "application/json") : null };
            string Signed(string customer, long timestamp) => Signing.ShopifyProxyQuery([("shop", "hx-shop.myshopify.com"), ("logged_in_customer_id", customer), ("path_prefix", "/apps/loyalty"), ("timestamp", timestamp.ToString(CultureInfo.InvariantCulture))], LocalHost.ShopifySecret);
            Add(proxy, "unsigned", [403], 1, (r, i) => () => Proxy("shop=hx-shop.myshopify.com&logged_in_customer_id=" + Pick(r, ["1", "", "x", "%00"]) + "&timestamp=" + DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
            Add(proxy, "forged signature", [403], 1, (r, i) => () => Proxy("shop=hx-shop.myshopify.com&logged_in_customer_id=1&timestamp=" + DateTimeOffset.UtcNow.ToUnixTimeSeconds() + "&signature=" + Pick(r, [new string('0', 64), "abc", new string('g', 64), Uri.EscapeDataString(Pick(r, HostileIds))])));
            Add(proxy, "stale", [403], 1, (r, i) => () => Proxy(Signed("1", long.Parse(Pick(r, ["1317327555", "0", "4102444800"]), CultureInfo.InvariantCulture))));
            Add(proxy, "signed for another customer", [403], 1, (r, i) => () => Proxy(Signed("1", DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Replace("logged_in_customer_id=1", "logged_in_customer_id=2", StringComparison.Ordinal)));
        }

        Add("CreateMemberPageLink", "wrong key", unauthorised, 1, (r, i) => Post($"api/admin/members/{Rich}/page-links", null, key: r.Next(2) == 0 ? false : null));
        Add("CreateMemberPageLink", "bad days", refused, 1, (r, i) => Post($"api/admin/members/{Rich}/page-links", Pick(r, ["{\"days\":0}", "{\"days\":91}", "{\"days\":\"x\"}", "{"])));

        // Wrong methods on real routes (a method another route serves on the same path is not wrong).
        Add("*", "wrong method", [405], 1, (r, i) =>
        {
            var route = HostContract.HttpRoutes[r.Next(HostContract.HttpRoutes.Count)];
            var path = Fill(route.Template);
            var served = HostContract.HttpRoutes.Where(x => x.Template == route.Template).Select(x => x.Method).ToHashSet(StringComparer.Ordinal);
            var method = Pick(r, [.. new[] { "GET", "POST", "DELETE", "PUT", "PATCH" }.Where(m => !served.Contains(m))]);
            return () => WithKey(new HttpRequestMessage(new HttpMethod(method), $"api/{path}"), true);
        });

        return kinds;
    }

    /// <summary>A route template with real-looking values for its parameters.</summary>
    public static string Fill(string template) => template
        .Replace("{memberId}", Rich, StringComparison.Ordinal)
        .Replace("{benefitId}", "free-delivery", StringComparison.Ordinal)
        .Replace("{job}", "ExpirePoints", StringComparison.Ordinal)
        .Replace("{messageId}", "no-such-message", StringComparison.Ordinal)
        .Replace("{eventId}", "api:route-test", StringComparison.Ordinal);

    private static Func<HttpRequestMessage> Shopify(string? topic, string body, string sign = "ok") => () =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        if (topic is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Shopify-Topic", topic);
        }

        request.Headers.TryAddWithoutValidation("X-Shopify-Shop-Domain", "fuzz-shop.myshopify.com");
        switch (sign)
        {
            case "ok": request.Headers.TryAddWithoutValidation("X-Shopify-Hmac-Sha256", Signing.Base64(bytes, LocalHost.ShopifySecret)); break;
            case "wrong": request.Headers.TryAddWithoutValidation("X-Shopify-Hmac-Sha256", Signing.Base64(bytes, "not-the-secret")); break;
            case "other-body": request.Headers.TryAddWithoutValidation("X-Shopify-Hmac-Sha256", Signing.Base64([.. bytes, (byte)' '], LocalHost.ShopifySecret)); break;
        }

        return request;
    };

    private static Func<HttpRequestMessage> Woo(string? topic, string body, string sign = "ok", string? source = "https://fuzz.example/") => () =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/woocommerce") { Content = new ByteArrayContent(bytes) };
        if (topic is not null)
        {
            request.Headers.TryAddWithoutValidation("X-WC-Webhook-Topic", topic);
        }

        if (source is not null)
        {
            request.Headers.TryAddWithoutValidation("X-WC-Webhook-Source", source);
        }

        if (sign != "none")
        {
            request.Headers.TryAddWithoutValidation("X-WC-Webhook-Signature", Signing.Base64(bytes, sign == "ok" ? LocalHost.WooCommerceSecret : "not-the-secret"));
        }

        return request;
    };

    private static Func<HttpRequestMessage> Api(string body, string sign = "ok") => () =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(bytes) };
        switch (sign)
        {
            case "ok": request.Headers.TryAddWithoutValidation("X-Loyalty-Signature", Signing.Hex(bytes, LocalHost.ApiSecret)); break;
            case "wrong": request.Headers.TryAddWithoutValidation("X-Loyalty-Signature", Signing.Hex(bytes, "not-the-secret")); break;
        }

        return request;
    };

    // key: true = the admin key as the header (accepted on every route), false = a wrong key, null = none.
    private static Func<HttpRequestMessage> Get(string path, bool? key) => () => WithKey(new HttpRequestMessage(HttpMethod.Get, WrongKey(path, key)), key);

    private static Func<HttpRequestMessage> Post(string path, string? body, bool? key = true) => () => WithKey(
        new HttpRequestMessage(HttpMethod.Post, WrongKey(path, key)) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") },
        key);

    private static Func<HttpRequestMessage> Put(string path, string? body, bool? key = true) => () => WithKey(
        new HttpRequestMessage(HttpMethod.Put, WrongKey(path, key)) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") },
        key);

    // A console request: with Origin (when given) and, when forged, a session cookie that was never minted.
    private static Func<HttpRequestMessage> ConsoleRequest(HttpMethod method, string path, string? origin, string? form, bool forged = false) => () =>
    {
        var request = new HttpRequestMessage(method, path) { Content = form is null ? null : new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded") };
        if (origin is { Length: > 0 })
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (forged)
        {
            request.Headers.TryAddWithoutValidation("Cookie", "loyalty_console=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin|4102444800|forged")));
        }

        return request;
    };

    private static HttpRequestMessage WithKey(HttpRequestMessage request, bool? key)
    {
        if (key == true)
        {
            request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        }

        return request;
    }

    private static string WrongKey(string path, bool? key) =>
        key == false ? path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=wrong-key" : path;

    private static string AdminKeyInQuery(string path) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + LocalHost.AdminKey;

    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static string Envelope(string eventId, string type, string memberId, JsonObject payload) => new JsonObject
    {
        ["eventId"] = eventId,
        ["type"] = type,
        ["memberId"] = memberId,
        ["occurredAt"] = "2026-11-20T10:00:00Z",
        ["payload"] = payload,
    }.ToJsonString();

    private static string Purchase(string memberId, string orderId) => Envelope($"fuzz:{orderId}:paid", "purchase.completed", memberId, new JsonObject
    {
        ["orderId"] = orderId,
        ["currency"] = "USD",
        ["orderTotal"] = 12.5,
        ["lines"] = Lines(1),
    });

    private static JsonArray Lines(int count)
    {
        var lines = new JsonArray();
        for (var n = 1; n <= count; n++)
        {
            lines.Add(new JsonObject { ["lineId"] = n.ToString(CultureInfo.InvariantCulture), ["quantity"] = 1, ["unitPrice"] = 12.5, ["discount"] = 0 });
        }

        return lines;
    }

    private static string Edit(string json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }

    // Cutting a JSON object anywhere before its closing brace always leaves invalid JSON.
    private static string Truncate(Random random, string json) => json[..random.Next(0, json.Length - 1)];

    private static JsonNode WrongValue(Random random) => random.Next(4) switch
    {
        0 => new JsonObject { ["x"] = 1 },
        1 => new JsonArray(1, 2),
        2 => JsonValue.Create(true),
        _ => JsonValue.Create("abc")!,
    };

    // Replaces a required value with one of the wrong type; every such change must be refused.
    private static string WrongShopifyType(Random random, string json) => Edit(json, node =>
    {
        switch (random.Next(4))
        {
            case 0: node["line_items"] = WrongValue(random); break;
            case 1: node["line_items"]![0]!["quantity"] = WrongValue(random); break;
            case 2: node["line_items"]![0]!["price"] = random.Next(2) == 0 ? new JsonArray("1") : new JsonObject(); break;
            default: node["customer"] = random.Next(2) == 0 ? new JsonArray(1) : JsonValue.Create("abc"); break;
        }
    });

    private static string WrongWooType(Random random, string json) => Edit(json, node =>
    {
        switch (random.Next(3))
        {
            case 0: node["line_items"] = WrongValue(random); break;
            case 1: node["line_items"]![0]!["quantity"] = WrongValue(random); break;
            default: node["customer_id"] = random.Next(2) == 0 ? new JsonArray(1) : new JsonObject(); break;
        }
    });

    private static string WrongApiType(Random random, string json) => Edit(json, node =>
    {
        switch (random.Next(4))
        {
            case 0: node["payload"]!["lines"] = WrongValue(random); break;
            case 1: node["payload"]!["lines"]![0]!["quantity"] = WrongValue(random); break;
            case 2: node["memberId"] = random.Next(2) == 0 ? new JsonArray("a") : new JsonObject(); break;
            default: node["payload"]!["lines"]![0]!["unitPrice"] = WrongValue(random); break;
        }
    });

    private static string RandomText(Random random)
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

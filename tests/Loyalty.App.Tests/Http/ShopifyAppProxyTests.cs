using Loyalty.App.Intake;
using Loyalty.App.MemberPage;
using Loyalty.App.Rewards;
using Loyalty.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Loyalty.App.Tests.Http;

/// <summary>
/// Shopify's app proxy signature, checked against the worked example of Shopify's "Authenticate
/// app proxies" (shared secret <c>hush</c>; the page shows the shop as <c>{shop}</c>, and its
/// signature is the one of <c>shop-name.myshopify.com</c>), then the checks on a request.
/// </summary>
public sealed class ShopifyAppProxyTests
{
    private const string Documented = "?extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb";

    private const string Secret = "test-shopify-proxy-secret-7f3a";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void The_documented_example_signs_as_Shopify_says_with_the_repeated_parameter_joined_by_a_comma()
    {
        var query = QueryHelpers.ParseQuery(Documented);

        Assert.Equal("extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555", ShopifyAppProxy.SignedText(query));
        Assert.Equal(query["signature"].ToString(), ShopifyAppProxy.Sign(query, "hush"));

        // The tests' own signer, written from the same page, agrees.
        var ours = QueryHelpers.ParseQuery(Signing.ShopifyProxyQuery([("extra", "1"), ("extra", "2"), ("shop", "shop-name.myshopify.com"), ("logged_in_customer_id", "1"), ("path_prefix", "/apps/awesome_reviews"), ("timestamp", "1317327555")], "hush"));
        Assert.Equal(query["signature"].ToString(), ours["signature"].ToString());
    }

    [Fact]
    public void A_signed_fresh_request_names_the_customer_s_member_and_nobody_signed_in_names_none()
    {
        Assert.Equal(("shopify-8301", null), Check(Signed("8301", Now)));
        Assert.Equal((null, null), Check(Signed("", Now)));
        Assert.Equal(("shopify-8301", null), Check(Signed("8301", Now.AddMinutes(-4))));
    }

    [Theory]
    [InlineData("tampered", 403)]
    [InlineData("old", 403)]
    [InlineData("future", 403)]
    [InlineData("other secret", 403)]
    [InlineData("other shop", 403)]
    [InlineData("no signature", 403)]
    [InlineData("not a customer id", 400)]
    public void A_request_not_signed_by_the_shop_or_signed_too_long_ago_names_nobody(string what, int status)
    {
        var query = what switch
        {
            "tampered" => Signed("8301", Now).Replace("logged_in_customer_id=8301", "logged_in_customer_id=8302", StringComparison.Ordinal),
            "old" => Signed("8301", Now.AddMinutes(-6)),
            "future" => Signed("8301", Now.AddMinutes(6)),
            "other secret" => Signed("8301", Now, secret: "another-shopify-secret-1234"),
            "other shop" => Signed("8301", Now, shop: "other-shop.myshopify.com"),
            "no signature" => Signed("8301", Now)[..Signed("8301", Now).IndexOf("&signature=", StringComparison.Ordinal)],
            _ => Signed("x1", Now),
        };

        var (member, refused) = Check(query);

        Assert.Null(member);
        Assert.Equal(status, Assert.IsAssignableFrom<IStatusCodeHttpResult>(refused).StatusCode);
    }

    private static string Signed(string customer, DateTimeOffset at, string secret = Secret, string shop = "tea-shop.myshopify.com") =>
        "?" + Signing.ShopifyProxyQuery([("shop", shop), ("logged_in_customer_id", customer), ("path_prefix", "/apps/loyalty"), ("timestamp", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))], secret);

    private static (string? Member, IResult? Refused) Check(string query)
    {
        var proxy = new ShopifyAppProxy(
            Options.Create(new WebhookSecrets { ShopifySecret = Secret }),
            Options.Create(new ShopifyAdminOptions { ShopUrl = "https://tea-shop.myshopify.com" }),
            NullLogger<ShopifyAppProxy>.Instance);
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return proxy.Check(context.Request, Now);
    }
}

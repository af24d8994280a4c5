using System.Net;
using System.Text;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A host of its own with a previous value set for each signing secret, as during a rotation.</summary>
public sealed class RotationFixture : ServiceFixture
{
    public const string ShopifyPrevious = "previous-shopify-secret-0c4d7e";
    public const string WooPrevious = "previous-woocommerce-secret-6a1f";
    public const string ApiPrevious = "previous-api-signing-secret-93be";

    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Webhooks__ShopifyPreviousSecret"] = ShopifyPrevious,
        ["Loyalty__Webhooks__WooCommercePreviousSecret"] = WooPrevious,
        ["Loyalty__Api__PreviousSigningSecret"] = ApiPrevious,
    };
}

/// <summary>
/// Secret rotation through the local host: a delivery signed with the current or the previous
/// secret of its source is credited, one signed with anything else (another source's previous
/// secret included) is refused and writes nothing.
/// </summary>
public sealed class RotationTests(RotationFixture service) : IClassFixture<RotationFixture>
{
    private static HttpRequestMessage Woo(string body, string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/woocommerce") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-WC-Webhook-Topic", "order.updated");
        request.Headers.Add("X-WC-Webhook-Source", "https://tea-shop.example/");
        request.Headers.Add("X-WC-Webhook-Resource", "order");
        request.Headers.Add("X-WC-Webhook-Delivery-ID", Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-WC-Webhook-Signature", Signing.Base64(bytes, secret));
        return request;
    }

    private static HttpRequestMessage Api(string body, string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Loyalty-Signature", Signing.Hex(bytes, secret));
        return request;
    }

    private static async Task<HttpStatusCode> StatusOf(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return response.StatusCode;
    }

    [Fact]
    public async Task A_Shopify_delivery_signed_with_the_previous_secret_is_credited()
    {
        var signedWithPrevious = Payloads.ShopifyOrderPaid(920001, 9200001);
        var previous = Signing.Base64(Encoding.UTF8.GetBytes(signedWithPrevious), RotationFixture.ShopifyPrevious);

        Assert.Equal(HttpStatusCode.Accepted, await StatusOf(service.PostShopifyAsync("orders/paid", signedWithPrevious, signature: previous)));
        Assert.Equal(HttpStatusCode.Accepted, await StatusOf(service.PostShopifyAsync("orders/paid", Payloads.ShopifyOrderPaid(920002, 9200002))));
        foreach (var other in new[] { RotationFixture.WooPrevious, RotationFixture.ApiPrevious, LocalHost.WooCommerceSecret, "some-other-secret-of-16+" })
        {
            var body = Payloads.ShopifyOrderPaid(920003, 9200003);
            var signature = Signing.Base64(Encoding.UTF8.GetBytes(body), other);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(service.PostShopifyAsync("orders/paid", body, signature: signature)));
        }

        Assert.Equal(110 + 50, ServiceFixture.Balance(await service.WaitForMemberAsync("shopify-920001", m => ServiceFixture.Balance(m) > 50)));
        Assert.Equal(110 + 50, ServiceFixture.Balance(await service.WaitForMemberAsync("shopify-920002", m => ServiceFixture.Balance(m) > 50)));
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("shopify-920003"));
    }

    [Fact]
    public async Task A_WooCommerce_delivery_signed_with_the_previous_secret_is_credited()
    {
        Assert.Equal(HttpStatusCode.Accepted, await StatusOf(service.Client.SendAsync(Woo(Payloads.WooOrder(930001, 9300001, "processing"), RotationFixture.WooPrevious))));
        Assert.Equal(HttpStatusCode.Accepted, await StatusOf(service.Client.SendAsync(Woo(Payloads.WooOrder(930002, 9300002, "processing"), LocalHost.WooCommerceSecret))));
        foreach (var other in new[] { RotationFixture.ShopifyPrevious, RotationFixture.ApiPrevious, LocalHost.ShopifySecret })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(service.Client.SendAsync(Woo(Payloads.WooOrder(930003, 9300003, "processing"), other))));
        }

        var credited = await service.WaitForMemberAsync("woo-930001", m => ServiceFixture.Balance(m) > 50);
        var alsoCredited = await service.WaitForMemberAsync("woo-930002", m => ServiceFixture.Balance(m) > 50);
        Assert.Equal(ServiceFixture.Balance(alsoCredited), ServiceFixture.Balance(credited));
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("woo-930003"));
    }

    [Fact]
    public async Task An_API_call_signed_with_the_previous_secret_is_credited()
    {
        Assert.Equal(HttpStatusCode.Accepted, await StatusOf(service.Client.SendAsync(Api(Payloads.GenericPurchase("rot:1:paid", "rot-api-1", "rot-o1", 40m, 1), RotationFixture.ApiPrevious))));
        Assert.Equal(HttpStatusCode.Accepted, await StatusOf(service.Client.SendAsync(Api(Payloads.GenericPurchase("rot:2:paid", "rot-api-2", "rot-o2", 40m, 1), LocalHost.ApiSecret))));
        foreach (var other in new[] { RotationFixture.ShopifyPrevious, RotationFixture.WooPrevious, LocalHost.ShopifySecret })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(service.Client.SendAsync(Api(Payloads.GenericPurchase("rot:3:paid", "rot-api-3", "rot-o3", 40m, 1), other))));
        }

        Assert.Equal(40 + 50, ServiceFixture.Balance(await service.WaitForMemberAsync("rot-api-1", m => ServiceFixture.Balance(m) > 50)));
        Assert.Equal(40 + 50, ServiceFixture.Balance(await service.WaitForMemberAsync("rot-api-2", m => ServiceFixture.Balance(m) > 50)));
        await service.WaitForQueueDrainedAsync();
        Assert.Null(await service.GetMemberAsync("rot-api-3"));
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;

namespace Loyalty.App.Tests.Intake;

/// <summary>Signed requests for the three intakes, and the payloads they carry.</summary>
internal static class Webhooks
{
    public const string ShopifySecret = "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";
    public const string WooSecret = "wc-hook-secret-7f3a91";
    public const string ApiSecret = "loyalty-api-secret-2b8e";
    public const string Shop = "northwind-knits.myshopify.com";
    public const string WooSource = "https://Shop.Example.com/";

    public static readonly DateTimeOffset ReceivedAt = new(2026, 3, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The published samples (Fixtures/README.md says where each comes from).</summary>
    public static string FixturesFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(FixturesFolder, name));

    public static IEnumerable<string> FixtureNames() =>
        Directory.EnumerateFiles(FixturesFolder, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static byte[] Payload(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Payloads", name));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The body with one piece of text replaced; the text must occur exactly once, so every other byte (and every digit of every id) stays.</summary>
    public static byte[] Replace(byte[] body, string from, string to)
    {
        var text = Encoding.UTF8.GetString(body);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"'{from}' must occur exactly once");
        return Utf8(text.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>The body parsed, changed and written back (JsonNode keeps numbers as written).</summary>
    public static byte[] Edit(byte[] body, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        edit(node);
        return Utf8(node.ToJsonString());
    }

    public static Dictionary<string, string> ShopifyHeaders(ReadOnlySpan<byte> body, string topic, string? shop = Shop) =>
        Headers(
            (ShopifyIntake.HmacHeader, Signatures.ComputeBase64(body, ShopifySecret)),
            (ShopifyIntake.TopicHeader, topic),
            (ShopifyIntake.ShopDomainHeader, shop),
            ("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
            ("X-Shopify-API-Version", "2026-04"));

    public static IntakeResult Shopify(byte[] body, string topic, string? shop = Shop) =>
        ShopifyIntake.Handle(ShopifyHeaders(body, topic, shop), body, ShopifySecret, ReceivedAt);

    public static Dictionary<string, string> WooHeaders(ReadOnlySpan<byte> body, string topic, string? source = WooSource) =>
        Headers(
            (WooCommerceIntake.SignatureHeader, Signatures.ComputeBase64(body, WooSecret)),
            (WooCommerceIntake.TopicHeader, topic),
            (WooCommerceIntake.SourceHeader, source),
            ("X-WC-Webhook-Resource", topic.Split('.')[0]),
            ("X-WC-Webhook-Event", topic.Split('.')[^1]),
            ("X-WC-Webhook-ID", "12"),
            ("X-WC-Webhook-Delivery-ID", "8d9f1b2e"));

    public static IntakeResult Woo(byte[] body, string topic = "order.updated", string? source = WooSource) =>
        WooCommerceIntake.Handle(WooHeaders(body, topic, source), body, WooSecret, ReceivedAt);

    public static Dictionary<string, string> ApiHeaders(ReadOnlySpan<byte> body) =>
        Headers((GenericApiIntake.SignatureHeader, Signatures.ComputeHexHeader(body, ApiSecret)));

    public static IntakeResult Api(byte[] body) => GenericApiIntake.Handle(ApiHeaders(body), body, ApiSecret, ReceivedAt);

    public static Dictionary<string, string> Headers(params (string Name, string? Value)[] headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                result[name] = value;
            }
        }

        return result;
    }

    public static IntakeRejected Rejected(IntakeResult result, int status, string type, string? field = null)
    {
        var rejected = Assert.IsType<IntakeRejected>(result);
        Assert.Equal(status, rejected.Status);
        Assert.Equal(type, rejected.Type);
        if (field is not null)
        {
            Assert.Equal(field, rejected.Field);
        }

        return rejected;
    }

    /// <summary>Equal in every field, lines included (records compare lists by reference, envelopes by content).</summary>
    public static void SameEvent(LoyaltyEvent expected, LoyaltyEvent actual) =>
        Assert.Equal(EventEnvelope.Serialize(expected), EventEnvelope.Serialize(actual));

    public static T Single<T>(IntakeResult result)
    {
        var accepted = Assert.IsType<IntakeAccepted>(result);
        return Assert.IsType<T>(Assert.Single(accepted.Events));
    }
}

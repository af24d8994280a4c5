using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.App.Intake;
using Loyalty.App.Tests.Intake;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Loyalty.App.Tests.Http;

/// <summary>
/// Keys and signing secrets on every request: an unresolved Key Vault reference or a short
/// value signs and authorizes nothing, whatever start-up let through; the admin key counts only
/// as a header.
/// </summary>
public sealed class KeyAndSecretTests
{
    // What App Service leaves in the setting when the vault has no such secret: the text can be
    // worked out from the app's host name, so a forger can sign with it.
    private const string Unresolved = "@Microsoft.KeyVault(SecretUri=https://kv-abc123.vault.azure.net/secrets/shopify-webhook-secret)";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":1}");

    [Theory]
    [InlineData(Unresolved)]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-abc123;SecretName=shopify-webhook-secret)")]
    [InlineData("  @microsoft.keyvault(SecretUri=https://kv-abc123.vault.azure.net/secrets/x/)")]
    [InlineData("@Microsoft.AppConfiguration(Endpoint=https://appcs-abc.azconfig.io; Key=shopify)")]
    [InlineData("fifteen-bytes!!")]
    [InlineData("short")]
    [InlineData(" padded-secret-of-enough-length ")]
    public void A_signature_made_with_an_unusable_secret_is_refused(string secret)
    {
        Assert.False(Signatures.VerifyBase64HmacSha256(Body, Signatures.ComputeBase64(Body, secret), secret));
        Assert.False(Signatures.VerifyHexHmacSha256(Body, Signatures.ComputeHexHeader(Body, secret), secret));
    }

    [Fact]
    public void Sixteen_bytes_is_enough()
    {
        const string secret = "sixteen-bytes-ok";
        Assert.Equal(SecretRules.MinimumBytes, Encoding.UTF8.GetByteCount(secret));
        Assert.True(Signatures.VerifyBase64HmacSha256(Body, Signatures.ComputeBase64(Body, secret), secret));
        Assert.True(Signatures.VerifyHexHmacSha256(Body, Signatures.ComputeHexHeader(Body, secret), secret));
    }

    [Fact]
    public void A_Shopify_order_signed_with_the_unresolved_reference_text_is_refused_not_credited()
    {
        var body = Webhooks.Payload("shopify-orders-paid.json");
        var headers = Webhooks.Headers(
            (ShopifyIntake.HmacHeader, Signatures.ComputeBase64(body, Unresolved)),
            (ShopifyIntake.TopicHeader, "orders/paid"),
            (ShopifyIntake.ShopDomainHeader, Webhooks.Shop));

        var result = ShopifyIntake.Handle(headers, body, Unresolved, Webhooks.ReceivedAt);

        Webhooks.Rejected(result, 401, ProblemTypes.InvalidSignature);
    }

    [Fact]
    public void The_admin_key_counts_only_as_a_header()
    {
        const string key = "admin-key-0123456789abcdef";

        Assert.True(AdminKey.IsAuthorized(Request(header: key), key));
        Assert.False(AdminKey.IsAuthorized(Request(query: key), key));
        Assert.True(AdminKey.IsInQuery(Request(query: key), key));
        Assert.False(AdminKey.IsAuthorized(Request(header: key + "x"), key));
        Assert.False(AdminKey.IsAuthorized(Request(), key));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv-abc123.vault.azure.net/secrets/admin-key)")]
    public void An_unusable_configured_key_authorizes_nothing(string key)
    {
        Assert.False(AdminKey.IsAuthorized(Request(header: key), key));
        Assert.False(StorefrontKey.IsAuthorized(Request(header: key), new LoyaltyOptions { StorefrontKey = key }));
        Assert.False(StorefrontKey.IsAuthorized(Request(query: key), new LoyaltyOptions { StorefrontKey = key }));
    }

    [Fact]
    public void The_storefront_routes_take_the_storefront_key_anywhere_and_the_admin_key_as_a_header()
    {
        var keys = new LoyaltyOptions { AdminKey = "admin-key-0123456789abcdef", StorefrontKey = "storefront-key-0123456789" };

        Assert.True(StorefrontKey.IsAuthorized(Request(header: keys.StorefrontKey), keys));
        Assert.True(StorefrontKey.IsAuthorized(Request(query: keys.StorefrontKey), keys));
        Assert.True(StorefrontKey.IsAuthorized(Request(header: keys.AdminKey), keys));
        Assert.False(StorefrontKey.IsAuthorized(Request(query: keys.AdminKey), keys));
        Assert.False(StorefrontKey.IsAuthorized(Request(header: "storefront-key-012345678"), keys));

        // The storefront key is never the admin key.
        Assert.False(AdminKey.IsAuthorized(Request(header: keys.StorefrontKey), keys.AdminKey));
    }

    [Fact]
    public void Validation_names_each_bad_setting_and_never_shows_its_value()
    {
        var secrets = new WebhookSecrets
        {
            ShopifySecret = Unresolved,
            WooCommercePreviousSecret = "woo-previous-secret-of-length",
            ApiSigningSecret = "short-api",
        };
        var keys = new LoyaltyOptions { AdminKey = "same-key-for-both-0123", StorefrontKey = "same-key-for-both-0123" };

        var errors = secrets.Validate().Concat(keys.Validate(secrets)).ToList();

        Assert.Contains(errors, e => e.StartsWith("Loyalty:Webhooks:ShopifySecret: ", StringComparison.Ordinal) && e.Contains("unresolved", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Loyalty:Api:SigningSecret: ", StringComparison.Ordinal) && e.Contains("16 bytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Loyalty:Webhooks:WooCommercePreviousSecret: ", StringComparison.Ordinal) && e.Contains("Loyalty:Webhooks:WooCommerceSecret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Loyalty:AdminKey: ", StringComparison.Ordinal) && e.Contains("Loyalty:StorefrontKey", StringComparison.Ordinal));
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.DoesNotContain("kv-abc123", e, StringComparison.Ordinal);
            Assert.DoesNotContain("short-api", e, StringComparison.Ordinal);
            Assert.DoesNotContain("same-key-for-both", e, StringComparison.Ordinal);
            Assert.DoesNotContain("woo-previous-secret", e, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Absent_keys_and_secrets_are_allowed_and_turn_their_routes_off()
    {
        Assert.Empty(new WebhookSecrets().Validate());
        Assert.Empty(new LoyaltyOptions().Validate(new WebhookSecrets()));
        Assert.False(AdminKey.IsAuthorized(Request(header: ""), null));
        Assert.False(StorefrontKey.IsAuthorized(Request(query: ""), new LoyaltyOptions()));
        Assert.False(Signatures.VerifyBase64HmacSha256(Body, Signatures.ComputeBase64(Body, "x"), null));
    }

    private static HttpRequest Request(string? header = null, string? query = null)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers[AdminKey.Header] = header;
        }

        if (query is not null)
        {
            context.Request.QueryString = QueryString.Create(AdminKey.Query, query);
        }

        return context.Request;
    }
}

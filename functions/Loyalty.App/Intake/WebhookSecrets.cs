using Loyalty.App.Configuration;

namespace Loyalty.App.Intake;

/// <summary>
/// The shared secrets that sign incoming webhooks and API calls, each with an optional previous
/// value accepted alongside it while a rotation is under way (as Shopify's own app libraries
/// do), so a shop can change its secret without losing deliveries. A missing secret rejects
/// every request of that source; a set one must keep to <see cref="SecretRules"/>.
/// </summary>
public sealed class WebhookSecrets
{
    /// <summary>The Shopify secret's setting.</summary>
    public const string ShopifySecretSetting = "Loyalty:Webhooks:ShopifySecret";

    /// <summary>The previous Shopify secret's setting.</summary>
    public const string ShopifyPreviousSecretSetting = "Loyalty:Webhooks:ShopifyPreviousSecret";

    /// <summary>The WooCommerce secret's setting.</summary>
    public const string WooCommerceSecretSetting = "Loyalty:Webhooks:WooCommerceSecret";

    /// <summary>The previous WooCommerce secret's setting.</summary>
    public const string WooCommercePreviousSecretSetting = "Loyalty:Webhooks:WooCommercePreviousSecret";

    /// <summary>The API signing secret's setting.</summary>
    public const string ApiSigningSecretSetting = "Loyalty:Api:SigningSecret";

    /// <summary>The previous API signing secret's setting.</summary>
    public const string ApiPreviousSigningSecretSetting = "Loyalty:Api:PreviousSigningSecret";

    /// <summary>The Shopify app's client secret (signs <c>X-Shopify-Hmac-Sha256</c>).</summary>
    public string? ShopifySecret { get; set; }

    /// <summary>The Shopify secret being replaced, accepted too until it is removed.</summary>
    public string? ShopifyPreviousSecret { get; set; }

    /// <summary>The secret set on the WooCommerce webhook (signs <c>X-WC-Webhook-Signature</c>).</summary>
    public string? WooCommerceSecret { get; set; }

    /// <summary>The WooCommerce secret being replaced, accepted too until it is removed.</summary>
    public string? WooCommercePreviousSecret { get; set; }

    /// <summary>The secret that signs generic API calls (<c>X-Loyalty-Signature</c>).</summary>
    public string? ApiSigningSecret { get; set; }

    /// <summary>The API signing secret being replaced, accepted too until it is removed.</summary>
    public string? ApiPreviousSigningSecret { get; set; }

    /// <summary>Shopify's current and previous secret.</summary>
    public SigningSecret Shopify => new(ShopifySecretSetting, ShopifySecret, ShopifyPreviousSecretSetting, ShopifyPreviousSecret);

    /// <summary>WooCommerce's current and previous secret.</summary>
    public SigningSecret WooCommerce => new(WooCommerceSecretSetting, WooCommerceSecret, WooCommercePreviousSecretSetting, WooCommercePreviousSecret);

    /// <summary>The generic API's current and previous secret.</summary>
    public SigningSecret Api => new(ApiSigningSecretSetting, ApiSigningSecret, ApiPreviousSigningSecretSetting, ApiPreviousSigningSecret);

    /// <summary>Reads every secret from its setting.</summary>
    public void Read(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ShopifySecret = configuration[ShopifySecretSetting];
        ShopifyPreviousSecret = configuration[ShopifyPreviousSecretSetting];
        WooCommerceSecret = configuration[WooCommerceSecretSetting];
        WooCommercePreviousSecret = configuration[WooCommercePreviousSecretSetting];
        ApiSigningSecret = configuration[ApiSigningSecretSetting];
        ApiPreviousSigningSecret = configuration[ApiPreviousSigningSecretSetting];
    }

    /// <summary>Every secret with its setting.</summary>
    public IEnumerable<(string Setting, string? Value)> Named() =>
        new[] { Shopify, WooCommerce, Api }.SelectMany(s => new[] { (s.Setting, s.Current), (s.PreviousSetting, s.Previous) });

    /// <summary>Problems with the secrets, each naming its setting (never the value).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(SecretRules.Problems(Named()));
        foreach (var secret in new[] { Shopify, WooCommerce, Api })
        {
            if (!string.IsNullOrEmpty(secret.Previous) && string.IsNullOrEmpty(secret.Current))
            {
                errors.Add($"{secret.PreviousSetting}: is set without {secret.Setting}; a previous secret is accepted only alongside the current one.");
            }
        }

        return errors;
    }
}

/// <summary>One source's signing secret and the previous one accepted alongside it during a rotation.</summary>
/// <param name="Setting">The current secret's setting.</param>
/// <param name="Current">The current secret.</param>
/// <param name="PreviousSetting">The previous secret's setting.</param>
/// <param name="Previous">The previous secret, when a rotation is under way.</param>
public sealed record SigningSecret(string Setting, string? Current, string PreviousSetting, string? Previous);

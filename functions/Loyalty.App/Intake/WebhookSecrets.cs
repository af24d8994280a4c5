namespace Loyalty.App.Intake;

/// <summary>
/// The shared secrets that sign incoming webhooks and API calls. Bound from
/// <c>Loyalty:Webhooks:ShopifySecret</c>, <c>Loyalty:Webhooks:WooCommerceSecret</c> and
/// <c>Loyalty:Api:SigningSecret</c>. A missing secret rejects every request of that source.
/// </summary>
public sealed class WebhookSecrets
{
    /// <summary>The Shopify app's client secret (signs <c>X-Shopify-Hmac-Sha256</c>).</summary>
    public string? ShopifySecret { get; set; }

    /// <summary>The secret set on the WooCommerce webhook (signs <c>X-WC-Webhook-Signature</c>).</summary>
    public string? WooCommerceSecret { get; set; }

    /// <summary>The secret that signs generic API calls (<c>X-Loyalty-Signature</c>).</summary>
    public string? ApiSigningSecret { get; set; }
}

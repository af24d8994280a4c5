using Loyalty.App.Configuration;
using Loyalty.Core;
using Microsoft.Extensions.Configuration;

namespace Loyalty.App.Rewards;

/// <summary>
/// Shopify's Admin GraphQL API through a custom app (<c>Loyalty:Shopify</c>); on when
/// <see cref="ShopUrl"/> and <see cref="AccessToken"/> are set.
/// </summary>
public sealed class ShopifyAdminOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Shopify";

    /// <summary>The shop's admin address, <c>https://{shop}.myshopify.com</c>.</summary>
    public string? ShopUrl { get; set; }

    /// <summary>The Admin API version the requests are written against.</summary>
    public string AdminApiVersion { get; set; } = "2025-01";

    /// <summary>The custom app's Admin API access token (<c>X-Shopify-Access-Token</c>; a Key Vault reference in Azure).</summary>
    public string? AccessToken { get; set; }

    /// <summary>The GraphQL endpoint.</summary>
    public Uri Endpoint => new($"{ShopUrl!.TrimEnd('/')}/admin/api/{AdminApiVersion}/graphql.json");
}

/// <summary>WooCommerce's REST API (<c>Loyalty:WooCommerce</c>); on when the address and both keys are set.</summary>
public sealed class WooCommerceApiOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:WooCommerce";

    /// <summary>The shop's address, e.g. <c>https://tea-shop.example</c>; the API is under <c>/wp-json/wc/v3/</c>.</summary>
    public string? StoreUrl { get; set; }

    /// <summary>REST API consumer key (<c>ck_...</c>), HTTP Basic user name.</summary>
    public string? ConsumerKey { get; set; }

    /// <summary>REST API consumer secret (<c>cs_...</c>), HTTP Basic password.</summary>
    public string? ConsumerSecret { get; set; }

    /// <summary>The address of one API resource.</summary>
    public Uri Resource(string path) => new($"{StoreUrl!.TrimEnd('/')}/wp-json/wc/v3/{path}");
}

/// <summary>The <c>reward.redeemed</c> webhook to any other shop (<c>Loyalty:RewardWebhook</c>); on when <see cref="Url"/> is set.</summary>
public sealed class RewardWebhookOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:RewardWebhook";

    /// <summary>Where each redemption is POSTed.</summary>
    public string? Url { get; set; }

    /// <summary>The key of <c>X-Loyalty-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.</summary>
    public string? Secret { get; set; }
}

/// <summary>How the discount dispatcher runs (<c>Loyalty:Discounts</c>).</summary>
public sealed class DiscountOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Discounts";

    /// <summary>Seconds a redemption waits for the shop before answering 202 (the code is on its way).</summary>
    public double WaitSeconds { get; set; } = 5;

    /// <summary>Seconds one call to the shop may take.</summary>
    public double TimeoutSeconds { get; set; } = 20;

    /// <summary>Due discounts a dispatcher run takes at most.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Problems with the discount settings, each naming its setting (never a value).</summary>
    public IReadOnlyList<string> Validate(ShopifyAdminOptions shopify, WooCommerceApiOptions woo, RewardWebhookOptions webhook)
    {
        ArgumentNullException.ThrowIfNull(shopify);
        ArgumentNullException.ThrowIfNull(woo);
        ArgumentNullException.ThrowIfNull(webhook);
        var errors = new List<string>(SecretRules.Problems([
            (ShopifyAdminOptions.Section + ":AccessToken", shopify.AccessToken),
            (WooCommerceApiOptions.Section + ":ConsumerKey", woo.ConsumerKey),
            (WooCommerceApiOptions.Section + ":ConsumerSecret", woo.ConsumerSecret),
            (RewardWebhookOptions.Section + ":Secret", webhook.Secret),
        ]));
        foreach (var (setting, value) in new[] { (ShopifyAdminOptions.Section + ":ShopUrl", shopify.ShopUrl), (WooCommerceApiOptions.Section + ":StoreUrl", woo.StoreUrl), (RewardWebhookOptions.Section + ":Url", webhook.Url) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !IsSafeUrl(value))
            {
                errors.Add($"{setting}: an absolute https URL (http only to this machine).");
            }
        }

        if (!string.IsNullOrWhiteSpace(shopify.ShopUrl) && !SecretRules.IsUsable(shopify.AccessToken))
        {
            errors.Add($"{ShopifyAdminOptions.Section}:AccessToken: required when {ShopifyAdminOptions.Section}:ShopUrl is set.");
        }

        if (shopify.AdminApiVersion is not { Length: 7 } version || !DateOnly.TryParseExact(version + "-01", "yyyy-MM-dd", out _))
        {
            errors.Add($"{ShopifyAdminOptions.Section}:AdminApiVersion: a Shopify API version, yyyy-MM (2025-01).");
        }

        if (!string.IsNullOrWhiteSpace(woo.StoreUrl) && !(SecretRules.IsUsable(woo.ConsumerKey) && SecretRules.IsUsable(woo.ConsumerSecret)))
        {
            errors.Add($"{WooCommerceApiOptions.Section}:ConsumerKey and ConsumerSecret: required when {WooCommerceApiOptions.Section}:StoreUrl is set.");
        }

        if (!string.IsNullOrWhiteSpace(webhook.Url) && !SecretRules.IsUsable(webhook.Secret))
        {
            errors.Add($"{RewardWebhookOptions.Section}:Secret: required when {RewardWebhookOptions.Section}:Url is set.");
        }

        if (WaitSeconds is < 0 or > 25)
        {
            errors.Add($"{Section}:WaitSeconds: 0 to 25.");
        }

        if (TimeoutSeconds is < 1 or > 120)
        {
            errors.Add($"{Section}:TimeoutSeconds: 1 to 120.");
        }

        if (BatchSize is < 1 or > 1000)
        {
            errors.Add($"{Section}:BatchSize: 1 to 1000.");
        }

        return errors;
    }

    // Keys travel in headers (HTTP Basic for WooCommerce): https, or plain http to this machine only.
    private static bool IsSafeUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback));
}

/// <summary>Reads the pure discount rules of Core from <c>Loyalty:Discounts</c> and the channel settings.</summary>
public static class DiscountSettings
{
    /// <summary>The rules, with each channel on where its settings are set.</summary>
    public static DiscountRules ReadRules(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(DiscountOptions.Section);
        var defaults = new DiscountRules();
        return defaults with
        {
            MaxAttempts = section.GetValue<int?>("MaxAttempts") ?? defaults.MaxAttempts,
            RetryDelay = section.GetValue<double?>("RetryDelaySeconds") is { } retry ? TimeSpan.FromSeconds(retry) : defaults.RetryDelay,
            CreateLease = section.GetValue<double?>("CreateLeaseSeconds") is { } lease ? TimeSpan.FromSeconds(lease) : defaults.CreateLease,
            ValidityDays = section.GetValue<int?>("ValidityDays") ?? defaults.ValidityDays,
            RefundExpired = section.GetValue<bool?>("RefundExpired") ?? defaults.RefundExpired,
            Shopify = Set(configuration, ShopifyAdminOptions.Section + ":ShopUrl"),
            WooCommerce = Set(configuration, WooCommerceApiOptions.Section + ":StoreUrl"),
            Webhook = Set(configuration, RewardWebhookOptions.Section + ":Url"),
        };
    }

    private static bool Set(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}

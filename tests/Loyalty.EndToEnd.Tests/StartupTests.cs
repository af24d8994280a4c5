using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A bad setting stops the local host at start with a message that names it.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Loyalty__Program__Currency", "usd", "Loyalty:Program:Currency")]
    [InlineData("Loyalty__Program__TimeZone", "Mars/Olympus_Mons", "Loyalty:Program:TimeZone")]
    [InlineData("Loyalty__Program__Rewards__0__PointsCost", "0", "Loyalty:Program:Rewards[0].PointsCost")]
    [InlineData("Loyalty__Program__Rewards__0__Tiers__0", "platinum", "Loyalty:Program:Rewards[0].Tiers")]
    [InlineData("Loyalty__Program__Rewards__0__GlobalLimit", "0", "Loyalty:Program:Rewards[0].GlobalLimit")]
    [InlineData("Loyalty__Local__QueueBatchSize", "64", "Loyalty:Local:QueueBatchSize")]
    [InlineData("Loyalty__Processing__MaxAttempts", "0", "Loyalty:Processing:MaxAttempts")]

    // A Key Vault reference App Service could not resolve stays as its own text, which can be
    // worked out from the app's name: it must never become the secret.
    [InlineData("Loyalty__Webhooks__ShopifySecret", "@Microsoft.KeyVault(SecretUri=https://kv-abc123.vault.azure.net/secrets/shopify-webhook-secret)", "Loyalty:Webhooks:ShopifySecret")]
    [InlineData("Loyalty__Webhooks__WooCommerceSecret", "@Microsoft.KeyVault(VaultName=kv-abc123;SecretName=woocommerce-webhook-secret)", "Loyalty:Webhooks:WooCommerceSecret")]
    [InlineData("Loyalty__Api__SigningSecret", "@Microsoft.KeyVault(SecretUri=https://kv-abc123.vault.azure.net/secrets/api-signing-secret)", "Loyalty:Api:SigningSecret")]
    [InlineData("Loyalty__AdminKey", "@Microsoft.KeyVault(SecretUri=https://kv-abc123.vault.azure.net/secrets/admin-key)", "Loyalty:AdminKey")]
    [InlineData("Loyalty__StorefrontKey", "@Microsoft.KeyVault(SecretUri=https://kv-abc123.vault.azure.net/secrets/storefront-key)", "Loyalty:StorefrontKey")]
    [InlineData("Loyalty__Webhooks__ShopifyPreviousSecret", "@Microsoft.KeyVault(SecretUri=https://kv-abc123.vault.azure.net/secrets/shopify-webhook-secret-previous)", "Loyalty:Webhooks:ShopifyPreviousSecret")]

    // Shorter than 16 bytes: guessable.
    [InlineData("Loyalty__Webhooks__ShopifySecret", "shpss_123456789", "Loyalty:Webhooks:ShopifySecret")]
    [InlineData("Loyalty__AdminKey", "admin", "Loyalty:AdminKey")]
    [InlineData("Loyalty__Api__PreviousSigningSecret", "old-secret", "Loyalty:Api:PreviousSigningSecret")]

    // The storefront key must not be the admin key, or the storefront holds the key that mints.
    [InlineData("Loyalty__StorefrontKey", LocalHost.AdminKey, "Loyalty:AdminKey")]
    public async Task A_bad_setting_stops_start_up_naming_the_setting(string variable, string value, string named)
    {
        var settings = new Dictionary<string, string> { [variable] = value };
        if (variable.Contains("Rewards", StringComparison.Ordinal))
        {
            settings["Loyalty__Program__Rewards__0__Id"] = "r1";
            settings["Loyalty__Program__Rewards__0__Name"] = "Reward";
            settings["Loyalty__Program__Rewards__0__Kind"] = "Gift";
            settings.TryAdd("Loyalty__Program__Rewards__0__PointsCost", "10");
        }

        // Nothing listens on this storage endpoint: the host must stop on the setting before it needs storage.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LocalHost.StartAsync("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9", settings, TestContext.Current.CancellationToken));

        Assert.Contains("exited during start", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}

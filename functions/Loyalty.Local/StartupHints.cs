using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Intake;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Loyalty.Local;

/// <summary>Prints what to try once the host listens: a signed sample webhook and the member URLs.</summary>
public sealed class StartupHints(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<WebhookSecrets> secrets,
    IOptions<LoyaltyOptions> options,
    IOptions<LocalOptions> local,
    IHostEnvironment environment) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (local.Value.PrintHints)
        {
            lifetime.ApplicationStarted.Register(Print);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        var sample = Path.Combine(environment.ContentRootPath, "samples", "shopify-orders-paid.json");
        var storefront = ShownKey(options.Value.StorefrontKey, LoyaltyOptions.StorefrontKeySetting);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"Loyalty is running at {address}");
        text.AppendLine($"  Program:  curl {address}/api/program");
        if (File.Exists(sample) && !string.IsNullOrEmpty(secrets.Value.ShopifySecret))
        {
            var signature = Signatures.ComputeBase64(File.ReadAllBytes(sample), secrets.Value.ShopifySecret);
            // The source copy of the sample has the same bytes; name it from the repository root.
            var relative = "functions/Loyalty.Local/samples/shopify-orders-paid.json";
            text.AppendLine("  A signed Shopify orders/paid webhook (from the repository root):");
            text.AppendLine($"    curl -i -X POST {address}/api/webhooks/shopify -H 'Content-Type: application/json' \\");
            text.AppendLine($"      -H 'X-Shopify-Topic: orders/paid' -H 'X-Shopify-Shop-Domain: demo-shop.myshopify.com' \\");
            text.AppendLine($"      -H 'X-Shopify-Hmac-Sha256: {signature}' --data-binary @{relative}");
            text.AppendLine($"    then: curl -H 'x-functions-key: {storefront}' {address}/api/members/shopify-7001");
        }

        if (local.Value.SeedDemo)
        {
            text.AppendLine($"  Demo members ({DemoSeed.MemberIds.Count}, all of them in the console):");
            foreach (var id in DemoSeed.MemberIds.Take(3))
            {
                text.AppendLine($"    curl -H 'x-functions-key: {storefront}' {address}/api/members/{id}");
            }
        }

        if (string.IsNullOrEmpty(options.Value.StorefrontKey))
        {
            text.AppendLine("  Loyalty:StorefrontKey is not set: member reads, redemptions and benefit uses need the admin key.");
        }

        if (string.IsNullOrEmpty(options.Value.AdminKey))
        {
            text.AppendLine("  Loyalty:AdminKey is not set: adjustments and admin routes answer 401.");
        }
        else
        {
            var admin = ShownKey(options.Value.AdminKey, LoyaltyOptions.AdminKeySetting);
            text.AppendLine($"  Admin routes take the admin key only as a header: -H 'x-functions-key: {admin}'.");
            text.AppendLine($"  Owner's console: {address}/console (sign in with the admin key: {admin})");
            text.AppendLine($"    members list as JSON: curl -H 'x-functions-key: {admin}' '{address}/api/members?q=ada'");
        }

        Console.WriteLine(text.ToString());
    }

    // The development keys ship in appsettings.json, so the hints may print them and the curls
    // work as printed; a key set anywhere else (environment, user secrets) is real and never printed.
    private string ShownKey(string? key, string setting)
    {
        var shipped = new ConfigurationBuilder()
            .SetBasePath(environment.ContentRootPath)
            .AddJsonFile("appsettings.json", optional: true)
            .Build()[setting];
        return !string.IsNullOrEmpty(key) && key == shipped ? key : $"<{setting}>";
    }
}

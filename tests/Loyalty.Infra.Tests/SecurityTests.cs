using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Loyalty.App.Configuration;
using Loyalty.Storage;
using Xunit;

namespace Loyalty.Infra.Tests;

/// <summary>The template keeps keys off, telemetry authenticated, secrets in a protected vault and the identity's roles in place.</summary>
public sealed partial class SecurityTests
{
    [Fact]
    public void Storage_account_refuses_keys_public_blobs_and_old_TLS()
    {
        var properties = CompiledTemplate.Single("Microsoft.Storage/storageAccounts")["properties"]!;
        Assert.False(CompiledTemplate.Bool(properties["allowSharedKeyAccess"]));
        Assert.False(CompiledTemplate.Bool(properties["allowBlobPublicAccess"]));
        Assert.Equal("TLS1_2", CompiledTemplate.Str(properties["minimumTlsVersion"]));
        Assert.True(CompiledTemplate.Bool(properties["supportsHttpsTrafficOnly"]));
    }

    [Fact]
    public void Deleted_blobs_and_containers_can_be_restored()
    {
        var properties = CompiledTemplate.Single("Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
        Assert.True(CompiledTemplate.Bool(properties["deleteRetentionPolicy"]?["enabled"]));
        Assert.True(CompiledTemplate.Bool(properties["containerDeleteRetentionPolicy"]?["enabled"]));
    }

    [Fact]
    public void Storage_holds_the_tables_and_both_queues()
    {
        // One table for each table setting of StorageOptions.
        var tableSettings = typeof(StorageOptions).GetProperties().Count(p => p.Name.EndsWith("Table", StringComparison.Ordinal));
        Assert.Equal(tableSettings, CompiledTemplate.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").Count);
        Assert.Equal(2, CompiledTemplate.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").Count);
        // The deployment package's container, and the Functions host's (one resource looping over them).
        Assert.Equal(2, CompiledTemplate.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Count);
    }

    [Fact]
    public void Application_Insights_accepts_only_Entra_authenticated_telemetry()
    {
        var properties = CompiledTemplate.Single("Microsoft.Insights/components")["properties"]!;
        Assert.True(CompiledTemplate.Bool(properties["DisableLocalAuth"]));
        var authentication = CompiledTemplate.Str(CompiledTemplate.AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Contains("Authorization=AAD", authentication, StringComparison.Ordinal);
        Assert.Contains("ClientId=", authentication, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_Vault_uses_RBAC_soft_delete_and_purge_protection()
    {
        var properties = CompiledTemplate.Single("Microsoft.KeyVault/vaults")["properties"]!;
        Assert.True(CompiledTemplate.Bool(properties["enableRbacAuthorization"]));
        Assert.True(CompiledTemplate.Bool(properties["enableSoftDelete"]));
        Assert.True(CompiledTemplate.Bool(properties["enablePurgeProtection"]));
    }

    [Theory]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts")] // Storage Queue Data Contributor
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts")] // Storage Table Data Contributor
    [InlineData("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults")] // Key Vault Secrets User
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")] // Monitoring Metrics Publisher
    public void The_apps_identity_holds_each_role_it_needs_on_the_right_resource(string roleId, string scopeType)
    {
        // rbac.bicep names the role ids in a variable; the compiled assignment refers to it.
        var roles = CompiledTemplate.Module("rbac")["variables"]!["roles"]!.AsObject();
        string? RoleOf(JsonObject assignment)
        {
            var text = CompiledTemplate.Str(assignment["properties"]!["roleDefinitionId"]) ?? string.Empty;
            var variable = RoleVariable().Match(text);
            return variable.Success ? CompiledTemplate.Str(roles[variable.Groups[1].Value]) : text;
        }

        var assignments = CompiledTemplate.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => RoleOf(a)?.Contains(roleId, StringComparison.OrdinalIgnoreCase) == true)
            .Where(a => CompiledTemplate.Str(a["properties"]!["principalId"]) == "[parameters('identityPrincipalId')]")
            .ToList();
        var assignment = Assert.Single(assignments);
        Assert.Equal("ServicePrincipal", CompiledTemplate.Str(assignment["properties"]!["principalType"]));
        Assert.StartsWith("[guid(", CompiledTemplate.Str(assignment["name"]), StringComparison.Ordinal);
        Assert.Contains(scopeType, CompiledTemplate.Str(assignment["scope"]), StringComparison.OrdinalIgnoreCase);

        // The module's principal is the user-assigned identity's.
        var rbac = CompiledTemplate.OfType("Microsoft.Resources/deployments").Single(d => CompiledTemplate.Str(d["name"]) == "rbac");
        var principal = CompiledTemplate.Str(rbac["properties"]!["parameters"]!["identityPrincipalId"]!["value"]);
        Assert.Contains("'identity'", principal, StringComparison.Ordinal);
        Assert.Contains("principalId", principal, StringComparison.Ordinal);
    }

    [Fact]
    public void Functions_host_storage_is_identity_based_and_no_account_key_is_anywhere()
    {
        var settings = CompiledTemplate.AppSettings;
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage would be a connection string");
        Assert.Equal("managedidentity", CompiledTemplate.Str(settings["AzureWebJobsStorage__credential"]));
        // The host and the service sign in as the same user-assigned identity.
        Assert.Equal("[parameters('identityClientId')]", CompiledTemplate.Str(settings["AzureWebJobsStorage__clientId"]));
        Assert.Equal("[parameters('identityClientId')]", CompiledTemplate.Str(settings[SettingsCatalog.Name("Loyalty:Storage", "ManagedIdentityClientId")]));
        Assert.NotNull(CompiledTemplate.Str(settings["AzureWebJobsStorage__accountName"]));
        Assert.False(settings.ContainsKey(SettingsCatalog.Name("Loyalty:Storage", "ConnectionString")));
        Assert.DoesNotContain("AccountKey", CompiledTemplate.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", CompiledTemplate.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Function_app_runs_on_Flex_Consumption_with_the_user_assigned_identity()
    {
        var plan = CompiledTemplate.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", CompiledTemplate.Str(plan["sku"]!["name"]));
        Assert.True(CompiledTemplate.Bool(plan["properties"]!["reserved"]), "a Linux plan");

        var site = CompiledTemplate.Single("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", CompiledTemplate.Str(site["kind"]));
        Assert.Equal("UserAssigned", CompiledTemplate.Str(site["identity"]!["type"]));
        var properties = site["properties"]!;
        Assert.True(CompiledTemplate.Bool(properties["httpsOnly"]));
        Assert.Equal("Disabled", CompiledTemplate.Str(properties["siteConfig"]!["ftpsState"]));
        Assert.Equal("[parameters('identityId')]", CompiledTemplate.Str(properties["keyVaultReferenceIdentity"]));

        var config = properties["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", CompiledTemplate.Str(config["runtime"]!["name"]));
        Assert.Equal("10.0", CompiledTemplate.Str(config["runtime"]!["version"]));
        var authentication = config["deployment"]!["storage"]!["authentication"]!;
        Assert.Equal("UserAssignedIdentity", CompiledTemplate.Str(authentication["type"]));
        Assert.Equal("[parameters('identityId')]", CompiledTemplate.Str(authentication["userAssignedIdentityResourceId"]));
        Assert.NotNull(config["scaleAndConcurrency"]?["maximumInstanceCount"]);
    }

    [Fact]
    public void Azd_finds_the_outputs_it_needs()
    {
        var outputs = CompiledTemplate.Root["outputs"]!.AsObject();
        foreach (var name in new[] { "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_FUNCTION_APP_NAME", "AZURE_KEY_VAULT_NAME", "SHOPIFY_WEBHOOK_URL", "WOOCOMMERCE_WEBHOOK_URL" })
        {
            Assert.True(outputs.ContainsKey(name), "missing output " + name);
        }

        Assert.StartsWith("[format('{0}/api/webhooks/shopify'", CompiledTemplate.Str(outputs["SHOPIFY_WEBHOOK_URL"]!["value"]), StringComparison.Ordinal);
        Assert.StartsWith("[format('{0}/api/webhooks/woocommerce'", CompiledTemplate.Str(outputs["WOOCOMMERCE_WEBHOOK_URL"]!["value"]), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"variables\('roles'\)\.(\w+)")]
    private static partial Regex RoleVariable();
}

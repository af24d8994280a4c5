using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Loyalty.Testing;
using Xunit;

namespace Loyalty.Infra.Tests;

/// <summary>
/// Every Key Vault reference of the app names a secret the deployment always creates; the blob
/// role reaches only the app's containers; private networking is a parameter, off by default.
/// </summary>
public sealed partial class SecretsAndNetworkTests
{
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";

    [Fact]
    public void Every_Key_Vault_reference_names_a_secret_that_azd_and_a_first_plain_deployment_always_write()
    {
        // An unresolved reference stays as its own text, which the app refuses: each one must
        // name a vault secret that azd always passes (read back, or random the first time) and
        // that a plain deployment writes with createMissingSecrets.
        var vault = CompiledTemplate.Module("keyvault");
        var names = vault["variables"]!["names"]!.AsObject();
        var uris = vault["outputs"]!["secretUris"]!["value"]!.AsObject();
        var secrets = CompiledTemplate.OfType("Microsoft.KeyVault/vaults/secrets");
        var azdParameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var references = CompiledTemplate.AppSettings
            .Select(p => (p.Key, Value: CompiledTemplate.Str(p.Value) ?? string.Empty))
            .Where(p => p.Value.Contains("@Microsoft.KeyVault(", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(17, references.Count);

        foreach (var (setting, value) in references)
        {
            var uriKey = UriKey().Match(value).Groups[1].Value;
            var nameKey = NameKey().Match(CompiledTemplate.Str(uris[uriKey]) ?? string.Empty).Groups[1].Value;
            Assert.True(names.ContainsKey(nameKey), $"{setting}: the vault module names no secret '{uriKey}'");
            var secretName = CompiledTemplate.Str(names[nameKey]);

            var secret = secrets.SingleOrDefault(s => CompiledTemplate.Str(s["name"])!.Contains($"variables('names').{nameKey})", StringComparison.Ordinal));
            Assert.True(secret is not null, $"{setting}: no vault secret {secretName} is written");
            Assert.Equal($"[or(not(empty(parameters('{nameKey}'))), parameters('createMissingSecrets'))]", CompiledTemplate.Str(secret!["condition"]));

            // A value under 16 bytes (azd generates 15 characters) gets random characters after it.
            var written = CompiledTemplate.Str(secret["properties"]!["value"]);
            Assert.StartsWith($"[if(less(length(parameters('{nameKey}')), 16), format('{{0}}{{1}}', parameters('{nameKey}'), variables('random')[", written, StringComparison.Ordinal);

            Assert.Equal($"$(secretOrRandomPassword ${{AZURE_KEY_VAULT_NAME}} {secretName})", azdParameters[nameKey]?["value"]?.GetValue<string>());
        }

        // The random material: one distinct slice of two GUIDs per secret.
        var random = vault["variables"]!["copy"]!.AsArray().Single(c => CompiledTemplate.Str(c!["name"]) == "random")!;
        Assert.Equal("[length(range(0, 17))]", CompiledTemplate.Str(random["count"]));
        Assert.Equal(34, Regex.Count(CompiledTemplate.Str(vault["parameters"]!["randomness"]!["defaultValue"])!, "newGuid\\(\\)"));
        Assert.Equal(false, CompiledTemplate.Bool(CompiledTemplate.Root["parameters"]!["createMissingSecrets"]!["defaultValue"]));
    }

    [Fact]
    public void The_blob_role_is_scoped_to_the_deployment_and_host_containers_only()
    {
        var blobRoles = CompiledTemplate.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => CompiledTemplate.Str(a["properties"]!["roleDefinitionId"])!.Contains("storageBlobDataOwner", StringComparison.Ordinal))
            .ToList();
        var role = Assert.Single(blobRoles);
        Assert.Equal(BlobDataOwner, CompiledTemplate.Str(CompiledTemplate.Module("rbac")["variables"]!["roles"]!["storageBlobDataOwner"]));
        Assert.Equal("[length(parameters('blobContainerNames'))]", CompiledTemplate.Str(role["copy"]!["count"]));
        Assert.Equal(
            "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', parameters('blobContainerNames')[copyIndex()])]",
            CompiledTemplate.Str(role["scope"]));

        // The containers are the deployment package's and the Functions host's, each created by the template.
        var rbac = CompiledTemplate.OfType("Microsoft.Resources/deployments").Single(d => CompiledTemplate.Str(d["name"]) == "rbac");
        var containers = CompiledTemplate.Str(rbac["properties"]!["parameters"]!["blobContainerNames"]!["value"]);
        Assert.Contains("deploymentContainerName", containers, StringComparison.Ordinal);
        Assert.Contains("hostContainerNames", containers, StringComparison.Ordinal);
        var hostContainers = CompiledTemplate.Module("storage")["variables"]!["hostContainerNames"]!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(["azure-webjobs-hosts", "azure-webjobs-secrets"], hostContainers);
    }

    [Fact]
    public void Public_network_access_stays_open_by_default_and_private_networking_closes_it()
    {
        Assert.Equal(false, CompiledTemplate.Bool(CompiledTemplate.Root["parameters"]!["privateNetworking"]!["defaultValue"]));

        var storage = CompiledTemplate.Single("Microsoft.Storage/storageAccounts")["properties"]!;
        Assert.Equal("[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]", CompiledTemplate.Str(storage["publicNetworkAccess"]));
        Assert.Equal("[if(parameters('privateNetworking'), 'Deny', 'Allow')]", CompiledTemplate.Str(storage["networkAcls"]!["defaultAction"]));

        var vault = CompiledTemplate.Single("Microsoft.KeyVault/vaults")["properties"]!;
        Assert.Equal("[if(and(parameters('privateNetworking'), empty(parameters('allowedIpAddresses'))), 'Disabled', 'Enabled')]", CompiledTemplate.Str(vault["publicNetworkAccess"]));
        Assert.Equal("[if(parameters('privateNetworking'), 'Deny', 'Allow')]", CompiledTemplate.Str(vault["networkAcls"]!["defaultAction"]));

        // Each module gets the main template's switch.
        foreach (var module in new[] { "storage", "keyvault" })
        {
            var deployment = CompiledTemplate.OfType("Microsoft.Resources/deployments").Single(d => CompiledTemplate.Str(d["name"]) == module);
            Assert.Equal("[parameters('privateNetworking')]", CompiledTemplate.Str(deployment["properties"]!["parameters"]!["privateNetworking"]!["value"]));
        }
    }

    [Fact]
    public void Private_networking_adds_endpoints_for_blob_queue_table_and_vault_and_integrates_the_app()
    {
        var network = CompiledTemplate.OfType("Microsoft.Resources/deployments").Single(d => CompiledTemplate.Str(d["name"]) == "network");
        Assert.Equal("[parameters('privateNetworking')]", CompiledTemplate.Str(network["condition"]));

        var template = CompiledTemplate.Module("network");
        var endpoints = template["variables"]!["endpoints"]!.AsArray();
        Assert.Equal(["blob", "queue", "table", "vault"], endpoints.Select(e => CompiledTemplate.Str(e!["name"])));
        Assert.All(endpoints, e => Assert.Contains("privatelink.", CompiledTemplate.Str(e!["zone"]), StringComparison.Ordinal));
        Assert.Equal("[length(variables('endpoints'))]", CompiledTemplate.Str(CompiledTemplate.Single("Microsoft.Network/privateEndpoints")["copy"]!["count"]));
        Assert.Equal("[length(variables('endpoints'))]", CompiledTemplate.Str(CompiledTemplate.Single("Microsoft.Network/privateDnsZones")["copy"]!["count"]));
        Assert.Equal("[length(variables('endpoints'))]", CompiledTemplate.Str(CompiledTemplate.Single("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")["copy"]!["count"]));
        Assert.Equal("[length(variables('endpoints'))]", CompiledTemplate.Str(CompiledTemplate.Single("Microsoft.Network/privateDnsZones/virtualNetworkLinks")["copy"]!["count"]));

        // Flex Consumption integrates with a subnet delegated to Microsoft.App/environments.
        var subnets = CompiledTemplate.Single("Microsoft.Network/virtualNetworks")["properties"]!["subnets"]!.AsArray();
        var app = subnets.Single(s => CompiledTemplate.Str(s!["name"]) == "app")!;
        Assert.Equal("Microsoft.App/environments", CompiledTemplate.Str(app["properties"]!["delegations"]![0]!["properties"]!["serviceName"]));

        var site = CompiledTemplate.Single("Microsoft.Web/sites")["properties"]!;
        Assert.Equal("[if(not(empty(parameters('virtualNetworkSubnetId'))), parameters('virtualNetworkSubnetId'), null())]", CompiledTemplate.Str(site["virtualNetworkSubnetId"]));
        var api = CompiledTemplate.OfType("Microsoft.Resources/deployments").Single(d => CompiledTemplate.Str(d["name"]) == "api");
        var parameter = api["properties"]!["parameters"]!["virtualNetworkSubnetId"];
        var subnet = CompiledTemplate.Str(parameter) ?? CompiledTemplate.Str(parameter?["value"]);
        Assert.Contains("parameters('privateNetworking')", subnet, StringComparison.Ordinal);
        Assert.Contains("appSubnetId", subnet, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"parameters\('secretUris'\)\.(\w+)")]
    private static partial Regex UriKey();

    [GeneratedRegex(@"variables\('names'\)\.(\w+)")]
    private static partial Regex NameKey();
}

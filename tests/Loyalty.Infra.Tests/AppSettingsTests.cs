using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Loyalty.App;
using Loyalty.App.Configuration;
using Loyalty.Testing;
using Xunit;

namespace Loyalty.Infra.Tests;

/// <summary>The function app's settings in the compiled template and in local.settings.sample.json match the catalogue.</summary>
public sealed partial class AppSettingsTests
{
    [Fact]
    public void Every_setting_the_catalogue_requires_in_Azure_is_an_app_setting()
    {
        var settings = CompiledTemplate.AppSettings;
        var missing = SettingsCatalog.All.Where(s => s.InAzure && !settings.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        Assert.True(missing.Count == 0, "missing from the function app's settings in infra/app/api.bicep: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_app_setting_of_the_template_is_catalogued_for_Azure()
    {
        // Nothing unknown, and nothing that only local runs use (a storage connection string
        // next to the service URIs is refused at start, and Flex Consumption refuses
        // FUNCTIONS_WORKER_RUNTIME).
        var unexpected = CompiledTemplate.AppSettings
            .Select(p => p.Key)
            .Where(name => !SettingsCatalog.All.Any(s => s.Name == name && s.InAzure))
            .ToList();
        Assert.True(unexpected.Count == 0, "app settings not in SettingsCatalog for Azure: " + string.Join(", ", unexpected));
    }

    [Fact]
    public void Every_setting_the_catalogue_lists_for_local_runs_is_in_the_local_sample()
    {
        var missing = SettingsCatalog.All.Where(s => s.InLocalSample && !LocalSample.Values.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        Assert.True(missing.Count == 0, "missing from local.settings.sample.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void Timer_schedules_are_the_host_contracts_defaults_in_Azure_and_in_the_sample()
    {
        var settings = CompiledTemplate.AppSettings;
        Assert.All(HostContract.Timers, timer =>
        {
            Assert.Equal(timer.DefaultSchedule, CompiledTemplate.Str(settings[timer.ScheduleSetting]));
            Assert.Equal(timer.DefaultSchedule, LocalSample.Values[timer.ScheduleSetting]);
        });
    }

    [Fact]
    public void Max_attempts_match_the_hosts_max_dequeue_count()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!;
        var maxDequeueCount = host["extensions"]!["queues"]!["maxDequeueCount"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = SettingsCatalog.Name(ProcessingOptions.Section, nameof(ProcessingOptions.MaxAttempts));
        Assert.Equal(maxDequeueCount, CompiledTemplate.Str(CompiledTemplate.AppSettings[name]));
        Assert.Equal(maxDequeueCount, LocalSample.Values[name]);
    }

    [Fact]
    public void Every_secret_is_a_Key_Vault_reference()
    {
        // The value is an ARM expression, resolved at deployment; its text shows that the
        // setting is the reference format App Service resolves, around a secret URI.
        var settings = CompiledTemplate.AppSettings;
        var secrets = SettingsCatalog.All.Where(s => s.IsSecret && s.InAzure).ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, secret =>
        {
            var value = CompiledTemplate.Str(settings[secret.Name]);
            Assert.True(
                value?.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})', ", StringComparison.Ordinal) == true,
                $"{secret.Name} must be a Key Vault reference, not '{value}'");
        });
    }

    [Fact]
    public void No_app_setting_holds_a_plain_value_that_looks_like_a_credential()
    {
        foreach (var (name, node) in CompiledTemplate.AppSettings)
        {
            var value = CompiledTemplate.Str(node) ?? string.Empty;
            Assert.False(CredentialLike().IsMatch(value), $"{name} holds what looks like a credential");
            if (!value.StartsWith('['))
            {
                // A literal: it must not look like a generated key or a password.
                Assert.False(KeyLike().IsMatch(value), $"{name} = '{value}' looks like a key written as plain text");
                Assert.False(SecretName().IsMatch(name) && value.Length > 0, $"{name} sounds like a secret and is a plain value");
            }
        }
    }

    [Fact]
    public void Secret_parameters_are_secure_and_only_reach_the_vault()
    {
        var parameters = CompiledTemplate.Root["parameters"]!.AsObject();
        var secretParameters = new[]
        {
            "adminKey", "storefrontKey", "apiSigningSecret", "apiPreviousSigningSecret", "shopifyWebhookSecret",
            "shopifyPreviousWebhookSecret", "wooCommerceWebhookSecret", "wooCommercePreviousWebhookSecret", "smtpPassword", "directoryKey",
            "messageWebhookSecret", "messagingLinkSecret", "shopifyAccessToken", "wooCommerceConsumerKey", "wooCommerceConsumerSecret",
            "rewardWebhookSecret", "memberPageLinkSecret",
        };
        var vaultParameters = CompiledTemplate.Module("keyvault")["parameters"]!.AsObject();
        Assert.All(secretParameters, p =>
        {
            Assert.Equal("securestring", CompiledTemplate.Str(parameters[p]?["type"]));
            Assert.Equal("securestring", CompiledTemplate.Str(vaultParameters[p]?["type"]));
        });

        // Each vault secret is written from a parameter, and the function app's module gets no
        // secret parameter at all, only the secrets' URIs.
        var vaultSecrets = CompiledTemplate.OfType("Microsoft.KeyVault/vaults/secrets");
        Assert.Equal(secretParameters.Length, vaultSecrets.Count);
        Assert.All(vaultSecrets, s => Assert.Contains(secretParameters, p => CompiledTemplate.Str(s["properties"]!["value"])!.Contains($"parameters('{p}')", StringComparison.Ordinal)));
        var apiParameters = CompiledTemplate.Module("api")["parameters"]!.AsObject();
        Assert.DoesNotContain(apiParameters, p => CompiledTemplate.Str(p.Value?["type"]) == "securestring");
        Assert.All(secretParameters, p => Assert.False(apiParameters.ContainsKey(p), $"the app module takes {p}"));
    }

    [GeneratedRegex("AccountKey=|SharedAccessSignature|[?&]sig=|Password=|listKeys", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialLike();

    // 16+ characters of letters and digits (with - _ + / =), mixing both: a generated key.
    [GeneratedRegex(@"^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9\-_+/=]{16,}$")]
    private static partial Regex KeyLike();

    [GeneratedRegex("(Key|Secret|Password)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}

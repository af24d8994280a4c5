using System.Globalization;
using System.Reflection;
using Loyalty.App.Configuration;
using Loyalty.App.Intake;
using Loyalty.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Loyalty.Infra.Tests;

/// <summary>The settings catalogue says what the options classes really read.</summary>
public sealed class SettingsCatalogTests
{
    // The options classes whose every public settable property is a setting (the program's
    // settings are optional, each falling back to the demo program, so LoyaltyProgram is not here).
    private static readonly Type[] OptionsTypes = [typeof(StorageOptions), typeof(ProcessingOptions), typeof(IntakeOptions), typeof(LoyaltyOptions), typeof(WebhookSecrets),
        typeof(Loyalty.App.Messaging.SmtpOptions), typeof(Loyalty.App.Messaging.MessageWebhookOptions), typeof(Loyalty.App.Messaging.MessagingOptions),
        typeof(Loyalty.App.Rewards.ShopifyAdminOptions), typeof(Loyalty.App.Rewards.WooCommerceApiOptions), typeof(Loyalty.App.Rewards.RewardWebhookOptions), typeof(Loyalty.App.Rewards.DiscountOptions),
        typeof(Loyalty.App.MemberPage.MemberPageOptions)];

    // Example values of the settings only Azure has (the template holds expressions, not values).
    private static readonly Dictionary<string, string> AzureExamples = new(StringComparer.Ordinal)
    {
        [SettingsCatalog.Name(StorageOptions.SectionName, nameof(StorageOptions.TableServiceUri))] = "https://stexample.table.core.windows.net/",
        [SettingsCatalog.Name(StorageOptions.SectionName, nameof(StorageOptions.QueueServiceUri))] = "https://stexample.queue.core.windows.net/",
        [SettingsCatalog.Name(StorageOptions.SectionName, nameof(StorageOptions.ManagedIdentityClientId))] = "7d2c3f0e-5a3b-4c1d-9e8f-0a1b2c3d4e5f",
    };

    [Fact]
    public void Catalogue_names_are_unique_and_in_environment_variable_form()
    {
        Assert.Equal(SettingsCatalog.All.Count, SettingsCatalog.All.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(SettingsCatalog.All, s => Assert.DoesNotContain(":", s.Name, StringComparison.Ordinal));
        Assert.All(SettingsCatalog.All, s => Assert.True(s.InAzure || s.InLocalSample, s.Name + " is needed nowhere"));
    }

    [Fact]
    public void Every_public_settable_property_of_the_options_classes_is_a_catalogued_setting()
    {
        var missing = new List<string>();
        foreach (var type in OptionsTypes)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
            {
                var key = type.Name + "." + property.Name;
                var bound = SettingsCatalog.All.Any(s => s.BoundTo == type && s.Property == property.Name);
                if (!bound && !SettingsCatalog.NotSettings.ContainsKey(key))
                {
                    missing.Add(key);
                }
            }
        }

        Assert.True(missing.Count == 0, "options properties missing from SettingsCatalog: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_catalogued_binding_names_a_real_property()
    {
        Assert.All(SettingsCatalog.All.Where(s => s.BoundTo is not null), s =>
            Assert.True(s.BoundTo!.GetProperty(s.Property!) is not null, $"{s.Name}: {s.BoundTo.Name} has no property {s.Property}"));
    }

    [Fact]
    public void Each_catalogued_setting_of_the_local_sample_reaches_the_property_it_names()
    {
        using var services = Build(LocalSample.Values);
        AssertBindings(services, SettingsCatalog.All.Where(s => s.InLocalSample && s.BoundTo is not null), LocalSample.Values);
    }

    [Fact]
    public void Each_catalogued_Azure_setting_reaches_the_property_it_names()
    {
        var azure = AzureConfiguration();
        using var services = Build(azure);
        AssertBindings(services, SettingsCatalog.All.Where(s => s.InAzure && s.BoundTo is not null && azure.ContainsKey(s.Name)), azure);
    }

    [Fact]
    public void The_Azure_settings_satisfy_storage_validation_and_each_required_one_is_needed()
    {
        var azure = AzureConfiguration();
        using (var services = Build(azure))
        {
            Assert.NotNull(services.GetRequiredService<IOptions<StorageOptions>>().Value);
        }

        // Removing a service URI that the catalogue requires in Azure stops start-up, naming it.
        foreach (var name in new[] { nameof(StorageOptions.TableServiceUri), nameof(StorageOptions.QueueServiceUri) })
        {
            var setting = SettingsCatalog.Name(StorageOptions.SectionName, name);
            Assert.Contains(SettingsCatalog.All, s => s.Name == setting && s.InAzure);
            var without = azure.Where(p => p.Key != setting).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            using var services = Build(without);
            var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }

        // A local-only setting (the connection string) next to the Azure ones is refused too,
        // which is why the catalogue keeps it out of Azure.
        var connection = SettingsCatalog.All.Single(s => s.BoundTo == typeof(StorageOptions) && s.Property == nameof(StorageOptions.ConnectionString));
        Assert.False(connection.InAzure);
        var both = new Dictionary<string, string>(azure, StringComparer.Ordinal) { [connection.Name] = LocalSample.Values[connection.Name] };
        using (var services = Build(both))
        {
            Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        }
    }

    [Fact]
    public void Settings_named_like_secrets_are_marked_secret()
    {
        // The Application Insights connection string names a resource, not a credential: with
        // local auth off the resource accepts only Entra-authenticated telemetry.
        var secretLooking = SettingsCatalog.All.Where(s =>
            s.Name != "APPLICATIONINSIGHTS_CONNECTION_STRING" &&
            (s.Name.EndsWith("Key", StringComparison.OrdinalIgnoreCase) || s.Name.EndsWith("Secret", StringComparison.OrdinalIgnoreCase) ||
             s.Name.EndsWith("Password", StringComparison.OrdinalIgnoreCase) || s.Name.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase)));
        Assert.All(secretLooking, s => Assert.True(s.IsSecret, s.Name + " looks like a secret but is not marked as one"));
    }

    // The local sample without what only local runs use, plus Azure's own settings.
    private static Dictionary<string, string> AzureConfiguration()
    {
        var azure = LocalSample.Values
            .Where(p => SettingsCatalog.All.Any(s => s.Name == p.Key && s.InAzure))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (name, value) in AzureExamples)
        {
            azure[name] = value;
        }

        return azure;
    }

    private static ServiceProvider Build(IReadOnlyDictionary<string, string> settings)
    {
        // Environment variables map __ to : the same way.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLoyalty(configuration);
        return services.BuildServiceProvider();
    }

    private static void AssertBindings(IServiceProvider services, IEnumerable<SettingInfo> settings, IReadOnlyDictionary<string, string> values)
    {
        var checkedAny = false;
        foreach (var setting in settings)
        {
            checkedAny = true;
            var target = Resolve(services, setting.BoundTo!);
            var actual = setting.BoundTo!.GetProperty(setting.Property!)!.GetValue(target);
            var expected = values[setting.Name];
            Assert.True(
                string.Equals(Convert.ToString(actual, CultureInfo.InvariantCulture), expected, StringComparison.OrdinalIgnoreCase),
                $"{setting.Name} = '{expected}' should reach {setting.BoundTo.Name}.{setting.Property}, which is '{actual}'");
        }

        Assert.True(checkedAny, "no setting was checked");
    }

    private static object Resolve(IServiceProvider services, Type type)
    {
        // IOptions<T> resolves for any class, so only the options types are read through it;
        // the program is a singleton of its own.
        if (!OptionsTypes.Contains(type))
        {
            return services.GetRequiredService(type);
        }

        var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
        return options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options)!;
    }
}

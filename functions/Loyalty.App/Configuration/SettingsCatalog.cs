using Loyalty.App.Intake;
using Loyalty.App.MemberPage;
using Loyalty.App.Messaging;
using Loyalty.App.Rewards;
using Loyalty.Core;
using Loyalty.Storage;

namespace Loyalty.App.Configuration;

/// <summary>
/// One app setting of the function app, named as an environment variable (<c>__</c> for <c>:</c>).
/// </summary>
/// <param name="Name">The setting's name, e.g. <c>Loyalty__AdminKey</c>.</param>
/// <param name="IsSecret">True when the value must never be written as plain text (a Key Vault reference in Azure).</param>
/// <param name="InAzure">True when the deployment (infra/app/api.bicep) must set it.</param>
/// <param name="InLocalSample">True when <c>local.settings.sample.json</c> must list it.</param>
/// <param name="BoundTo">The options type that reads it, when one does (null for host settings).</param>
/// <param name="Property">The property of <paramref name="BoundTo"/> that receives it.</param>
public sealed record SettingInfo(string Name, bool IsSecret, bool InAzure, bool InLocalSample, Type? BoundTo = null, string? Property = null)
{
    /// <summary>The configuration key (<c>Loyalty:AdminKey</c>).</summary>
    public string ConfigurationKey => Name.Replace("__", ":", StringComparison.Ordinal);
}

/// <summary>
/// Every setting the function app reads, built from the names the options classes and the host
/// contract define, so the deployment template and <c>local.settings.sample.json</c> can be
/// checked against the code (tests/Loyalty.Infra.Tests).
/// </summary>
public static class SettingsCatalog
{
    /// <summary>The SMTP section of the message dispatcher; its password is a Key Vault secret.</summary>
    public const string SmtpSection = SmtpOptions.Section;

    /// <summary>
    /// Public settable options properties that are deliberately not settings of their own,
    /// with the reason; every other such property must be bound by a catalogue entry.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NotSettings { get; } = new Dictionary<string, string>
    {
        [nameof(StorageOptions) + "." + nameof(StorageOptions.EventsQueue)] = "set from the top-level EventsQueue setting, the one the function app's %EventsQueue% binding reads",
        [nameof(StorageOptions) + "." + nameof(StorageOptions.PoisonQueue)] = "always {EventsQueue}-poison, the name the Functions host gives poison queues",
        [nameof(MessagingOptions) + "." + nameof(MessagingOptions.BatchSize)] = "optional, with a default (README)",
        [nameof(MessagingOptions) + "." + nameof(MessagingOptions.Templates)] = "optional: a list of template overrides by kind and language (README)",
        [nameof(DiscountOptions) + "." + nameof(DiscountOptions.WaitSeconds)] = "optional, with a default (README)",
        [nameof(DiscountOptions) + "." + nameof(DiscountOptions.TimeoutSeconds)] = "optional, with a default (README)",
        [nameof(DiscountOptions) + "." + nameof(DiscountOptions.BatchSize)] = "optional, with a default (README)",
        [nameof(MemberPageOptions) + "." + nameof(MemberPageOptions.LinkDays)] = "optional, with a default (README)",
    };

    /// <summary>Every setting, in a stable order.</summary>
    public static IReadOnlyList<SettingInfo> All { get; } = Build();

    /// <summary>The environment-variable name of a key under a configuration section.</summary>
    public static string Name(string section, string key) => (section + ":" + key).Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The environment-variable name of a configuration key.</summary>
    public static string Env(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    private static List<SettingInfo> Build()
    {
        var storage = StorageOptions.SectionName;
        var processing = ProcessingOptions.Section;
        var program = ProgramSettings.Section;
        List<SettingInfo> all =
        [
            // The Functions host's own storage: a connection string to Azurite locally, the
            // user-assigned identity in Azure (Flex Consumption sets the worker runtime itself).
            new("FUNCTIONS_WORKER_RUNTIME", IsSecret: false, InAzure: false, InLocalSample: true),
            new("AzureWebJobsStorage", IsSecret: true, InAzure: false, InLocalSample: true),
            new("AzureWebJobsStorage__accountName", IsSecret: false, InAzure: true, InLocalSample: false),
            new("AzureWebJobsStorage__credential", IsSecret: false, InAzure: true, InLocalSample: false),
            new("AzureWebJobsStorage__clientId", IsSecret: false, InAzure: true, InLocalSample: false),

            // Telemetry is on where a connection string is set (Program.cs of the function app).
            new("APPLICATIONINSIGHTS_CONNECTION_STRING", IsSecret: false, InAzure: true, InLocalSample: false),
            new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", IsSecret: false, InAzure: true, InLocalSample: false),

            // Storage: a connection string locally, service URIs and the identity in Azure;
            // StorageOptions refuses both at once.
            new(Name(storage, nameof(StorageOptions.ConnectionString)), IsSecret: true, InAzure: false, InLocalSample: true, typeof(StorageOptions), nameof(StorageOptions.ConnectionString)),
            new(Name(storage, nameof(StorageOptions.TableServiceUri)), IsSecret: false, InAzure: true, InLocalSample: false, typeof(StorageOptions), nameof(StorageOptions.TableServiceUri)),
            new(Name(storage, nameof(StorageOptions.QueueServiceUri)), IsSecret: false, InAzure: true, InLocalSample: false, typeof(StorageOptions), nameof(StorageOptions.QueueServiceUri)),
            new(Name(storage, nameof(StorageOptions.ManagedIdentityClientId)), IsSecret: false, InAzure: true, InLocalSample: false, typeof(StorageOptions), nameof(StorageOptions.ManagedIdentityClientId)),
            new(Name(storage, nameof(StorageOptions.MembersTable)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(StorageOptions), nameof(StorageOptions.MembersTable)),
            new(Name(storage, nameof(StorageOptions.OrdersTable)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(StorageOptions), nameof(StorageOptions.OrdersTable)),
            new(Name(storage, nameof(StorageOptions.ScheduleTable)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(StorageOptions), nameof(StorageOptions.ScheduleTable)),
            new(Name(storage, nameof(StorageOptions.DirectoryTable)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(StorageOptions), nameof(StorageOptions.DirectoryTable)),
            new(Name(storage, nameof(StorageOptions.ReportsTable)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(StorageOptions), nameof(StorageOptions.ReportsTable)),
            new(HostContract.EventsQueueSetting, IsSecret: false, InAzure: true, InLocalSample: true),

            // Secrets: the two API keys, and each signing secret with the previous value accepted
            // alongside it during a rotation.
            new(Env(LoyaltyOptions.AdminKeySetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(LoyaltyOptions), nameof(LoyaltyOptions.AdminKey)),
            new(Env(LoyaltyOptions.StorefrontKeySetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(LoyaltyOptions), nameof(LoyaltyOptions.StorefrontKey)),
            new(Env(LoyaltyOptions.DirectoryKeySetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(LoyaltyOptions), nameof(LoyaltyOptions.DirectoryKey)),
            new(Env(WebhookSecrets.ShopifySecretSetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WebhookSecrets), nameof(WebhookSecrets.ShopifySecret)),
            new(Env(WebhookSecrets.ShopifyPreviousSecretSetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WebhookSecrets), nameof(WebhookSecrets.ShopifyPreviousSecret)),
            new(Env(WebhookSecrets.WooCommerceSecretSetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WebhookSecrets), nameof(WebhookSecrets.WooCommerceSecret)),
            new(Env(WebhookSecrets.WooCommercePreviousSecretSetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WebhookSecrets), nameof(WebhookSecrets.WooCommercePreviousSecret)),
            new(Env(WebhookSecrets.ApiSigningSecretSetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WebhookSecrets), nameof(WebhookSecrets.ApiSigningSecret)),
            new(Env(WebhookSecrets.ApiPreviousSigningSecretSetting), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WebhookSecrets), nameof(WebhookSecrets.ApiPreviousSigningSecret)),
            new(Name(SmtpSection, nameof(SmtpOptions.Password)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(SmtpOptions), nameof(SmtpOptions.Password)),
            new(Name(MessageWebhookOptions.Section, nameof(MessageWebhookOptions.Secret)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(MessageWebhookOptions), nameof(MessageWebhookOptions.Secret)),
            new(Name(MessagingOptions.Section, nameof(MessagingOptions.LinkSecret)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(MessagingOptions), nameof(MessagingOptions.LinkSecret)),
            new(Name(MemberPageOptions.Section, nameof(MemberPageOptions.LinkSecret)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(MemberPageOptions), nameof(MemberPageOptions.LinkSecret)),

            // Messages: the channels (each off while its host or URL is empty), what every
            // message says of the shop, and the sending rules.
            new(Name(SmtpSection, nameof(SmtpOptions.Host)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(SmtpOptions), nameof(SmtpOptions.Host)),
            new(Name(SmtpSection, nameof(SmtpOptions.Port)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(SmtpOptions), nameof(SmtpOptions.Port)),
            new(Name(SmtpSection, nameof(SmtpOptions.Security)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(SmtpOptions), nameof(SmtpOptions.Security)),
            new(Name(SmtpSection, nameof(SmtpOptions.UserName)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(SmtpOptions), nameof(SmtpOptions.UserName)),
            new(Name(SmtpSection, nameof(SmtpOptions.From)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(SmtpOptions), nameof(SmtpOptions.From)),
            new(Name(SmtpSection, nameof(SmtpOptions.FromName)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(SmtpOptions), nameof(SmtpOptions.FromName)),
            new(Name(MessageWebhookOptions.Section, nameof(MessageWebhookOptions.Url)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(MessageWebhookOptions), nameof(MessageWebhookOptions.Url)),
            new(Name(MessagingOptions.Section, nameof(MessagingOptions.PublicBaseUrl)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(MessagingOptions), nameof(MessagingOptions.PublicBaseUrl)),
            new(Name(MessagingOptions.Section, nameof(MessagingOptions.ShopName)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(MessagingOptions), nameof(MessagingOptions.ShopName)),
            new(Name(MessagingOptions.Section, nameof(MessagingOptions.ShopAddress)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(MessagingOptions), nameof(MessagingOptions.ShopAddress)),
            new(Name(MessagingOptions.Section, nameof(MessagingOptions.DefaultLanguage)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(MessagingOptions), nameof(MessagingOptions.DefaultLanguage)),
            new(Name(MessagingOptions.Section, "QuietHours"), IsSecret: false, InAzure: true, InLocalSample: true),
            new(Name(MessagingOptions.Section, "WeeklyMarketingCap"), IsSecret: false, InAzure: true, InLocalSample: true),

            // Discounts for redemptions: each channel off while its address is empty; the keys are Key Vault secrets.
            new(Name(ShopifyAdminOptions.Section, nameof(ShopifyAdminOptions.ShopUrl)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(ShopifyAdminOptions), nameof(ShopifyAdminOptions.ShopUrl)),
            new(Name(ShopifyAdminOptions.Section, nameof(ShopifyAdminOptions.AdminApiVersion)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(ShopifyAdminOptions), nameof(ShopifyAdminOptions.AdminApiVersion)),
            new(Name(ShopifyAdminOptions.Section, nameof(ShopifyAdminOptions.AccessToken)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(ShopifyAdminOptions), nameof(ShopifyAdminOptions.AccessToken)),
            new(Name(WooCommerceApiOptions.Section, nameof(WooCommerceApiOptions.StoreUrl)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(WooCommerceApiOptions), nameof(WooCommerceApiOptions.StoreUrl)),
            new(Name(WooCommerceApiOptions.Section, nameof(WooCommerceApiOptions.ConsumerKey)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WooCommerceApiOptions), nameof(WooCommerceApiOptions.ConsumerKey)),
            new(Name(WooCommerceApiOptions.Section, nameof(WooCommerceApiOptions.ConsumerSecret)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(WooCommerceApiOptions), nameof(WooCommerceApiOptions.ConsumerSecret)),
            new(Name(RewardWebhookOptions.Section, nameof(RewardWebhookOptions.Url)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(RewardWebhookOptions), nameof(RewardWebhookOptions.Url)),
            new(Name(RewardWebhookOptions.Section, nameof(RewardWebhookOptions.Secret)), IsSecret: true, InAzure: true, InLocalSample: true, typeof(RewardWebhookOptions), nameof(RewardWebhookOptions.Secret)),

            // Intake.
            new(Name(IntakeOptions.Section, nameof(IntakeOptions.AcceptShopifyTestOrders)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(IntakeOptions), nameof(IntakeOptions.AcceptShopifyTestOrders)),

            // Processing.
            new(Name(processing, nameof(ProcessingOptions.MaxAttempts)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(ProcessingOptions), nameof(ProcessingOptions.MaxAttempts)),
            new(Name(processing, nameof(ProcessingOptions.RetryDelaySeconds)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(ProcessingOptions), nameof(ProcessingOptions.RetryDelaySeconds)),
            new(Name(processing, nameof(ProcessingOptions.MaxConflictRetries)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(ProcessingOptions), nameof(ProcessingOptions.MaxConflictRetries)),

            // The program's scalar settings; each left out keeps the demo program's value, and the
            // rewards catalog (Loyalty__Program__Rewards__N__*) is optional.
            new(Name(program, nameof(LoyaltyProgram.Currency)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.Currency)),
            new(Name(program, nameof(LoyaltyProgram.EarnRate)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.EarnRate)),
            new(Name(program, nameof(LoyaltyProgram.Rounding)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.Rounding)),
            new(Name(program, nameof(LoyaltyProgram.PointsLifetimeDays)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.PointsLifetimeDays)),
            new(Name(program, nameof(LoyaltyProgram.SignUpBonus)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.SignUpBonus)),
            new(Name(program, nameof(LoyaltyProgram.AllowNegativeBalance)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.AllowNegativeBalance)),
            new(Name(program, nameof(LoyaltyProgram.TimeZone)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.TimeZone)),
            new(Name(program, nameof(LoyaltyProgram.MaxPointsPerEvent)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.MaxPointsPerEvent)),
            new(Name(program, nameof(LoyaltyProgram.MaxPointsPerMemberPerDay)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.MaxPointsPerMemberPerDay)),
            new(Name(program, nameof(LoyaltyProgram.PointValue)), IsSecret: false, InAzure: true, InLocalSample: true, typeof(LoyaltyProgram), nameof(LoyaltyProgram.PointValue)),
        ];

        // Each timer's schedule (%Setting% in the function app).
        all.AddRange(HostContract.Timers.Select(t => new SettingInfo(t.ScheduleSetting, IsSecret: false, InAzure: true, InLocalSample: true)));
        return all;
    }
}

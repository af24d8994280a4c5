using Loyalty.App.Http;
using Loyalty.App.Import;
using Loyalty.App.Intake;
using Loyalty.App.Jobs;
using Loyalty.App.MemberPage;
using Loyalty.App.Messaging;
using Loyalty.App.Operations;
using Loyalty.App.OwnerConsole;
using Loyalty.App.Privacy;
using Loyalty.App.Processing;
using Loyalty.App.Reports;
using Loyalty.App.Rewards;
using Loyalty.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Configuration;

/// <summary>Registers what both hosts share, so each host's start-up reads as a table of contents.</summary>
public static class ServiceRegistration
{
    /// <summary>Storage, the program, the decide-and-commit path, the queue handler and the HTTP handlers, with settings validated at start.</summary>
    public static IServiceCollection AddLoyalty(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<StorageOptions>()
            .Configure(o => BindStorage(o, configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>>(new ListValidator<StorageOptions>(o => o.Validate()));
        services.AddOptions<ProcessingOptions>().Bind(configuration.GetSection(ProcessingOptions.Section)).ValidateOnStart();
        services.AddOptions<IntakeOptions>().Bind(configuration.GetSection(IntakeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProcessingOptions>>(new ListValidator<ProcessingOptions>(o => o.Validate()));
        // Keys and secrets are checked at start, each problem naming its setting: an unresolved
        // Key Vault reference or a short value stops the host instead of becoming the secret.
        services.AddOptions<LoyaltyOptions>().Bind(configuration.GetSection(LoyaltyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LoyaltyOptions>>(sp =>
            new ListValidator<LoyaltyOptions>(o => o.Validate(sp.GetRequiredService<IOptions<WebhookSecrets>>().Value)));
        services.AddOptions<WebhookSecrets>().Configure(o => o.Read(configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookSecrets>>(new ListValidator<WebhookSecrets>(o => o.Validate()));

        services.AddSingleton(_ => ProgramSettings.ReadValidated(configuration));
        services.AddHostedService<ProgramValidation>();
        services.AddSingleton<RequestCounter>();
        services.AddSingleton(sp => new StorageClients(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<RequestCounter>()));
        services.AddSingleton<MemberStore>();
        services.AddSingleton<OrderClaims>();
        services.AddSingleton<RewardSlots>();
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<HeldEvents>();
        services.AddSingleton<ScheduleIndex>();
        services.AddSingleton(sp => new MemberDirectory(sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<IOptions<LoyaltyOptions>>().Value.DirectoryKey));
        services.AddSingleton<ScheduledJobs>();
        services.AddSingleton<JobHandlers>();
        services.AddSingleton<EventQueue>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<ReportWriter>();
        services.AddSingleton<ReportHandlers>();
        services.AddSingleton<MemberCommands>();
        services.AddMetrics();
        services.AddSingleton<ProcessingMetrics>();
        services.AddSingleton<EventMessageHandler>();
        services.AddSingleton<WooCommerceRefundLines>();
        services.AddSingleton<WebhookHandlers>();
        services.AddSingleton<ProgramHandlers>();
        services.AddSingleton<MemberHandlers>();
        services.AddSingleton<DirectoryHandlers>();
        services.AddSingleton<FeedbackHandlers>();
        services.AddSingleton<ConsolePages>();
        AddMessaging(services, configuration);
        services.AddRewards(configuration);
        services.AddMemberPage(configuration);
        services.AddSingleton<OperatorHandlers>();
        services.AddSingleton<Importer>();
        services.AddSingleton<MemberExport>();
        services.AddSingleton<ImportHandlers>();
        services.AddSingleton<ErasureRows>();
        services.AddSingleton<MemberErasure>();
        services.AddSingleton<PrivacyHandlers>();
        services.AddSingleton<PrivacyRequests>();
        services.AddSingleton<ShopifyPrivacyJob>();
        services.AddSingleton<Segments.SegmentJob>();
        services.AddSingleton<ProgramAudit>();
        return services;
    }

    // Messages: the due index, the dispatcher, the two channels and the member's routes.
    private static void AddMessaging(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.AddOptions<MessageWebhookOptions>().Bind(configuration.GetSection(MessageWebhookOptions.Section)).ValidateOnStart();
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection(MessagingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MessagingOptions>>(sp => new ListValidator<MessagingOptions>(o =>
            o.Validate(sp.GetRequiredService<IOptions<SmtpOptions>>().Value, sp.GetRequiredService<IOptions<MessageWebhookOptions>>().Value)));
        services.AddSingleton<OutboxIndex>();
        services.AddSingleton<MessageRenderer>();
        services.AddSingleton<SmtpChannel>();
        services.AddSingleton<WebhookChannel>();
        services.AddSingleton<MessageDispatcher>();
        services.AddSingleton<MessageHandlers>();
    }

    // The queue name comes from the top-level EventsQueue setting, the one the function app's
    // %EventsQueue% binding reads, so both hosts have one place to set it; the poison queue
    // follows it the way the Functions host names poison queues.
    // Without a storage setting of our own, the Functions host's AzureWebJobsStorage is used
    // when it is a connection string (local runs); in Azure the service URIs are set explicitly.
    private static void BindStorage(StorageOptions options, IConfiguration configuration)
    {
        configuration.GetSection("Loyalty:Storage").Bind(options);
        options.EventsQueue = configuration[HostContract.EventsQueueSetting] ?? options.EventsQueue;
        options.PoisonQueue = HostContract.PoisonQueueOf(options.EventsQueue);
        if (string.IsNullOrWhiteSpace(options.ConnectionString) && options.TableServiceUri is null && options.QueueServiceUri is null)
        {
            var webJobs = configuration["AzureWebJobsStorage"];
            if (!string.IsNullOrWhiteSpace(webJobs))
            {
                options.ConnectionString = webJobs;
            }
        }
    }
}

using Loyalty.App.Configuration;
using Microsoft.Extensions.Options;

namespace Loyalty.Local;

/// <summary>Builds the local host; <c>Program</c> runs it, the benchmark starts it in-process to read its counters.</summary>
public static class LocalApp
{
    /// <summary>The local host with its settings, plus <paramref name="overrides"/> laid over them.</summary>
    public static WebApplication Create(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        var testClock = builder.Configuration.GetValue<bool>(LocalOptions.Section + ":TestClock");
        if (testClock)
        {
            builder.Services.AddSingleton<TimeProvider>(new LocalClock());
        }

        builder.Services.AddLoyalty(builder.Configuration);
        builder.Services.AddOptions<LocalOptions>().Bind(builder.Configuration.GetSection(LocalOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LocalOptions>>(new ListValidator<LocalOptions>(o => o.Validate()));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<DemoSeed>();

        // Hosted services start in this order: Azurite, then tables, queues and demo data, then the pump.
        builder.Services.AddHostedService<AzuriteLauncher>();
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddSingleton<QueuePump>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueuePump>());
        builder.Services.AddHostedService<LocalTimers>();
        builder.Services.AddHostedService<StartupHints>();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapLoyaltyApi();
        if (testClock)
        {
            app.MapTestClock();
        }

        return app;
    }
}

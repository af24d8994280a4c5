using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Loyalty.App.Configuration;
using Loyalty.App.Processing;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Functions;

/// <summary>
/// Everything the function app registers, in one method that <c>Program.cs</c> and the tests
/// both call, so the tests resolve the function classes with the very services Azure runs.
/// </summary>
public static class FunctionAppServices
{
    /// <summary>The shared services (settings validated at start), storage creation, and telemetry where configured.</summary>
    public static IServiceCollection AddLoyaltyFunctionApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLoyalty(configuration);
        services.AddHostedService<EnsureStorageCreated>();
        AddTelemetry(services, configuration);
        return services;
    }

    // OpenTelemetry to Application Insights where a connection string is set (the deployment sets
    // one; local runs have none). host.json's telemetryMode makes the host export its own telemetry
    // the same way, and UseFunctionsWorkerDefaults stops it from also sending the worker's.
    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        var credential = TelemetryCredential(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(ProcessingMetrics.MeterName))
            .UseFunctionsWorkerDefaults()
            .UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
            });
    }

    // Application Insights has local auth off, so the exporter signs in with Microsoft Entra ID as
    // the identity that APPLICATIONINSIGHTS_AUTHENTICATION_STRING names ("ClientId=...;Authorization=AAD",
    // the form the Functions host reads too); without it, the connection string alone is used.
    private static TokenCredential? TelemetryCredential(string? authentication)
    {
        var parts = (authentication ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrWhiteSpace(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}

using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Loyalty.App.Configuration;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddLoyalty(builder.Configuration);
builder.Services.AddHostedService<Loyalty.Functions.EnsureStorageCreated>();
AddTelemetry(builder.Services, builder.Configuration);
builder.Build().Run();

// OpenTelemetry to Application Insights where a connection string is set (the deployment sets
// one; local runs have none). host.json's telemetryMode makes the host export its own telemetry
// the same way, and UseFunctionsWorkerDefaults stops it from also sending the worker's.
static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
{
    var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
    if (string.IsNullOrWhiteSpace(connectionString))
    {
        return;
    }

    var credential = TelemetryCredential(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    services.AddOpenTelemetry()
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
static TokenCredential? TelemetryCredential(string? authentication)
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

using Loyalty.Storage;
using Microsoft.Extensions.Hosting;

namespace Loyalty.Functions;

/// <summary>Creates the tables and queues at start when they are missing (Core Tools against Azurite; in Azure the deployment creates them).</summary>
public sealed class EnsureStorageCreated(StorageClients clients) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => clients.EnsureCreatedAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Loyalty.Storage;
using Microsoft.Extensions.Options;

namespace Loyalty.Local;

/// <summary>Creates the tables and queues, then loads the demo members when asked to.</summary>
public sealed class StorageInitializer(StorageClients clients, DemoSeed seed, IOptions<LocalOptions> options, ILogger<StorageInitializer> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await clients.EnsureCreatedAsync(cancellationToken);
        if (options.Value.SeedDemo)
        {
            var members = await seed.LoadAsync(cancellationToken);
            logger.LogInformation("Demo program loaded with {Count} demo members", members);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Loyalty.Testing;

namespace Loyalty.Storage.Tests;

/// <summary>One in-memory Azurite per test class; each test gets its own table and queues from it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;

    /// <summary>The running Azurite.</summary>
    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>Options pointing at this Azurite, with table and queue names no other test uses.</summary>
    public StorageOptions NewOptions()
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        return new StorageOptions
        {
            ConnectionString = Azurite.ConnectionString,
            MembersTable = "members" + id,
            ScheduleTable = "schedule" + id,
            OrdersTable = "orders" + id,
            DirectoryTable = "directory" + id,
            EventsQueue = "events-" + id,
            PoisonQueue = "poison-" + id,
        };
    }

    /// <summary>Clients over fresh resources, created, with the counter at zero.</summary>
    public async Task<StorageClients> NewClientsAsync()
    {
        var clients = new StorageClients(NewOptions(), new RequestCounter());
        await clients.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        clients.Counter.Reset();
        return clients;
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _azurite = await Azurite.StartAsync(TestContext.Current.CancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

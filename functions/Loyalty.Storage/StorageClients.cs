using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;

namespace Loyalty.Storage;

/// <summary>The table and queue clients of the app, built once (register as a singleton).</summary>
public sealed class StorageClients
{
    /// <summary>Builds the clients; throws <see cref="InvalidOperationException"/> naming every bad setting.</summary>
    public StorageClients(StorageOptions options, RequestCounter counter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counter);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid storage settings: " + string.Join(" ", errors));
        }

        Options = options;
        Counter = counter;

        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter.TablePolicy(), HttpPipelinePosition.PerRetry);

        // Plain UTF-8 JSON text on the wire, not Base64: the Functions host must agree, so host.json
        // sets "extensions": { "queues": { "messageEncoding": "none" } }.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        queueOptions.AddPolicy(counter.QueuePolicy(), HttpPipelinePosition.PerRetry);

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            TableService = new TableServiceClient(options.ConnectionString, tableOptions);
            QueueService = new QueueServiceClient(options.ConnectionString, queueOptions);
        }
        else
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
            });
            TableService = new TableServiceClient(options.TableServiceUri!, credential, tableOptions);
            QueueService = new QueueServiceClient(options.QueueServiceUri!, credential, queueOptions);
        }

        Members = TableService.GetTableClient(options.MembersTable);
        Orders = TableService.GetTableClient(options.OrdersTable);
        Schedule = TableService.GetTableClient(options.ScheduleTable);
        Directory = TableService.GetTableClient(options.DirectoryTable);
        Reports = TableService.GetTableClient(options.ReportsTable);
        Events = QueueService.GetQueueClient(options.EventsQueue);
        Poison = QueueService.GetQueueClient(options.PoisonQueue);
    }

    /// <summary>The validated options the clients were built from.</summary>
    public StorageOptions Options { get; }

    /// <summary>The counter every request of these clients is counted in.</summary>
    public RequestCounter Counter { get; }

    /// <summary>The table service.</summary>
    public TableServiceClient TableService { get; }

    /// <summary>The queue service.</summary>
    public QueueServiceClient QueueService { get; }

    /// <summary>The member table.</summary>
    public TableClient Members { get; }

    /// <summary>The order-to-member index table.</summary>
    public TableClient Orders { get; }

    /// <summary>The timer jobs' index table.</summary>
    public TableClient Schedule { get; }

    /// <summary>The member directory table.</summary>
    public TableClient Directory { get; }

    /// <summary>The reports table.</summary>
    public TableClient Reports { get; }

    /// <summary>The events queue.</summary>
    public QueueClient Events { get; }

    /// <summary>The poison queue.</summary>
    public QueueClient Poison { get; }

    /// <summary>Creates the tables and queues where they are missing.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        await Members.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        await Orders.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        await Schedule.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        await Directory.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        await Reports.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        await Events.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        await Poison.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
    }
}

using Azure.Storage.Queues.Models;
using Loyalty.App.Processing;
using Microsoft.Azure.Functions.Worker;

namespace Loyalty.Functions;

/// <summary>The event processor on the events queue, through the handler the local pump uses too.</summary>
public sealed class QueueFunctions(EventMessageHandler handler)
{
    // The handler parks a message in the poison queue itself (with its last error) on the
    // last allowed delivery; before that, throwing hands it back to the host, which makes it
    // visible again after host.json's visibilityTimeout.
    [Function("ProcessEvent")]
    public async Task ProcessEvent([QueueTrigger("%EventsQueue%")] QueueMessage message, CancellationToken ct)
    {
        var outcome = await handler.HandleAsync(message.MessageText, message.DequeueCount, ct);
        if (outcome is MessageOutcome.RetryLater retry)
        {
            throw new RetryLaterException(retry.Reason);
        }
    }
}

/// <summary>Thrown so the Functions host delivers the message again later.</summary>
public sealed class RetryLaterException(string reason) : Exception(reason);

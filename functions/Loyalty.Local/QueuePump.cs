using Azure.Storage.Queues.Models;
using Loyalty.App.Processing;
using Loyalty.Storage;
using Microsoft.Extensions.Options;

namespace Loyalty.Local;

/// <summary>
/// The local stand-in for the Functions queue trigger: a few workers receive batches from the
/// events queue and hand each message to the same <see cref="EventMessageHandler"/>. On
/// shutdown a worker finishes the message in hand and releases the ones it has not started,
/// so nothing waits out a visibility timeout after a clean stop.
/// </summary>
public sealed class QueuePump(
    EventQueue queue,
    EventMessageHandler handler,
    IOptions<LocalOptions> options,
    ILogger<QueuePump> logger) : BackgroundService
{
    private long _handled;

    /// <summary>Messages completed since start (applied, already applied, refused or parked).</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.Value.QueueConcurrency).Select(i => WorkerAsync(i, stoppingToken));
        return Task.WhenAll(workers);
    }

    private async Task WorkerAsync(int worker, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var o = options.Value;
        var idleDelay = 50;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] batch;
            try
            {
                batch = await queue.ReceiveAsync(o.QueueBatchSize, TimeSpan.FromSeconds(o.VisibilityTimeoutSeconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
            {
                logger.LogWarning(ex, "Worker {Worker} could not receive from the events queue; retrying", worker);
                await DelayAsync(TimeSpan.FromSeconds(2), stoppingToken);
                continue;
            }

            if (batch.Length == 0)
            {
                await DelayAsync(TimeSpan.FromMilliseconds(idleDelay), stoppingToken);
                idleDelay = Math.Min(idleDelay * 2, o.MaxPollDelayMilliseconds);
                continue;
            }

            idleDelay = 50;
            for (var i = 0; i < batch.Length; i++)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    await ReleaseAsync(batch.AsMemory(i));
                    break;
                }

                // The message in hand runs to the end even when a stop is requested.
                await HandleAsync(batch[i]);
            }
        }
    }

    private async Task HandleAsync(QueueMessage message)
    {
        try
        {
            var outcome = await handler.HandleAsync(message.MessageText, message.DequeueCount, CancellationToken.None);
            switch (outcome)
            {
                case MessageOutcome.Completed:
                    // A false delete means the message was handed out again meanwhile; its
                    // redelivery finds the evt| marker and changes nothing.
                    await queue.DeleteAsync(message, CancellationToken.None);
                    Interlocked.Increment(ref _handled);
                    break;
                case MessageOutcome.RetryLater retry:
                    await queue.ReleaseAsync(message, retry.Delay, CancellationToken.None);
                    break;
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
        {
            // Left to reappear after its visibility timeout and be tried again.
            logger.LogWarning(ex, "Message {MessageId} could not be settled; it will be delivered again", message.MessageId);
        }
    }

    private async Task ReleaseAsync(ReadOnlyMemory<QueueMessage> messages)
    {
        foreach (var message in messages.Span.ToArray())
        {
            try
            {
                await queue.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
            {
                logger.LogWarning(ex, "Message {MessageId} could not be released; it reappears after its visibility timeout", message.MessageId);
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

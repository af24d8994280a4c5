using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>
/// The events queue and its poison queue. Delivery is at least once: a message can be handed
/// out again, so every consumer relies on the member's <c>evt|</c> marker, not on the queue.
/// </summary>
public sealed class EventQueue
{
    /// <summary>Largest message body the queue service accepts (UTF-8 text, as the queues use no encoding).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Most messages one receive can return.</summary>
    public const int MaxReceiveCount = 32;

    private const int MaxErrorChars = 4 * 1024;

    // Concurrent sends: a storage queue has no batch send, and one at a time leaves the
    // connection idle for a whole round trip per message.
    private const int SendParallelism = 8;

    private static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    private readonly QueueClient _events;
    private readonly QueueClient _poison;
    private readonly TimeProvider _time;

    /// <summary>The queues of <paramref name="clients"/>; <paramref name="timeProvider"/> stamps poison messages.</summary>
    public EventQueue(StorageClients clients, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _events = clients.Events;
        _poison = clients.Poison;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Sends one event as its JSON envelope (1 request).</summary>
    public async Task SendAsync(LoyaltyEvent evt, CancellationToken ct)
    {
        var body = Body(evt);
        await _events.SendMessageAsync(body, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends each event as its own message (1 request each, a few at a time). Every event is
    /// serialized and checked before the first is sent, so a bad one sends nothing.
    /// </summary>
    public async Task SendAsync(IEnumerable<LoyaltyEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var bodies = events.Select(Body).ToList();
        await Parallel.ForEachAsync(
            bodies,
            new ParallelOptions { MaxDegreeOfParallelism = SendParallelism, CancellationToken = ct },
            async (body, token) => await _events.SendMessageAsync(body, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> (1 to 32), hidden from others for <paramref name="visibilityTimeout"/>.</summary>
    public async Task<QueueMessage[]> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxReceiveCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(visibilityTimeout, MaxVisibility);
        var response = await _events.ReceiveMessagesAsync(maxMessages, visibilityTimeout, ct).ConfigureAwait(false);
        return response.Value;
    }

    /// <summary>
    /// Deletes a handled message. Returns false when it is gone or was handed out again (its
    /// visibility timeout ran out): the new holder will find the event already applied.
    /// </summary>
    public async Task<bool> DeleteAsync(QueueMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _events.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (IsGoneOrTakenOver(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// Makes a received message visible again after <paramref name="delay"/> (retry later, or
    /// hand back on shutdown). Does nothing when the message is gone or was handed out again.
    /// </summary>
    public async Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, MaxVisibility);
        try
        {
            // No new body: the service keeps the message text and only moves its visibility.
            await _events.UpdateMessageAsync(message.MessageId, message.PopReceipt, message: null, visibilityTimeout: delay, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsGoneOrTakenOver(ex))
        {
            // Someone else holds it now, or it was deleted: either way it is not ours to release.
        }
    }

    /// <summary>
    /// Parks a message that failed too often as JSON <c>{ message, lastError, dequeueCount, failedAt }</c>.
    /// The original body is kept as text (it may not even be JSON) and shortened only if the
    /// whole would not fit in one message. <paramref name="lastError"/> must hold no personal data.
    /// </summary>
    public async Task SendToPoisonAsync(string originalBody, string lastError, long dequeueCount, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(originalBody);
        ArgumentNullException.ThrowIfNull(lastError);
        var error = lastError.Length > MaxErrorChars ? lastError[..MaxErrorChars] : lastError;
        var failedAt = _time.GetUtcNow();
        var body = JsonSerializer.Serialize(new PoisonMessage(originalBody, error, dequeueCount, failedAt, null), MemberRows.Json);
        if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes)
        {
            // Escaping can grow a body that fitted on the events queue; a shortened copy in the
            // poison queue beats a message that can be neither handled nor parked.
            var keep = originalBody.Length;
            do
            {
                keep = keep * 3 / 4;
                body = JsonSerializer.Serialize(new PoisonMessage(originalBody[..keep], error, dequeueCount, failedAt, true), MemberRows.Json);
            }
            while (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes);
        }

        await _poison.SendMessageAsync(body, ct).ConfigureAwait(false);
    }

    /// <summary>The service's approximate count of messages in the events queue (1 request).</summary>
    public async Task<int> ApproximateDepthAsync(CancellationToken ct)
    {
        var properties = await _events.GetPropertiesAsync(ct).ConfigureAwait(false);
        return properties.Value.ApproximateMessagesCount;
    }

    private static string Body(LoyaltyEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var body = EventEnvelope.Serialize(evt);
        if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes)
        {
            throw new MessageTooLargeException($"The {EventEnvelope.TypeOf(evt)} event is over the {MaxMessageBytes / 1024} KiB a queue message holds.", nameof(evt));
        }

        return body;
    }

    // 404: deleted, or expired. 400 PopReceiptMismatch: handed out again with a new pop receipt.
    private static bool IsGoneOrTakenOver(RequestFailedException ex) =>
        ex.Status == 404
        || (ex.Status == 400 && string.Equals(ex.ErrorCode, QueueErrorCode.PopReceiptMismatch.ToString(), StringComparison.Ordinal));

    private sealed record PoisonMessage(string Message, string LastError, long DequeueCount, DateTimeOffset FailedAt, bool? MessageTruncated);
}

/// <summary>An event whose envelope is larger than a queue message can hold; nothing was sent.</summary>
public sealed class MessageTooLargeException(string message, string paramName) : ArgumentException(message, paramName);

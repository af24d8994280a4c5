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

    // A message time-to-live of -1 second: the message never expires.
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    // Long enough to send a batch on and delete it; a crash makes the batch visible again after it.
    private static readonly TimeSpan ReplayHold = TimeSpan.FromMinutes(2);

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

        // No expiry (-1): a parked message waits for the operator, however long that takes,
        // instead of vanishing after the queue's default seven days.
        await _poison.SendMessageAsync(body, visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The first <paramref name="max"/> (1 to 32) parked messages without taking them (1 request):
    /// each with its id, the original message, the last error and when it was parked.
    /// Messages the Functions host parked itself (a bare body) come with the body as the message.
    /// </summary>
    public async Task<IReadOnlyList<ParkedMessage>> PeekPoisonAsync(int max, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, MaxReceiveCount);
        var peeked = await _poison.PeekMessagesAsync(max, ct).ConfigureAwait(false);
        return [.. peeked.Value.Select(m => Parked(m.MessageId, m.MessageText, m.InsertedOn, m.ExpiresOn))];
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> parked messages back onto the events queue, each as its
    /// original message (a fresh dequeue count), then deletes it from the poison queue. A crash
    /// in between leaves a copy in both: the member's <c>evt|</c> marker applies it once. A
    /// message that was shortened to fit the poison queue cannot be replayed and stays parked.
    /// </summary>
    public async Task<PoisonReplay> ReplayPoisonAsync(int max, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var (replayed, kept) = (0, 0);
        while (replayed + kept < max)
        {
            var batch = (await _poison.ReceiveMessagesAsync(Math.Min(MaxReceiveCount, max - replayed - kept), ReplayHold, ct).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                var parked = Parked(message.MessageId, message.MessageText, message.InsertedOn, message.ExpiresOn);
                if (parked.MessageTruncated)
                {
                    kept++;
                    continue;
                }

                await _events.SendMessageAsync(parked.Message, ct).ConfigureAwait(false);
                await _poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
                replayed++;
            }
        }

        return new PoisonReplay(replayed, kept);
    }

    /// <summary>The service's approximate count of messages in the events queue (1 request).</summary>
    public async Task<int> ApproximateDepthAsync(CancellationToken ct)
    {
        var properties = await _events.GetPropertiesAsync(ct).ConfigureAwait(false);
        return properties.Value.ApproximateMessagesCount;
    }

    private static ParkedMessage Parked(string id, string text, DateTimeOffset? insertedOn, DateTimeOffset? expiresOn)
    {
        PoisonMessage? wrapped = null;
        try
        {
            wrapped = JsonSerializer.Deserialize<PoisonMessage>(text, MemberRows.Json);
        }
        catch (JsonException)
        {
            // A body the Functions host moved itself, as it was.
        }

        return wrapped is { Message: not null, LastError: not null }
            ? new ParkedMessage(id, wrapped.Message, wrapped.LastError, wrapped.DequeueCount, wrapped.FailedAt, wrapped.MessageTruncated ?? false, NeverExpiresOn(expiresOn))
            : new ParkedMessage(id, text, "parked by the Functions host (no error recorded)", null, insertedOn, false, NeverExpiresOn(expiresOn));
    }

    // The service reports "no expiry" as 9999-12-31.
    private static bool NeverExpiresOn(DateTimeOffset? expiresOn) => expiresOn is null || expiresOn.Value.Year >= 9999;

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

    private sealed record PoisonMessage(string? Message, string? LastError, long DequeueCount, DateTimeOffset FailedAt, bool? MessageTruncated);
}

/// <summary>A message in the poison queue, as the operator sees it.</summary>
/// <param name="Id">The poison queue's message id.</param>
/// <param name="Message">The original message text (a queue envelope).</param>
/// <param name="LastError">Why it was parked (no personal data).</param>
/// <param name="DequeueCount">Deliveries before it was parked, where recorded.</param>
/// <param name="ParkedAt">When it was parked.</param>
/// <param name="MessageTruncated">The original was shortened to fit; it cannot be replayed.</param>
/// <param name="NeverExpires">The queue keeps it until it is replayed or deleted.</param>
public sealed record ParkedMessage(string Id, string Message, string LastError, long? DequeueCount, DateTimeOffset? ParkedAt, bool MessageTruncated, bool NeverExpires);

/// <summary>What a replay of the poison queue did.</summary>
/// <param name="Replayed">Messages moved back onto the events queue.</param>
/// <param name="Kept">Messages left parked (shortened ones, which cannot be replayed).</param>
public sealed record PoisonReplay(int Replayed, int Kept);

/// <summary>An event whose envelope is larger than a queue message can hold; nothing was sent.</summary>
public sealed class MessageTooLargeException(string message, string paramName) : ArgumentException(message, paramName);

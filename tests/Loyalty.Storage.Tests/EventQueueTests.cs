using System.Text.Json;
using Azure.Storage.Queues;
using Loyalty.Core;

namespace Loyalty.Storage.Tests;

public sealed class EventQueueTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PurchaseCompleted Purchase(string eventId) => new(
        eventId,
        "shopify-42",
        Given.T0,
        "order-1001",
        "EUR",
        [new OrderLine("line-1", "SKU-1", "shoes", 2, 49.95m, 5m)],
        104.85m,
        new MemberProfile(FirstName: "Zoë <b>&</b>"));

    [Fact]
    public async Task Send_receive_delete_round_trips_the_envelope_as_plain_json_text()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        var evt = Purchase("shopify:shop:order:1001:paid");

        await queue.SendAsync(evt, Ct);
        var received = Assert.Single(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30), Ct));

        Assert.Equal(EventEnvelope.Serialize(evt), received.MessageText);
        Assert.True(EventEnvelope.TryParse(received.MessageText, out var parsed, out var error), error);
        Assert.Equal(evt.EventId, parsed!.EventId);
        Assert.Equal(1, received.DequeueCount);
        Assert.True(await queue.DeleteAsync(received, Ct));
        Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(0, await queue.ApproximateDepthAsync(Ct));
    }

    [Fact]
    public async Task Message_on_the_wire_is_the_json_itself_not_base64()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        var evt = Purchase("evt-wire");
        await queue.SendAsync(evt, Ct);

        // A client built apart from StorageClients, as the Functions host with messageEncoding "none" reads it.
        var raw = new QueueClient(fixture.Azurite.ConnectionString, clients.Options.EventsQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var peeked = Assert.Single((await raw.PeekMessagesAsync(1, Ct)).Value);

        Assert.StartsWith("{", peeked.Body.ToString(), StringComparison.Ordinal);
        Assert.Equal(EventEnvelope.Serialize(evt), peeked.Body.ToString());
    }

    [Fact]
    public async Task Delete_after_the_visibility_timeout_ran_out_and_the_message_was_received_again_returns_false()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        await queue.SendAsync(Purchase("evt-slow"), Ct);
        var first = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), Ct));

        var again = await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(10));

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.DequeueCount);
        Assert.False(await queue.DeleteAsync(first, Ct));
        Assert.True(await queue.DeleteAsync(again, Ct));
        Assert.False(await queue.DeleteAsync(again, Ct));
        Assert.Equal(0, await queue.ApproximateDepthAsync(Ct));
    }

    [Fact]
    public async Task Release_hands_the_message_back_unchanged_and_ignores_a_message_already_gone()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        var evt = Purchase("evt-release");
        await queue.SendAsync(evt, Ct);
        var held = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(5), Ct));

        await queue.ReleaseAsync(held, TimeSpan.Zero, Ct);
        var back = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(5), Ct));

        Assert.Equal(held.MessageId, back.MessageId);
        Assert.Equal(EventEnvelope.Serialize(evt), back.MessageText);
        Assert.True(await queue.DeleteAsync(back, Ct));
        await queue.ReleaseAsync(back, TimeSpan.Zero, Ct);
        await queue.ReleaseAsync(held, TimeSpan.Zero, Ct);
    }

    [Fact]
    public async Task Release_with_a_delay_keeps_the_message_hidden_until_then()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        await queue.SendAsync(Purchase("evt-later"), Ct);
        var held = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(5), Ct));

        await queue.ReleaseAsync(held, TimeSpan.FromMinutes(10), Ct);

        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(5), Ct));
        Assert.Equal(1, await queue.ApproximateDepthAsync(Ct));
    }

    [Fact]
    public async Task Sending_many_events_sends_one_message_each()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        var events = Enumerable.Range(0, 20).Select(i => Purchase($"evt-{i}")).ToList();

        await queue.SendAsync(events, Ct);

        Assert.Equal(20, clients.Counter.QueueRequests);
        Assert.Equal(20, await queue.ApproximateDepthAsync(Ct));
        var ids = new List<string>();
        for (var batch = await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Ct); batch.Length > 0; batch = await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1), Ct))
        {
            ids.AddRange(batch.Select(m => JsonDocument.Parse(m.MessageText).RootElement.GetProperty("eventId").GetString()!));
        }

        Assert.Equal(events.Select(e => e.EventId).Order(), ids.Order());
    }

    [Fact]
    public async Task Poison_message_keeps_the_body_the_last_error_and_the_count()
    {
        var clients = await fixture.NewClientsAsync();
        var failedAt = new DateTimeOffset(2026, 11, 22, 23, 59, 58, TimeSpan.Zero);
        var queue = new EventQueue(clients, new FixedTime(failedAt));
        const string body = "{\"eventId\":\"evt-bad\",\"type\":\"nonsense\"}";

        await queue.SendToPoisonAsync(body, "type: unknown event type", 5, Ct);

        var message = Assert.Single((await clients.Poison.ReceiveMessagesAsync(1, cancellationToken: Ct)).Value);
        using var json = JsonDocument.Parse(message.MessageText);
        Assert.Equal(body, json.RootElement.GetProperty("message").GetString());
        Assert.Equal("type: unknown event type", json.RootElement.GetProperty("lastError").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("dequeueCount").GetInt64());
        Assert.Equal(failedAt, json.RootElement.GetProperty("failedAt").GetDateTimeOffset());
        Assert.False(json.RootElement.TryGetProperty("messageTruncated", out _));
        Assert.Equal(0, await queue.ApproximateDepthAsync(Ct));
    }

    [Fact]
    public async Task Poison_message_too_big_to_park_whole_is_shortened_and_marked()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        var body = "{\"x\":\"" + new string('"', 40_000) + "\"}";

        await queue.SendToPoisonAsync(body, new string('e', 10_000), 5, Ct);

        var message = Assert.Single((await clients.Poison.ReceiveMessagesAsync(1, cancellationToken: Ct)).Value);
        using var json = JsonDocument.Parse(message.MessageText);
        Assert.True(json.RootElement.GetProperty("messageTruncated").GetBoolean());
        Assert.StartsWith(json.RootElement.GetProperty("message").GetString()!, body, StringComparison.Ordinal);
        Assert.Equal(4096, json.RootElement.GetProperty("lastError").GetString()!.Length);
    }

    [Fact]
    public async Task Oversized_event_is_refused_before_any_request()
    {
        var clients = await fixture.NewClientsAsync();
        var queue = new EventQueue(clients);
        var big = new PointsAdjusted("evt-big", "shopify-42", Given.T0, 5, new string('r', 70_000), "admin");

        await Assert.ThrowsAsync<MessageTooLargeException>(() => queue.SendAsync(big, Ct));
        await Assert.ThrowsAsync<MessageTooLargeException>(() => queue.SendAsync([Purchase("evt-ok"), big], Ct));

        Assert.Equal(0, clients.Counter.QueueRequests);
    }

    private static async Task<Azure.Storage.Queues.Models.QueueMessage> ReceiveWithinAsync(EventQueue queue, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            var messages = await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), Ct);
            if (messages.Length > 0)
            {
                return messages[0];
            }

            await Task.Delay(200, Ct);
        }

        throw new TimeoutException("The message did not come back.");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

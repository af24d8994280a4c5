using System.Net;
using System.Text;
using System.Text.Json;
using Loyalty.Local;
using Loyalty.Testing;

namespace Loyalty.Bench;

/// <summary>Signed generic-API purchases posted to the local host, as both benchmark modes send them.</summary>
internal static class Purchases
{
    /// <summary>The API signing secret the benchmark hosts run with.</summary>
    public const string ApiSecret = "bench-api-signing-secret";

    /// <summary>
    /// Posts purchases <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> - 1
    /// (purchase i by member <c>bench-{i % members}</c>) from <paramref name="senders"/> parallel
    /// senders, keeping fewer than <paramref name="depth"/> posted but not yet handled by
    /// <paramref name="pump"/>; returns once every one is posted (not yet handled).
    /// </summary>
    public static Task PostAsync(HttpClient http, QueuePump pump, int from, int count, int members, int senders, int depth)
    {
        var handledAtStart = pump.Handled;
        long posted = 0;
        return Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            for (var i = from + s; i < from + count; i += senders)
            {
                while (Interlocked.Read(ref posted) - (pump.Handled - handledAtStart) >= depth)
                {
                    await Task.Delay(2);
                }

                var price = 10 + (i % 50);
                var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
                {
                    eventId = $"bench:order:{i}:paid",
                    type = "purchase.completed",
                    memberId = $"bench-{i % members}",
                    occurredAt = DateTimeOffset.UtcNow,
                    payload = new { orderId = $"o{i}", currency = "USD", orderTotal = price + 5, lines = new[] { new { lineId = "1", sku = "SKU", quantity = 1, unitPrice = price, discount = 0 } } },
                }));
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(body) };
                request.Headers.Add("X-Loyalty-Signature", Signing.Hex(body, ApiSecret));
                using var response = await http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"intake answered {(int)response.StatusCode}");
                }

                Interlocked.Increment(ref posted);
            }
        })));
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Loyalty.Testing;

/// <summary>One POST the receiver took: whether its signature matched, its delivery id and its JSON body.</summary>
public sealed record ReceivedWebhook(bool SignatureValid, string? DeliveryId, JsonElement Body);

/// <summary>
/// A local receiver for the outbound message webhook on a free loopback port: checks
/// <c>X-Loyalty-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> with its own HMAC, answers
/// 200 to a valid signature and 401 otherwise, and keeps every delivery.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly byte[] _secret;

    public WebhookReceiver(string secret)
    {
        _secret = Encoding.UTF8.GetBytes(secret);
        var port = LocalHost.FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/messages/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public void Dispose() => _listener.Close();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, body));
            var sent = context.Request.Headers["X-Loyalty-Signature"] ?? string.Empty;
            var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(sent));
            using (var doc = JsonDocument.Parse(body))
            {
                lock (_received)
                {
                    _received.Add(new ReceivedWebhook(valid, context.Request.Headers["X-Loyalty-Delivery"], doc.RootElement.Clone()));
                }
            }

            context.Response.StatusCode = valid ? 200 : 401;
            context.Response.Close();
        }
    }
}

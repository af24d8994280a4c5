using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loyalty.Core;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Loyalty.App.Messaging;

/// <summary>How one channel took one message: a <see cref="DeliveryOutcomes"/> value and a reason that names no person.</summary>
public sealed record ChannelResult(string Outcome, string? Reason = null)
{
    public static ChannelResult Sent { get; } = new(DeliveryOutcomes.Sent);
}

/// <summary>What a channel is given: the member's address (e-mail only), the rendered message and its stable ids.</summary>
public sealed record Outgoing(string DeliveryId, string MemberId, OutboxMessage Message, RenderedMessage Rendered, string? Email, string? FirstName, DateTimeOffset At);

/// <summary>
/// E-mail over SMTP with MailKit. One connection per dispatcher run, opened on the first message
/// and dropped after any error. The <c>Message-ID</c> is the message's delivery id, the same on
/// every resend. Errors are classified by their SMTP code only: the server's text can quote the
/// address, so it is never recorded or logged.
/// </summary>
public sealed class SmtpChannel(IOptions<SmtpOptions> options, ILogger<SmtpChannel> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SmtpClient? _client;

    /// <summary>The channel name recorded in <see cref="OutboxMessage.SentChannels"/>.</summary>
    public const string Name = "email";

    /// <summary>The MIME message for <paramref name="outgoing"/> (also what the preview route shows).</summary>
    public MimeMessage Build(Outgoing outgoing)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        var o = options.Value;
        var from = o.From ?? "loyalty@localhost";
        var mail = new MimeMessage
        {
            Subject = outgoing.Rendered.Subject,
            MessageId = $"{outgoing.DeliveryId}@{from[(from.IndexOf('@', StringComparison.Ordinal) + 1)..]}",
            Date = outgoing.At,
        };
        mail.From.Add(new MailboxAddress(o.FromName ?? string.Empty, from));
        mail.To.Add(new MailboxAddress(outgoing.FirstName ?? string.Empty, outgoing.Email ?? "member@invalid"));
        mail.Headers.Add("X-Loyalty-Kind", outgoing.Message.Kind);
        if (outgoing.Rendered.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 8058 one-click: the mail client POSTs List-Unsubscribe=One-Click to the link.
            mail.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mail.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        mail.Body = new BodyBuilder { TextBody = outgoing.Rendered.Text, HtmlBody = outgoing.Rendered.Html }.ToMessageBody();

        // A MIME entity header: MimeKit keeps it on the body, where mail clients read it.
        mail.Body.Headers.Add("Content-Language", outgoing.Rendered.Language);
        return mail;
    }

    /// <summary>Sends one message.</summary>
    public async Task<ChannelResult> SendAsync(Outgoing outgoing, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        var mail = Build(outgoing);
        await _gate.WaitAsync(ct);
        try
        {
            var client = await ConnectedAsync(ct);
            await client.SendAsync(mail, ct);
            return ChannelResult.Sent;
        }
        catch (SmtpCommandException ex)
        {
            await DropAsync();
            var code = (int)ex.StatusCode;
            var reason = $"SMTP {code} ({ex.ErrorCode})";
            logger.LogWarning("SMTP refused message {DeliveryId}: {Code} {ErrorCode}", outgoing.DeliveryId, code, ex.ErrorCode);
            return code >= 500
                ? new ChannelResult(ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? DeliveryOutcomes.Bounced : DeliveryOutcomes.Failed, reason)
                : new ChannelResult(DeliveryOutcomes.Retry, reason);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or MailKit.Security.AuthenticationException or System.Security.Authentication.AuthenticationException or ServiceNotConnectedException or TimeoutException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            await DropAsync();
            logger.LogWarning("SMTP could not take message {DeliveryId}: {ErrorType}", outgoing.DeliveryId, ex.GetType().Name);
            return new ChannelResult(DeliveryOutcomes.Retry, "SMTP " + ex.GetType().Name);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connection at the end of a dispatcher run, if one is open.</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DropAsync();
        _gate.Dispose();
    }

    private async Task<SmtpClient> ConnectedAsync(CancellationToken ct)
    {
        if (_client is { IsConnected: true })
        {
            return _client;
        }

        var o = options.Value;
        var client = new SmtpClient { Timeout = 30_000 };
        try
        {
            await client.ConnectAsync(o.Host ?? "localhost", o.Port, o.SocketOptions, ct);
            if (!string.IsNullOrEmpty(o.UserName))
            {
                await client.AuthenticateAsync(o.UserName, o.Password ?? string.Empty, ct);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        return client;
    }

    private async Task DropAsync()
    {
        var client = _client;
        _client = null;
        if (client is null)
        {
            return;
        }

        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or ServiceNotConnectedException)
        {
            // Closing a broken connection.
        }
        finally
        {
            client.Dispose();
        }
    }
}

/// <summary>
/// The outbound webhook: each message POSTed as JSON with <c>X-Loyalty-Signature: sha256=&lt;hex
/// HMAC-SHA256 of the body&gt;</c> and <c>X-Loyalty-Delivery</c>, the message's delivery id, the same
/// on every resend (the receiver drops repeats by it). 2xx: sent; 408, 429 and 5xx: retried; any
/// other 4xx: failed for good.
/// </summary>
public sealed class WebhookChannel(IOptions<MessageWebhookOptions> options, ILogger<WebhookChannel> logger) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>The channel name recorded in <see cref="OutboxMessage.SentChannels"/>.</summary>
    public const string Name = "webhook";

    /// <summary>The JSON body for <paramref name="outgoing"/>.</summary>
    public static byte[] Body(Outgoing outgoing)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        var m = outgoing.Message;
        return JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                deliveryId = outgoing.DeliveryId,
                messageId = m.MessageId,
                memberId = outgoing.MemberId,
                kind = m.Kind,
                category = m.Category,
                language = outgoing.Rendered.Language,
                email = outgoing.Email,
                firstName = outgoing.FirstName,
                subject = outgoing.Rendered.Subject,
                text = outgoing.Rendered.Text,
                html = outgoing.Rendered.Html,
                unsubscribeUrl = outgoing.Rendered.UnsubscribeUrl,
                figures = new { points = m.Points, date = m.Date, tierId = m.TierId, code = m.Code, rewardId = m.RewardId, balance = m.Balance, text = m.Text },
                createdAt = m.CreatedAt,
                sentAt = outgoing.At,
            },
            EventEnvelope.Json);
    }

    /// <summary>Posts one message.</summary>
    public async Task<ChannelResult> SendAsync(Outgoing outgoing, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        var o = options.Value;
        var body = Body(outgoing);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Loyalty-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(o.Secret ?? string.Empty), body)));
        request.Headers.Add("X-Loyalty-Delivery", outgoing.DeliveryId);
        try
        {
            using var response = await _http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return ChannelResult.Sent;
            }

            logger.LogWarning("The message webhook answered {Status} for message {DeliveryId}", status, outgoing.DeliveryId);
            return status is 408 or 429 or >= 500
                ? new ChannelResult(DeliveryOutcomes.Retry, $"webhook {status}")
                : new ChannelResult(DeliveryOutcomes.Failed, $"webhook {status}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("The message webhook could not take message {DeliveryId}: {ErrorType}", outgoing.DeliveryId, ex.GetType().Name);
            return new ChannelResult(DeliveryOutcomes.Retry, "webhook " + ex.GetType().Name);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}

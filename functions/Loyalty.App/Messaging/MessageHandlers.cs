using System.Globalization;
using System.Net;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Messaging;

/// <summary>
/// The member's side of messaging: the signed unsubscribe link (no login; the page, and the
/// one-click POST of RFC 8058), the consent route (storefront key), and the admin preview.
/// </summary>
public sealed class MessageHandlers(
    MemberStore store,
    MemberCommands commands,
    MessageRenderer renderer,
    SmtpChannel email,
    IOptions<LoyaltyOptions> keys,
    TimeProvider clock,
    ILogger<MessageHandlers> logger)
{
    private const int MaxMessageIdLength = 230;

    /// <summary><c>GET /api/messages/unsubscribe?m=&amp;t=</c>: a page with one button; a GET changes nothing (mail scanners follow links).</summary>
    public IResult UnsubscribePage(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RefuseLink(request, out var memberId) is { } refused)
        {
            return refused;
        }

        var action = WebUtility.HtmlEncode(renderer.UnsubscribeUrl(memberId) ?? string.Empty);
        return Page(
            "Unsubscribe",
            $"<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\"><p>Stop marketing e-mails from the loyalty program? Receipts and account notices still arrive.</p><button type=\"submit\">Unsubscribe</button></form>");
    }

    /// <summary><c>POST /api/messages/unsubscribe?m=&amp;t=</c>: withdraws marketing consent; a second time changes nothing.</summary>
    public async Task<IResult> UnsubscribeAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RefuseLink(request, out var memberId) is { } refused)
        {
            return refused;
        }

        var result = await ChangeAsync(memberId, marketing: false, "unsubscribe-link", ct);
        return result.Outcome == DecisionOutcome.Refused
            ? Problems.MemberNotFound()
            : Page("Unsubscribed", "<p>You will get no more marketing e-mails from the loyalty program.</p>");
    }

    /// <summary><c>PUT /api/members/{memberId}/consent</c> <c>{ "marketing": true|false }</c> (storefront key): the member's own choice.</summary>
    public async Task<IResult> SetConsentAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (StorefrontKey.Refuse(request, keys.Value, logger) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValidMemberId(memberId))
        {
            return Problems.InvalidId("memberId", rule: Keys.MemberIdRule);
        }

        var (body, problem) = await RequestReading.ReadJsonAsync<ConsentRequest>(request, 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Marketing is not { } marketing)
        {
            return Problems.Invalid("marketing", "marketing is required: true or false.");
        }

        var result = await ChangeAsync(memberId, marketing, "member", ct);
        return result.Outcome == DecisionOutcome.Refused
            ? Problems.MemberNotFound()
            : Results.Json(new ConsentView(memberId, Outbox.MayMarket(result.State!)), EventEnvelope.Json);
    }

    /// <summary><c>GET /api/admin/members/{memberId}/messages/{messageId}/preview</c> (admin key): the e-mail as it would go now, not sent.</summary>
    public async Task<IResult> PreviewAsync(HttpRequest request, string memberId, string messageId, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, keys.Value, logger) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValidMemberId(memberId))
        {
            return Problems.InvalidId("memberId", rule: Keys.MemberIdRule);
        }

        if (messageId.Length > MaxMessageIdLength || !Keys.IsValid(messageId[..Math.Min(messageId.Length, Keys.MaxLength)]) || !messageId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '+' or '='))
        {
            return Problems.InvalidId("messageId", rule: Keys.Rule(MaxMessageIdLength));
        }

        var state = await store.GetStateAsync(memberId, ct);
        if (state is null)
        {
            return Problems.MemberNotFound();
        }

        if (await store.GetMessageAsync(memberId, messageId, ct) is not { } message)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "message-not-found", "No such message.", "The member has no message with this id.");
        }

        var now = clock.GetUtcNow();
        var rendered = renderer.Render(state, message, now);
        var mail = email.Build(new Outgoing(Outbox.DeliveryId(memberId, messageId), memberId, message, rendered, Outbox.WorkingEmail(state), state.Profile.FirstName, now));
        var headers = mail.Headers
            .Concat(mail.Body?.Headers ?? [])
            .Where(h => h.Field is "Message-Id" or "Subject" or "Content-Language" or "List-Unsubscribe" or "List-Unsubscribe-Post" or "X-Loyalty-Kind")
            .ToDictionary(h => h.Field, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return Results.Json(new PreviewView(memberId, messageId, message.Kind, message.Category, message.Status, rendered.Language, rendered.Subject, rendered.Text, rendered.Html, headers), EventEnvelope.Json);
    }

    private Task<ApplyResult> ChangeAsync(string memberId, bool marketing, string source, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var eventId = string.Create(CultureInfo.InvariantCulture, $"consent:{memberId}:{now.UtcTicks}");
        return commands.ApplyAsync(new ConsentChanged(eventId, memberId, now, marketing, source), ct);
    }

    // The link's member id and token; a bad or missing one answers 404 and writes nothing.
    private IResult? RefuseLink(HttpRequest request, out string memberId)
    {
        memberId = request.Query["m"].ToString();
        return Keys.IsValidMemberId(memberId) && renderer.IsUnsubscribeToken(memberId, request.Query["t"].ToString())
            ? null
            : Problems.Create(StatusCodes.Status404NotFound, "invalid-link", "This link is not valid.", "The unsubscribe link is incomplete or was not issued by this service.");
    }

    private static IResult Page(string title, string body) =>
        Results.Content($"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>", "text/html; charset=utf-8");

    private sealed record ConsentRequest(bool? Marketing);

    /// <summary>The member's marketing consent after the change.</summary>
    public sealed record ConsentView(string MemberId, bool Marketing);

    /// <summary>A rendered message, not sent.</summary>
    public sealed record PreviewView(string MemberId, string MessageId, string Kind, string? Category, string Status, string Language, string Subject, string Text, string Html, IReadOnlyDictionary<string, string> Headers);
}

using Loyalty.App.Configuration;
using Loyalty.App.Intake;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Http;

/// <summary>
/// The three intake routes: read the raw body within the limit, verify and map it (pure
/// intake), queue the events, answer 202. A refusal answers with a problem and writes nothing.
/// </summary>
public sealed class WebhookHandlers(
    EventQueue queue,
    PrivacyRequests privacy,
    MemberDirectory directory,
    DeliveryLog deliveries,
    WooCommerceRefundLines refundLines,
    IOptions<WebhookSecrets> secrets,
    IOptions<IntakeOptions> intakeOptions,
    TimeProvider clock,
    ILogger<WebhookHandlers> logger)
{
    private delegate IntakeResult Intake(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string? secret);

    /// <summary><c>POST /api/webhooks/shopify</c>.</summary>
    public Task<IResult> ShopifyAsync(HttpRequest request, CancellationToken ct) =>
        HandleAsync("shopify", request, secrets.Value.Shopify, (h, b, s) => ShopifyIntake.Handle(h, b, s, clock.GetUtcNow(), intakeOptions.Value.AcceptShopifyTestOrders), ct);

    /// <summary><c>POST /api/webhooks/woocommerce</c>: refunds listed by their total are measured by their lines when the shop's REST keys are set (<see cref="WooCommerceRefundLines"/>).</summary>
    public Task<IResult> WooCommerceAsync(HttpRequest request, CancellationToken ct) =>
        HandleAsync("woocommerce", request, secrets.Value.WooCommerce, (h, b, s) => WooCommerceIntake.Handle(h, b, s, clock.GetUtcNow()), ct, refundLines.MeasureAsync);

    /// <summary><c>POST /api/events</c>: the generic signed API.</summary>
    public Task<IResult> EventsAsync(HttpRequest request, CancellationToken ct) =>
        HandleAsync("api", request, secrets.Value.Api, (h, b, s) => GenericApiIntake.Handle(h, b, s, clock.GetUtcNow()), ct);

    private async Task<IResult> HandleAsync(string source, HttpRequest request, SigningSecret secret, Intake intake, CancellationToken ct, Func<IntakeResult, CancellationToken, Task<IntakeResult>>? measure = null)
    {
        var body = await RequestReading.ReadBodyAsync(request, IntakeLimits.MaxBodyBytes, ct);
        if (body is null)
        {
            logger.LogWarning("Refused a {Source} delivery over {Limit} bytes", source, IntakeLimits.MaxBodyBytes);
            return Problems.TooLarge(IntakeLimits.MaxBodyBytes);
        }

        try
        {
            var result = Verified(source, secret, RequestReading.Headers(request), body, intake);
            return await QueueAsync(source, measure is null ? result : await measure(result, ct), ct);
        }
        catch (MessageTooLargeException)
        {
            // Every event is checked before the first is sent, so nothing was queued.
            logger.LogWarning("Refused a {Source} delivery whose event is too large for a queue message", source);
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "event-too-large", "The order is too large.", $"An event is limited to {EventQueue.MaxMessageBytes / 1024} KiB once mapped; send orders with fewer or shorter lines.");
        }
    }

    // The intake with the current secret; when that signature does not match and a previous
    // secret is set (a rotation under way), with the previous one. A secret that is set but not
    // usable (start-up refuses it; this is the check on every request) signs nothing.
    private IntakeResult Verified(string source, SigningSecret secret, IReadOnlyDictionary<string, string> headers, byte[] body, Intake intake)
    {
        var result = intake(headers, body, Usable(secret.Setting, secret.Current));
        if (result is not IntakeRejected { Type: ProblemTypes.InvalidSignature } || Usable(secret.PreviousSetting, secret.Previous) is not { } previous)
        {
            return result;
        }

        var again = intake(headers, body, previous);
        if (again is IntakeRejected { Type: ProblemTypes.InvalidSignature })
        {
            return result;
        }

        logger.LogInformation("A {Source} delivery was signed with the previous secret {Setting}; remove it once the shop signs with the new one", source, secret.PreviousSetting);
        return again;
    }

    private string? Usable(string setting, string? value)
    {
        if (string.IsNullOrEmpty(value) || SecretRules.IsUsable(value))
        {
            return value;
        }

        logger.LogError("Refused to verify with {Setting}: it {Problem}", setting, SecretRules.Problem(value));
        return null;
    }

    private async Task<IResult> QueueAsync(string source, IntakeResult result, CancellationToken ct)
    {
        // A delivery seen before is acknowledged without effect. It is recorded only once its
        // events are queued: a crash in between leaves it unrecorded, the shop retries, and the
        // events (same ids) are applied once by the member's markers.
        if (result.DeliveryKey is { } delivery && await deliveries.SeenAsync(delivery, ct))
        {
            logger.LogInformation("Acknowledged a {Source} delivery without queueing: {Reason}", source, IgnoreReasons.DuplicateDelivery);
            return Results.Json(new IgnoredView(IgnoreReasons.DuplicateDelivery), EventEnvelope.Json, statusCode: StatusCodes.Status200OK);
        }

        switch (result)
        {
            case IntakeAccepted accepted:
                await queue.SendAsync(accepted.Events, ct);
                await RecordAsync(result, accepted.Events, ct);
                logger.LogInformation("Queued {Count} event(s) from {Source}: {EventIds}", accepted.Events.Count, source, accepted.Events.Select(e => e.EventId));
                return Results.Json(new AcceptedView(accepted.Events.Select(e => e.EventId).ToList()), EventEnvelope.Json, statusCode: StatusCodes.Status202Accepted);
            case IntakeAcceptedByOrder byOrder:
                // The member is resolved by the processor from the order index (see OrderRouting).
                var routed = byOrder.EventsForMember.Select(build => build(OrderRouting.Placeholder(byOrder.OrderKey))).ToList();
                await queue.SendAsync(routed, ct);
                await RecordAsync(result, routed, ct);
                logger.LogInformation("Queued {Count} event(s) from {Source} routed by order: {EventIds}", routed.Count, source, routed.Select(e => e.EventId));
                return Results.Json(new AcceptedView(routed.Select(e => e.EventId).ToList()), EventEnvelope.Json, statusCode: StatusCodes.Status202Accepted);
            case IntakePrivacyRequest { Request: var sentRequest, Email: var email }:
                // Only the directory's keyed hash of an e-mail is kept (a body without a customer id), never the address.
                var privacyRequest = email is null ? sentRequest : sentRequest with { EmailHash = directory.Hash("email", email) };

                // Answered 200 only once the request row is written; a storage failure answers 500 and Shopify retries.
                var recorded = await privacy.RecordAsync(privacyRequest, ct);
                logger.LogInformation("Privacy request {RequestId} ({Topic}) from {Source} {Recorded}", privacyRequest.Id, privacyRequest.Topic, source, recorded ? "recorded" : "already recorded");
                return Results.Json(new PrivacyRequestView(privacyRequest.Id, !recorded), EventEnvelope.Json, statusCode: StatusCodes.Status200OK);
            case IntakeIgnored ignored:
                logger.LogInformation("Acknowledged a {Source} delivery without queueing: {Reason}", source, ignored.Reason);
                return Results.Json(new IgnoredView(ignored.Reason), EventEnvelope.Json, statusCode: StatusCodes.Status200OK);
            case IntakeRejected rejected:
                logger.LogWarning("Refused a {Source} delivery: {Status} {ProblemType} at {Field}", source, rejected.Status, rejected.Type, rejected.Field);
                return Problems.Create(rejected.Status, rejected.Type, rejected.Title, rejected.Detail, rejected.Field);
            default:
                throw new InvalidOperationException("Unknown intake result " + result.GetType().Name);
        }
    }

    // The events are queued by now: failing to record the delivery only means a repeat of it
    // is queued again (and applied once), so it is logged rather than answered with a 500.
    private async Task RecordAsync(IntakeResult result, IReadOnlyList<LoyaltyEvent> queued, CancellationToken ct)
    {
        if (result.DeliveryKey is not { } delivery)
        {
            return;
        }

        try
        {
            await deliveries.RecordAsync(delivery, [.. queued.Select(e => e.EventId)], clock.GetUtcNow(), ct);
        }
        catch (Azure.RequestFailedException ex)
        {
            logger.LogWarning(ex, "Queued a delivery but could not record it; a repeat of it will be queued again ({Status})", ex.Status);
        }
    }

    /// <summary>The answer to a queued delivery.</summary>
    public sealed record AcceptedView(IReadOnlyList<string> EventIds);

    /// <summary>The answer to a privacy topic: the request recorded (<paramref name="Duplicate"/>: it was already).</summary>
    public sealed record PrivacyRequestView(string PrivacyRequest, bool Duplicate);

    /// <summary>The answer to a delivery acknowledged without queueing.</summary>
    public sealed record IgnoredView(string Ignored);
}

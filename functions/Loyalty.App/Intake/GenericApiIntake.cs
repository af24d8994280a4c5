using System.Text;
using System.Text.Json;
using Loyalty.Core;

namespace Loyalty.App.Intake;

/// <summary>
/// Accepts one event envelope (see <see cref="EventEnvelope"/>) from any other shop, signed with
/// <c>X-Loyalty-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>. Only the shop-side
/// types are accepted from outside: member.enrolled, purchase.completed, order.refunded, order.cancelled,
/// referral.recorded, feedback.submitted. Its event ids are stored as <c>api:{eventId}</c>, and it cannot name a member
/// of the webhook intakes (<c>shopify-…</c>, <c>woo-…</c>).
/// </summary>
public static class GenericApiIntake
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Loyalty-Signature";

    /// <summary>The event types accepted from outside.</summary>
    public static IReadOnlyList<string> AcceptedTypes { get; } =
    [
        EventEnvelope.Types.MemberEnrolled, EventEnvelope.Types.PurchaseCompleted,
        EventEnvelope.Types.OrderRefunded, EventEnvelope.Types.OrderCancelled,
        EventEnvelope.Types.ReferralRecorded, EventEnvelope.Types.FeedbackSubmitted,
    ];

    /// <summary>
    /// The prefix every event id sent through this API gets: the API owns the <c>api:</c> event
    /// ids and no others, so it cannot take the id of a Shopify or WooCommerce event (which
    /// would route or pre-empt that shop's deliveries) or of a timer job's or a member route's event.
    /// </summary>
    public const string EventIdPrefix = "api:";

    /// <summary>Member id prefixes owned by the webhook intakes; the API can write to none of them.</summary>
    public static IReadOnlyList<string> ForeignMemberPrefixes { get; } = [ShopifyIntake.MemberPrefix, WooCommerceIntake.MemberPrefix];

    /// <summary>
    /// Maps one signed API call, refusing events dated before 2000 or more than
    /// <see cref="EventValidation.MaxClockSkew"/> after <paramref name="receivedAt"/>, as the
    /// webhook intakes do. Never throws for any body or headers.
    /// </summary>
    public static IntakeResult Handle(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, string? secret, DateTimeOffset receivedAt)
    {
        if (body.Length > IntakeLimits.MaxBodyBytes)
        {
            return IntakeProblems.TooLarge();
        }

        var signature = HeaderLookup.Get(headers, SignatureHeader);
        if (signature is null)
        {
            return IntakeProblems.MissingSignature(SignatureHeader);
        }

        if (!Signatures.VerifyHexHmacSha256(body, signature, secret))
        {
            return IntakeProblems.BadSignature(SignatureHeader);
        }

        // Parsed once here for a precise path on malformed JSON and to refuse duplicate names;
        // the envelope reader then works on text known to be well-formed.
        if (!JsonBody.TryParse(body, out var document, out var malformed))
        {
            return malformed;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return IntakeProblems.InvalidField("body", "expected a JSON object.");
            }
        }

        if (!TryRead(Encoding.UTF8.GetString(JsonBody.WithoutBom(body)), out var evt, out var error))
        {
            var (field, message) = Split(error);
            return field == "type" ? IntakeProblems.UnknownType(message) : IntakeProblems.InvalidField(field, message);
        }

        var type = EventEnvelope.TypeOf(evt);
        if (!AcceptedTypes.Contains(type))
        {
            return IntakeProblems.UnknownType($"not accepted through this API; expected one of {string.Join(", ", AcceptedTypes)}.");
        }

        if (IsForeign(evt.MemberId))
        {
            return IntakeProblems.InvalidField("memberId", ForeignMessage);
        }

        if (evt is ReferralRecorded referral && IsForeign(referral.ReferrerId))
        {
            return IntakeProblems.InvalidField("payload.referrerId", ForeignMessage);
        }

        if (Keys.IsValid(evt.EventId) && evt.EventId.Length > Keys.MaxLength - EventIdPrefix.Length)
        {
            return IntakeProblems.InvalidField("eventId", $"must be {Keys.Rule(Keys.MaxLength - EventIdPrefix.Length)}.");
        }

        var owned = Keys.IsValid(evt.EventId) ? evt with { EventId = EventIdPrefix + evt.EventId } : evt;
        return Mapped.Accept(receivedAt, owned);
    }

    private const string ForeignMessage = "ids starting shopify- or woo- belong to those shops' webhooks; this API cannot write to them.";

    private static bool IsForeign(string? memberId) =>
        memberId is not null && ForeignMemberPrefixes.Any(p => memberId.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    private static bool TryRead(string json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LoyaltyEvent? evt, out string error)
    {
        try
        {
            if (EventEnvelope.TryParse(json, out evt, out var message) && evt is not null)
            {
                error = "";
                return true;
            }

            error = message ?? "body: not a valid envelope.";
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            // The envelope reader is documented not to throw; this keeps a surprise from becoming a 500.
            evt = null;
            error = "body: not a valid envelope.";
            return false;
        }
    }

    /// <summary>Splits the envelope reader's "field: message" into its parts, keeping only a plain field name.</summary>
    private static (string Field, string Message) Split(string error)
    {
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        var field = colon >= 0 ? error[..colon] : string.Empty;
        var message = colon >= 0 ? error[(colon + 2)..] : error;
        var plain = field.Length is > 0 and <= 200 && field.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '[' or ']');
        return plain ? (field, message) : ("body", message);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loyalty.Core;

/// <summary>
/// The JSON envelope events travel in, on the queue and through the generic API:
/// <c>{ eventId, type, memberId, occurredAt, schemaVersion, payload }</c>.
/// </summary>
public static class EventEnvelope
{
    /// <summary>The schema version written.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Event type names, as they appear in <c>type</c>.</summary>
    public static class Types
    {
        /// <summary><see cref="MemberEnrolled"/>.</summary>
        public const string MemberEnrolled = "member.enrolled";

        /// <summary><see cref="PurchaseCompleted"/>.</summary>
        public const string PurchaseCompleted = "purchase.completed";

        /// <summary><see cref="OrderRefunded"/>.</summary>
        public const string OrderRefunded = "order.refunded";

        /// <summary><see cref="OrderCancelled"/>.</summary>
        public const string OrderCancelled = "order.cancelled";

        /// <summary><see cref="RedemptionRequested"/>.</summary>
        public const string RedemptionRequested = "redemption.requested";

        /// <summary><see cref="RedemptionReversed"/>.</summary>
        public const string RedemptionReversed = "redemption.reversed";

        /// <summary><see cref="PointsAdjusted"/>.</summary>
        public const string PointsAdjusted = "points.adjusted";

        /// <summary><see cref="BenefitUsed"/>.</summary>
        public const string BenefitUsed = "benefit.used";

        /// <summary><see cref="PointsExpiryDue"/>.</summary>
        public const string PointsExpiryDue = "points.expiry-due";

        /// <summary><see cref="ExpiryReminderDue"/>.</summary>
        public const string ExpiryReminderDue = "points.reminder-due";

        /// <summary><see cref="BirthdayDue"/>.</summary>
        public const string BirthdayDue = "member.birthday-due";

        /// <summary><see cref="PendingActivationDue"/>.</summary>
        public const string PendingActivationDue = "points.activation-due";

        /// <summary><see cref="TierReviewDue"/>.</summary>
        public const string TierReviewDue = "tier.review-due";

        /// <summary><see cref="ReferralRecorded"/>.</summary>
        public const string ReferralRecorded = "referral.recorded";

        /// <summary><see cref="ReferralRewarded"/>.</summary>
        public const string ReferralRewarded = "referral.rewarded";

        /// <summary><see cref="FeedbackSubmitted"/>.</summary>
        public const string FeedbackSubmitted = "feedback.submitted";

        /// <summary><see cref="ServiceRecorded"/>.</summary>
        public const string ServiceRecorded = "service.recorded";
    }

    /// <summary>JSON options shared by the envelope and stored records: camelCase, enums as strings.</summary>
    public static JsonSerializerOptions Json { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The type name of an event.</summary>
    public static string TypeOf(LoyaltyEvent evt) => evt switch
    {
        MemberEnrolled => Types.MemberEnrolled,
        PurchaseCompleted => Types.PurchaseCompleted,
        OrderRefunded => Types.OrderRefunded,
        OrderCancelled => Types.OrderCancelled,
        RedemptionRequested => Types.RedemptionRequested,
        RedemptionReversed => Types.RedemptionReversed,
        PointsAdjusted => Types.PointsAdjusted,
        BenefitUsed => Types.BenefitUsed,
        PointsExpiryDue => Types.PointsExpiryDue,
        ExpiryReminderDue => Types.ExpiryReminderDue,
        BirthdayDue => Types.BirthdayDue,
        PendingActivationDue => Types.PendingActivationDue,
        TierReviewDue => Types.TierReviewDue,
        ReferralRecorded => Types.ReferralRecorded,
        ReferralRewarded => Types.ReferralRewarded,
        FeedbackSubmitted => Types.FeedbackSubmitted,
        ServiceRecorded => Types.ServiceRecorded,
        _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "Unknown event type."),
    };

    /// <summary>Writes an event as an envelope.</summary>
    public static string Serialize(LoyaltyEvent evt)
    {
        var payload = evt switch
        {
            MemberEnrolled e => JsonSerializer.SerializeToNode(new EnrolledPayload(e.Profile), Json),
            PurchaseCompleted e => JsonSerializer.SerializeToNode(new PurchasePayload(e.OrderId, e.Currency, e.Lines, e.OrderTotal, e.Profile, e.DiscountCodes), Json),
            OrderRefunded e => JsonSerializer.SerializeToNode(new RefundPayload(e.OrderId, e.RefundId, e.Lines, e.Amount, e.Full), Json),
            OrderCancelled e => JsonSerializer.SerializeToNode(new CancelPayload(e.OrderId), Json),
            RedemptionRequested e => JsonSerializer.SerializeToNode(new RedemptionPayload(e.RequestId, e.RewardId, e.Code), Json),
            RedemptionReversed e => JsonSerializer.SerializeToNode(new ReversalPayload(e.RequestId, e.Reason), Json),
            PointsAdjusted e => JsonSerializer.SerializeToNode(new AdjustmentPayload(e.Points, e.Reason, e.Actor), Json),
            BenefitUsed e => JsonSerializer.SerializeToNode(new BenefitPayload(e.RequestId, e.BenefitId, e.Note), Json),
            PointsExpiryDue e => JsonSerializer.SerializeToNode(new DayPayload(e.AsOf, null), Json),
            ExpiryReminderDue e => JsonSerializer.SerializeToNode(new DayPayload(e.ExpiresOn, e.LeadDays), Json),
            BirthdayDue e => JsonSerializer.SerializeToNode(new DayPayload(e.On, null), Json),
            PendingActivationDue e => JsonSerializer.SerializeToNode(new DayPayload(e.AsOf, null), Json),
            TierReviewDue e => JsonSerializer.SerializeToNode(new DayPayload(e.AsOf, null), Json),
            ReferralRecorded e => JsonSerializer.SerializeToNode(new ReferralPayload(e.ReferrerId, null, null), Json),
            ReferralRewarded e => JsonSerializer.SerializeToNode(new ReferralPayload(null, e.FriendId, e.FriendEventId), Json),
            FeedbackSubmitted e => JsonSerializer.SerializeToNode(new FeedbackPayload(e.Satisfaction, e.Nps, e.Text, e.OrderId), Json),
            ServiceRecorded e => JsonSerializer.SerializeToNode(new ServicePayload(e.Kind, e.Summary, e.Status), Json),
            _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "Unknown event type."),
        };
        var envelope = new Wire(evt.EventId, TypeOf(evt), evt.MemberId, evt.OccurredAt, SchemaVersion, JsonSerializer.SerializeToElement(payload, Json));
        return JsonSerializer.Serialize(envelope, Json);
    }

    /// <summary>
    /// Reads an envelope. Returns false with a message naming the field at fault when the
    /// JSON is malformed, a field is missing or of the wrong type, or the type is unknown.
    /// Does not check ids against key rules; see the intake for that.
    /// </summary>
    public static bool TryParse(string json, out LoyaltyEvent? evt, out string? error)
    {
        evt = null;
        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(json, Json);
            if (wire is null)
            {
                error = "body: expected a JSON object.";
                return false;
            }

            error = wire.EventId is null ? "eventId: required."
                : wire.Type is null ? "type: required."
                : wire.MemberId is null ? "memberId: required."
                : wire.OccurredAt is null ? "occurredAt: required."
                : wire.Payload.ValueKind != JsonValueKind.Object ? "payload: expected an object."
                : null;
            if (error is not null)
            {
                return false;
            }

            var id = wire.EventId!;
            var member = wire.MemberId!;
            var at = wire.OccurredAt!.Value;
            evt = wire.Type switch
            {
                Types.MemberEnrolled => Read<EnrolledPayload>(wire.Payload) is { } p
                    ? new MemberEnrolled(id, member, at, p.Profile ?? MemberProfile.Empty) : null,
                Types.PurchaseCompleted => Read<PurchasePayload>(wire.Payload) is { } p
                    ? new PurchaseCompleted(id, member, at, Required(p.OrderId, "payload.orderId"), Required(p.Currency, "payload.currency"), Required(p.Lines, "payload.lines"), p.OrderTotal, p.Profile, p.DiscountCodes) : null,
                Types.OrderRefunded => Read<RefundPayload>(wire.Payload) is { } p
                    ? new OrderRefunded(id, member, at, Required(p.OrderId, "payload.orderId"), Required(p.RefundId, "payload.refundId"), p.Lines ?? [], p.Amount, p.Full) : null,
                Types.OrderCancelled => Read<CancelPayload>(wire.Payload) is { } p
                    ? new OrderCancelled(id, member, at, Required(p.OrderId, "payload.orderId")) : null,
                Types.RedemptionRequested => Read<RedemptionPayload>(wire.Payload) is { } p
                    ? new RedemptionRequested(id, member, at, Required(p.RequestId, "payload.requestId"), Required(p.RewardId, "payload.rewardId"), Required(p.Code, "payload.code")) : null,
                Types.RedemptionReversed => Read<ReversalPayload>(wire.Payload) is { } p
                    ? new RedemptionReversed(id, member, at, Required(p.RequestId, "payload.requestId"), Required(p.Reason, "payload.reason")) : null,
                Types.PointsAdjusted => Read<AdjustmentPayload>(wire.Payload) is { } p
                    ? new PointsAdjusted(id, member, at, p.Points, Required(p.Reason, "payload.reason"), Required(p.Actor, "payload.actor")) : null,
                Types.BenefitUsed => Read<BenefitPayload>(wire.Payload) is { } p
                    ? new BenefitUsed(id, member, at, Required(p.RequestId, "payload.requestId"), Required(p.BenefitId, "payload.benefitId"), p.Note) : null,
                Types.PointsExpiryDue => Read<DayPayload>(wire.Payload) is { } p ? new PointsExpiryDue(id, member, at, Day(p)) : null,
                Types.ExpiryReminderDue => Read<DayPayload>(wire.Payload) is { } p
                    ? new ExpiryReminderDue(id, member, at, Day(p), p.LeadDays ?? throw new EnvelopeException("payload.leadDays: required.")) : null,
                Types.BirthdayDue => Read<DayPayload>(wire.Payload) is { } p ? new BirthdayDue(id, member, at, Day(p)) : null,
                Types.PendingActivationDue => Read<DayPayload>(wire.Payload) is { } p ? new PendingActivationDue(id, member, at, Day(p)) : null,
                Types.TierReviewDue => Read<DayPayload>(wire.Payload) is { } p ? new TierReviewDue(id, member, at, Day(p)) : null,
                Types.ReferralRecorded => Read<ReferralPayload>(wire.Payload) is { } p
                    ? new ReferralRecorded(id, member, at, Required(p.ReferrerId, "payload.referrerId")) : null,
                Types.ReferralRewarded => Read<ReferralPayload>(wire.Payload) is { } p
                    ? new ReferralRewarded(id, member, at, Required(p.FriendId, "payload.friendId"), Required(p.FriendEventId, "payload.friendEventId")) : null,
                Types.FeedbackSubmitted => Read<FeedbackPayload>(wire.Payload) is { } p
                    ? new FeedbackSubmitted(id, member, at, p.Satisfaction, p.Nps, p.Text, p.OrderId) : null,
                Types.ServiceRecorded => Read<ServicePayload>(wire.Payload) is { } p
                    ? new ServiceRecorded(id, member, at, Required(p.Kind, "payload.kind"), Required(p.Summary, "payload.summary"), Required(p.Status, "payload.status")) : null,
                _ => throw new EnvelopeException($"type: unknown event type; expected one of {string.Join(", ", AllTypes)}."),
            };
            if (evt is null)
            {
                error = "payload: expected an object.";
                return false;
            }

            return true;
        }
        catch (EnvelopeException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (JsonException ex)
        {
            // The path names the field; the message never echoes the value.
            error = $"{(string.IsNullOrEmpty(ex.Path) ? "body" : ex.Path.TrimStart('$', '.'))}: malformed JSON or a value of the wrong type.";
            return false;
        }
    }

    /// <summary>Every event type name.</summary>
    public static IReadOnlyList<string> AllTypes { get; } =
    [
        Types.MemberEnrolled, Types.PurchaseCompleted, Types.OrderRefunded, Types.OrderCancelled,
        Types.RedemptionRequested, Types.RedemptionReversed, Types.PointsAdjusted, Types.BenefitUsed,
        Types.PointsExpiryDue, Types.ExpiryReminderDue, Types.BirthdayDue, Types.PendingActivationDue, Types.TierReviewDue,
        Types.ReferralRecorded, Types.ReferralRewarded, Types.FeedbackSubmitted, Types.ServiceRecorded,
    ];

    private static T? Read<T>(JsonElement element)
    {
        try
        {
            return element.Deserialize<T>(Json);
        }
        catch (JsonException ex)
        {
            // Paths inside the payload are relative to it; name the field as the sender wrote it.
            var path = ex.Path?.TrimStart('$', '.');
            throw new EnvelopeException($"payload{(string.IsNullOrEmpty(path) ? string.Empty : "." + path)}: malformed JSON or a value of the wrong type.");
        }
    }

    private static T Required<T>(T? value, string field)
        where T : class => value ?? throw new EnvelopeException($"{field}: required.");

    private static DateOnly Day(DayPayload p) => p.Day ?? throw new EnvelopeException("payload.day: required.");

    private sealed class EnvelopeException(string message) : Exception(message);

    private sealed record Wire(string? EventId, string? Type, string? MemberId, DateTimeOffset? OccurredAt, int SchemaVersion, JsonElement Payload);

    private sealed record EnrolledPayload(MemberProfile? Profile);

    private sealed record PurchasePayload(string? OrderId, string? Currency, IReadOnlyList<OrderLine>? Lines, decimal OrderTotal, MemberProfile? Profile, IReadOnlyList<string>? DiscountCodes);

    private sealed record RefundPayload(string? OrderId, string? RefundId, IReadOnlyList<RefundLine>? Lines, decimal Amount, bool Full);

    private sealed record CancelPayload(string? OrderId);

    private sealed record RedemptionPayload(string? RequestId, string? RewardId, string? Code);

    private sealed record ReversalPayload(string? RequestId, string? Reason);

    private sealed record AdjustmentPayload(long Points, string? Reason, string? Actor);

    private sealed record BenefitPayload(string? RequestId, string? BenefitId, string? Note);

    private sealed record DayPayload(DateOnly? Day, int? LeadDays);

    private sealed record ReferralPayload(string? ReferrerId, string? FriendId, string? FriendEventId);

    private sealed record FeedbackPayload(int? Satisfaction, int? Nps, string? Text, string? OrderId);

    private sealed record ServicePayload(string? Kind, string? Summary, string? Status);
}

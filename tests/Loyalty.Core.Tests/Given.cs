
namespace Loyalty.Core.Tests;

/// <summary>Programs, instants and events the example tests are written with.</summary>
internal static class Given
{
    public const string Member = "m1";

    /// <summary>Mid-afternoon in UTC, the same calendar day in New York.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 10, 15, 0, 0, TimeSpan.Zero);

    public static readonly DateOnly T0Expiry = new(2026, 3, 10);

    /// <summary>A plain program: 1 point per 1.00, no sign-up bonus, UTC days, a year's lifetime.</summary>
    public static LoyaltyProgram Program { get; } = new()
    {
        Currency = "USD",
        EarnRate = 1m,
        Rounding = RoundingMode.Down,
        PointsLifetimeDays = 365,
        SignUpBonus = 0,
        TimeZone = "UTC",
        Rewards =
        [
            new Reward("coffee", "Free coffee", RewardKind.FreeProduct, 30, Sku: "COFFEE"),
            new Reward("five-off", "$5 off", RewardKind.FixedDiscount, 100, Value: 5m),
            new Reward("mug", "Mug", RewardKind.Gift, 50, PerMemberLimit: 1),
        ],
    };

    public static MemberEnrolled Enrolled(MemberProfile? profile = null, string eventId = "enrol") =>
        new(eventId, Member, T0, profile ?? new MemberProfile(Email: "ada@example.com"));

    public static PurchaseCompleted Purchase(string orderId, decimal merchandise, decimal? orderTotal = null, string currency = "USD", string? eventId = null, MemberProfile? profile = null) =>
        new(eventId ?? $"paid:{orderId}", Member, T0, orderId, currency, [new OrderLine("l1", "SKU-1", "books", 1, merchandise, 0m)], orderTotal ?? merchandise, profile);

    public static PurchaseCompleted Purchase(string orderId, params OrderLine[] lines) =>
        new($"paid:{orderId}", Member, T0, orderId, "USD", lines, lines.Sum(l => l.Merchandise));

    public static OrderRefunded RefundLines(string orderId, string refundId, decimal merchandise, string? eventId = null) =>
        new(eventId ?? $"refund:{orderId}:{refundId}", Member, T0, orderId, refundId, [new RefundLine("l1", 1, merchandise)]);

    public static OrderRefunded RefundAmount(string orderId, string refundId, decimal amount) =>
        new($"refund:{orderId}:{refundId}", Member, T0, orderId, refundId, [], amount);

    public static OrderRefunded RefundFull(string orderId, string refundId) =>
        new($"refund:{orderId}:{refundId}", Member, T0, orderId, refundId, [], Full: true);

    public static OrderCancelled Cancelled(string orderId, string? eventId = null) =>
        new(eventId ?? $"cancel:{orderId}", Member, T0, orderId);

    public static RedemptionRequested Redeem(string requestId, string rewardId, string? eventId = null) =>
        new(eventId ?? $"redeem:{requestId}", Member, T0, requestId, rewardId, $"CODE-{requestId}");

    public static RedemptionReversed Reversed(string requestId, string reason = "code not used", string? eventId = null) =>
        new(eventId ?? $"reverse:{requestId}", Member, T0, requestId, reason);

    public static PointsAdjusted Adjusted(long points, string reason = "goodwill", string actor = "admin@shop", string? eventId = null) =>
        new(eventId ?? $"adjust:{points}", Member, T0, points, reason, actor);

    /// <summary>A store holding what <paramref name="history"/> left behind, each event applied at its own instant or <see cref="T0"/>.</summary>
    public static MemberStore History(LoyaltyProgram program, params (LoyaltyEvent Event, DateTimeOffset At)[] history)
    {
        var store = new MemberStore(program);
        foreach (var (evt, at) in history)
        {
            var decision = store.Apply(evt, at);
            if (decision?.Outcome != DecisionOutcome.Applied)
            {
                throw new InvalidOperationException($"Given step {evt.EventId} did not apply: {decision?.Outcome}.");
            }
        }

        return store;
    }

    public static MemberStore History(params LoyaltyEvent[] history) =>
        History(Program, [.. history.Select(e => (e, T0))]);

    // Issue 4: tiers, benefits, expiry, pending points, bonuses. Timer events carry the
    // program-local day they are about; each has the id a job would give it for that day.

    /// <summary>The demo program's zone, for instants written as New York wall-clock times.</summary>
    public static TimeZoneInfo NewYork { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>The plain program with the demo's four tiers and tier rules (Spend, 12 months, anniversary, one level, 30 days' grace).</summary>
    public static LoyaltyProgram Tiered { get; } = Program with
    {
        Tiers = LoyaltyProgram.Demo.Tiers,
        TierRules = LoyaltyProgram.Demo.TierRules,
    };

    /// <summary>A New York wall-clock time as an instant (EST or EDT as the date says).</summary>
    public static DateTimeOffset InNewYork(int year, int month, int day, int hour = 12, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, NewYork.GetUtcOffset(local));
    }

    /// <summary>Noon UTC of a day.</summary>
    public static DateTimeOffset Utc(int year, int month, int day, int hour = 12) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    public static OrderLine Line(string lineId, decimal merchandise, string? category = "books", string? sku = null) =>
        new(lineId, sku ?? $"SKU-{lineId}", category, 1, merchandise, 0m);

    /// <summary>A paid order placed at <paramref name="at"/> (promotions run by that instant).</summary>
    public static PurchaseCompleted PurchaseAt(string orderId, DateTimeOffset at, params OrderLine[] lines) =>
        new($"paid:{orderId}", Member, at, orderId, "USD", lines, lines.Sum(l => l.Merchandise));

    public static PurchaseCompleted PurchaseAt(string orderId, decimal merchandise, DateTimeOffset at) =>
        PurchaseAt(orderId, at, Line("l1", merchandise));

    public static BenefitUsed UseBenefit(string requestId, string benefitId, DateTimeOffset at, string? note = null) =>
        new($"benefit:{requestId}", Member, at, requestId, benefitId, note);

    public static PointsExpiryDue ExpiryDue(DateOnly asOf, DateTimeOffset at, string? eventId = null) =>
        new(eventId ?? $"expire:{asOf:yyyyMMdd}", Member, at, asOf);

    public static ExpiryReminderDue ReminderDue(DateOnly expiresOn, int leadDays, DateTimeOffset at) =>
        new($"remind:{expiresOn:yyyyMMdd}:{leadDays}", Member, at, expiresOn, leadDays);

    public static BirthdayDue BirthdayOn(DateOnly on, DateTimeOffset at, string? eventId = null) =>
        new(eventId ?? $"birthday:{on:yyyyMMdd}", Member, at, on);

    public static PendingActivationDue ActivationDue(DateOnly asOf, DateTimeOffset at, string? eventId = null) =>
        new(eventId ?? $"activate:{asOf:yyyyMMdd}", Member, at, asOf);

    public static TierReviewDue ReviewDue(DateOnly asOf, DateTimeOffset at, string? eventId = null) =>
        new(eventId ?? $"review:{asOf:yyyyMMdd}", Member, at, asOf);

    public static ReferralRecorded ReferredBy(string referrerId, string? eventId = null, string memberId = Member) =>
        new(eventId ?? $"referral:{memberId}:{referrerId}", memberId, T0, referrerId);

    /// <summary>The tier a state reads as (a null tier id is the lowest tier).</summary>
    public static string? TierOf(MemberState? state, LoyaltyProgram program) => TierMath.Find(program, state?.TierId)?.Id;
}

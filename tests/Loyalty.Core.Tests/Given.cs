
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
}

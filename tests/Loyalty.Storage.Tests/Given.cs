using Loyalty.Core;

namespace Loyalty.Storage.Tests;

/// <summary>Hand-built states and decisions (the Decider is not used here).</summary>
internal static class Given
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 30, 15, TimeSpan.FromHours(1));

    private static int s_next;

    /// <summary>A member id no other test uses.</summary>
    public static string MemberId() => $"shopify-{Interlocked.Increment(ref s_next)}-{Guid.NewGuid():N}"[..40];

    /// <summary>A member with something in every field, so a lost field shows.</summary>
    public static MemberState RichState(string memberId, long version = 1, long ledgerSequence = 2) => new()
    {
        MemberId = memberId,
        Profile = new MemberProfile("ada@example.com", "Ada", "Lovelace", new DateOnly(1990, 12, 10)),
        EnrolledAt = T0.AddTicks(1234567),
        SignUpBonusGranted = true,
        Lots = [new Lot(new DateOnly(2027, 5, 31), 100), new Lot(new DateOnly(2027, 11, 30), 250)],
        Debt = 7,
        LifetimeEarned = 400,
        LifetimeRedeemed = 50,
        Redemptions = new Dictionary<string, int> { ["free-shipping"] = 1, ["Gift.Card-10"] = 2 },
        Pending = [new PendingLot("order-1001", new DateOnly(2026, 12, 6), 40)],
        TierId = "gold",
        TierSince = T0.AddDays(-3),
        ReviewOn = new DateOnly(2027, 11, 19),
        GraceUntil = new DateOnly(2027, 12, 19),
        Qualifying = [new MonthFigures(2026, 10, 1234.56m, 1234, 3), new MonthFigures(2026, 11, 300m, 300, 1)],
        PaidOrders = 4,
        BenefitUses = new Dictionary<string, int> { ["free-delivery|2026-11"] = 2, ["birthday-gift|2026"] = 1 },
        LastBirthdayYear = 2026,
        ReferredBy = "shopify-77",
        ReferralRewarded = true,
        LedgerSequence = ledgerSequence,
        Version = version,
    };

    public static LedgerEntry Entry(long sequence, string sourceEventId, long points = 10, string kind = LedgerKinds.Earned) => new()
    {
        Sequence = sequence,
        Kind = kind,
        Points = points,
        SourceEventId = sourceEventId,
        At = T0.AddMinutes(sequence).AddTicks(1234567),
        Lots = [new LotChange(new DateOnly(2027, 11, 30), points)],
        BalanceAfter = sequence * points,
    };

    /// <summary>An Applied decision moving <paramref name="previous"/> on by one version with <paramref name="entries"/> new ledger entries.</summary>
    public static Decision Next(string memberId, MemberState? previous, string eventId, int entries = 1, OrderRecord? order = null, RedemptionRecord? redemption = null)
    {
        var start = previous?.LedgerSequence ?? 0;
        var ledger = Enumerable.Range(1, entries).Select(i => Entry(start + i, eventId)).ToList();
        var state = (previous ?? MemberState.New(memberId, null, T0)) with
        {
            Version = (previous?.Version ?? 0) + 1,
            LedgerSequence = start + entries,
            LifetimeEarned = (previous?.LifetimeEarned ?? 0) + (10 * entries),
        };
        return new Decision { Outcome = DecisionOutcome.Applied, State = state, Entries = ledger, Order = order, Redemption = redemption };
    }

    public static OrderRecord Order(string orderId) => new()
    {
        OrderId = orderId,
        Currency = "EUR",
        Merchandise = 119.90m,
        OrderTotal = 134.85m,
        PointsEarned = 119,
        Lines =
        [
            new OrderLineEarning("line-1", "SKU-1", "shoes", 1, 99.90m),
            new OrderLineEarning("line-2", null, null, 2, 20.00m),
        ],
        RefundedShare = 0.25m,
        PointsTakenBack = 29,
        Cancelled = false,
        AppliedRefundIds = ["refund-1"],
        CreditedAt = T0.AddSeconds(1),
    };

    public static RedemptionRecord Redemption(string requestId) => new()
    {
        RequestId = requestId,
        RewardId = "free-shipping",
        Code = "FS-7Q2K",
        PointsSpent = 50,
        LotsTaken = [new LotChange(new DateOnly(2027, 5, 31), -50)],
        RedeemedAt = T0.AddSeconds(2),
        BalanceAfter = 343,
        Reversed = false,
    };
}

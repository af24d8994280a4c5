using Loyalty.App.Http;
using Loyalty.Core;

namespace Loyalty.App.MemberPage;

/// <summary>
/// What the member's page shows, and nothing more: the first name (no e-mail, phone or birthday),
/// points, tier, benefits, the catalog with what the member can redeem now, and their codes.
/// </summary>
/// <param name="Balance">Points the member can spend now (the same figure as <c>GET /api/members/{memberId}</c>).</param>
/// <param name="Expiring">Every open batch of points with its expiry day, soonest first (no day: never expires).</param>
/// <param name="Rewards">The catalog open to the member's tier, each with <c>canRedeem</c> and, when not, why.</param>
/// <param name="Codes">The member's redemptions, newest first, with their codes and whether each is used.</param>
public sealed record MemberPageView(
    string MemberId,
    string? FirstName,
    long Balance,
    long PendingPoints,
    IReadOnlyList<MemberPageView.PendingView> Pending,
    IReadOnlyList<MemberPageView.ExpiringView> Expiring,
    MemberPageView.TierProgress? Tier,
    IReadOnlyList<MemberView.BenefitView> Benefits,
    IReadOnlyList<MemberPageView.RewardView> Rewards,
    IReadOnlyList<MemberPageView.CodeView> Codes,
    string Currency)
{
    /// <summary>The status of a code the shop's checkout has taken (written by the order that used it).</summary>
    public const string Used = "used";

    /// <summary>Builds the view as of <paramref name="now"/>.</summary>
    public static MemberPageView From(MemberState state, IReadOnlyList<RedemptionRecord> redemptions, IReadOnlyList<DiscountOrder> discounts, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(program);
        var balance = program.AllowNegativeBalance ? state.Balance : state.Spendable;
        var today = program.LocalDate(now);
        var tier = TierMath.Find(program, state.TierId);
        TierProgress? progress = null;
        if (tier is not null)
        {
            var figure = TierMath.Rolling(state.Qualifying, program, today);
            var next = program.Tiers.FirstOrDefault(t => t.Threshold > tier.Threshold);
            progress = new TierProgress(tier.Id, tier.Name, program.TierRules.Measure, figure, tier.Threshold, next?.Name, next?.Threshold, next is null ? null : Math.Max(0m, next.Threshold - figure));
        }

        var byRequest = discounts.ToDictionary(d => d.RequestId, StringComparer.Ordinal);
        return new(
            state.MemberId,
            state.Profile.FirstName,
            balance,
            state.PendingPoints,
            [.. state.Pending.OrderBy(p => p.ActivatesOn).Select(p => new PendingView(p.Points, p.ActivatesOn))],
            [.. state.Lots.OrderBy(l => l.ExpiresOn).Select(l => new ExpiringView(l.Points, l.ExpiresOn == DateOnly.MaxValue ? null : l.ExpiresOn))],
            progress,
            MemberView.BenefitsOf(state, program, now),
            [.. program.Rewards.Where(r => r.OpenTo(state.TierId, program)).Select(r => Reward(r, state, balance))],
            [.. redemptions.OrderByDescending(r => r.RedeemedAt).Select(r => Code(r, byRequest.GetValueOrDefault(r.RequestId), program))],
            program.Currency);
    }

    // The decider's own rules decide the redemption; this only says which buttons to show.
    private static RewardView Reward(Reward r, MemberState state, long balance)
    {
        var redeemed = state.Redemptions.GetValueOrDefault(r.Id);
        string? reason = r.PerMemberLimit is { } limit && redeemed >= limit ? RefusalCodes.LimitReached
            : balance < r.PointsCost ? RefusalCodes.InsufficientPoints
            : null;
        return new RewardView(r.Id, r.Name, r.Kind, r.PointsCost, r.Value, reason is null, reason, balance < r.PointsCost ? r.PointsCost - balance : 0);
    }

    private static CodeView Code(RedemptionRecord r, DiscountOrder? discount, LoyaltyProgram program)
    {
        // Like the redemption route: no code while the shop's discount is on its way or was refused.
        var status = r.Reversed ? "reversed" : r.UsedAt is not null ? Used : discount?.Status switch
        {
            null or DiscountStatuses.Created => "ready",
            DiscountStatuses.Waiting or DiscountStatuses.Creating => "on-its-way",
            var s => s,
        };
        var showCode = status is "ready" or Used;
        return new CodeView(r.RequestId, r.RewardId, program.FindReward(r.RewardId)?.Name ?? r.RewardId, showCode ? r.Code : null, r.PointsSpent, r.RedeemedAt, status, status == Used, discount?.ExpiresAt);
    }

    /// <summary>Purchase points that become spendable on <paramref name="ActivatesOn"/>.</summary>
    public sealed record PendingView(long Points, DateOnly ActivatesOn);

    /// <summary>A batch of points and the program-local day it expires (null: never).</summary>
    public sealed record ExpiringView(long Points, DateOnly? ExpiresOn);

    /// <summary>The member's tier and the way to the next one (<paramref name="ToNextTier"/> of the <paramref name="Measure"/>; null at the top).</summary>
    public sealed record TierProgress(string Id, string Name, TierMeasure Measure, decimal Qualifying, decimal Threshold, string? NextTierName, decimal? NextThreshold, decimal? ToNextTier);

    /// <summary>A reward of the catalog: whether this member can redeem it now, else why, and how many points are missing.</summary>
    public sealed record RewardView(string Id, string Name, RewardKind Kind, long PointsCost, decimal? Value, bool CanRedeem, string? Reason, long PointsMissing);

    /// <summary>
    /// A redemption: its code (null while the shop's discount is on its way, refused or reversed),
    /// <paramref name="Status"/> <c>ready</c>, <c>on-its-way</c>, <c>used</c>, <c>refused</c> or
    /// <c>reversed</c> (or what the discount row says), and when the code stops working.
    /// </summary>
    public sealed record CodeView(string RequestId, string RewardId, string RewardName, string? Code, long PointsSpent, DateTimeOffset RedeemedAt, string Status, bool Used, DateTimeOffset? ExpiresAt);
}

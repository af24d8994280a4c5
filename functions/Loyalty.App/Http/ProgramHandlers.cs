using Loyalty.Core;
using Microsoft.AspNetCore.Http;

namespace Loyalty.App.Http;

/// <summary><c>GET /api/program</c>: the program and its rewards, public (a shop's storefront shows them).</summary>
public sealed class ProgramHandlers(LoyaltyProgram program)
{
    /// <summary>The program view.</summary>
    public IResult Get() => Results.Json(
        new ProgramView(
            program.Currency,
            program.EarnRate,
            program.Rounding,
            program.PointsLifetimeDays,
            program.SignUpBonus,
            program.AllowNegativeBalance,
            program.TimeZone,
            program.Rewards.Select(r => new RewardView(r.Id, r.Name, r.Kind, r.PointsCost, r.Value, r.Sku, r.PerMemberLimit, r.Tiers is { Count: > 0 } ? r.Tiers : null, r.GlobalLimit)).ToList(),
            program.Tiers,
            program.TierRules,
            program.ExpiryMode,
            program.PendingDays,
            program.ReminderLeadDays,
            program.BirthdayBonus,
            program.ReferrerBonus,
            program.FriendBonus,
            program.Promotions),
        EventEnvelope.Json);

    /// <summary>The program as the API shows it.</summary>
    public sealed record ProgramView(
        string Currency,
        decimal EarnRate,
        RoundingMode Rounding,
        int PointsLifetimeDays,
        long SignUpBonus,
        bool AllowNegativeBalance,
        string TimeZone,
        IReadOnlyList<RewardView> Rewards,
        IReadOnlyList<Tier> Tiers,
        TierRules TierRules,
        ExpiryMode ExpiryMode,
        int PendingDays,
        IReadOnlyList<int> ReminderLeadDays,
        long BirthdayBonus,
        long ReferrerBonus,
        long FriendBonus,
        IReadOnlyList<Promotion> Promotions);

    /// <summary>A reward as the API shows it.</summary>
    /// <param name="Tiers">The tiers whose members may redeem it; null: every member.</param>
    /// <param name="GlobalLimit">How many may be redeemed across all members; null: no limit.</param>
    public sealed record RewardView(string Id, string Name, RewardKind Kind, long PointsCost, decimal? Value, string? Sku, int? PerMemberLimit, IReadOnlyList<string>? Tiers = null, int? GlobalLimit = null);
}

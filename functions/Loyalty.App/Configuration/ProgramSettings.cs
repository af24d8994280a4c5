using Loyalty.Core;
using Microsoft.Extensions.Configuration;

namespace Loyalty.App.Configuration;

/// <summary>
/// Reads the program from <c>Loyalty:Program</c>. Each setting left out keeps the demo
/// program's value, so a shop changes only what differs; a list (rewards, tiers, promotions,
/// reminder lead days) is replaced as a whole when any item of it is configured.
/// </summary>
public static class ProgramSettings
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Program";

    /// <summary>The configured program (not yet validated).</summary>
    public static LoyaltyProgram Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var demo = LoyaltyProgram.Demo;
        var dto = section.Get<Dto>() ?? new Dto();
        return demo with
        {
            Currency = dto.Currency ?? demo.Currency,
            EarnRate = dto.EarnRate ?? demo.EarnRate,
            Rounding = dto.Rounding ?? demo.Rounding,
            PointsLifetimeDays = dto.PointsLifetimeDays ?? demo.PointsLifetimeDays,
            SignUpBonus = dto.SignUpBonus ?? demo.SignUpBonus,
            AllowNegativeBalance = dto.AllowNegativeBalance ?? demo.AllowNegativeBalance,
            TimeZone = dto.TimeZone ?? demo.TimeZone,
            Rewards = dto.Rewards is { Count: > 0 } rewards
                ? rewards.Select(r => new Reward(r.Id ?? string.Empty, r.Name ?? string.Empty, r.Kind, r.PointsCost, r.Value, r.Sku, r.PerMemberLimit, r.ProductId, r.ValidityDays, r.Tiers, r.GlobalLimit, r.RefundOnExpiry)).ToList()
                : demo.Rewards,
            Tiers = dto.Tiers is { Count: > 0 } tiers
                ? tiers.Select(t => new Tier(
                    t.Id ?? string.Empty,
                    t.Name ?? string.Empty,
                    t.Threshold,
                    t.Multiplier ?? 1m,
                    (t.Benefits ?? []).Select(b => new BenefitGrant(b.Id ?? string.Empty, b.Name ?? string.Empty, b.Quota, b.Period)).ToList())).ToList()
                : demo.Tiers,
            TierRules = dto.TierRules is { } rules
                ? new TierRules
                {
                    Measure = rules.Measure ?? demo.TierRules.Measure,
                    WindowMonths = rules.WindowMonths ?? demo.TierRules.WindowMonths,
                    Review = rules.Review ?? demo.TierRules.Review,
                    ReviewMonth = rules.ReviewMonth ?? demo.TierRules.ReviewMonth,
                    ReviewDay = rules.ReviewDay ?? demo.TierRules.ReviewDay,
                    Downgrade = rules.Downgrade ?? demo.TierRules.Downgrade,
                    GraceDays = rules.GraceDays ?? demo.TierRules.GraceDays,
                }
                : demo.TierRules,
            ExpiryMode = dto.ExpiryMode ?? demo.ExpiryMode,
            PendingDays = dto.PendingDays ?? demo.PendingDays,
            ReminderLeadDays = dto.ReminderLeadDays is { Count: > 0 } leads ? leads : demo.ReminderLeadDays,
            BirthdayBonus = dto.BirthdayBonus ?? demo.BirthdayBonus,
            BirthdayOffer = dto.BirthdayOffer ?? demo.BirthdayOffer,
            ReferrerBonus = dto.ReferrerBonus ?? demo.ReferrerBonus,
            FriendBonus = dto.FriendBonus ?? demo.FriendBonus,
            Promotions = dto.Promotions is { Count: > 0 } promotions
                ? promotions.Select(p => new Promotion(
                    p.Id ?? string.Empty,
                    p.Name ?? string.Empty,
                    p.StartsOn,
                    p.EndsOn,
                    p.Multiplier,
                    p.Bonus,
                    p.Categories,
                    p.Skus,
                    p.Tiers,
                    p.Enabled ?? true)).ToList()
                : demo.Promotions,
            MaxPointsPerEvent = dto.MaxPointsPerEvent ?? demo.MaxPointsPerEvent,
            MaxPointsPerMemberPerDay = dto.MaxPointsPerMemberPerDay ?? demo.MaxPointsPerMemberPerDay,
            PointValue = dto.PointValue ?? demo.PointValue,
            Segments = new SegmentRules(
                dto.Segments?.AtRiskDays ?? demo.Segments.AtRiskDays,
                dto.Segments?.LapsedDays ?? demo.Segments.LapsedDays,
                dto.Segments?.LifetimeYears ?? demo.Segments.LifetimeYears),
        };
    }

    /// <summary>Reads and validates the program; throws naming every bad setting.</summary>
    public static LoyaltyProgram ReadValidated(IConfiguration configuration)
    {
        var program = Read(configuration) with
        {
            Messaging = Messaging.MessagingSettings.ReadRules(configuration),
            Discounts = Rewards.DiscountSettings.ReadRules(configuration),
        };
        var errors = program.Validate().Select(e => Section + ":" + e)
            .Concat(program.Messaging.Validate().Select(e => "Loyalty:" + e))
            .Concat(program.Discounts.Validate().Select(e => "Loyalty:" + e)).ToList();
        return errors.Count == 0
            ? program
            : throw new InvalidOperationException("Invalid program settings: " + string.Join(" ", errors));
    }

    private sealed class Dto
    {
        public string? Currency { get; set; }

        public decimal? EarnRate { get; set; }

        public RoundingMode? Rounding { get; set; }

        public int? PointsLifetimeDays { get; set; }

        public long? SignUpBonus { get; set; }

        public bool? AllowNegativeBalance { get; set; }

        public string? TimeZone { get; set; }

        public long? MaxPointsPerEvent { get; set; }

        public long? MaxPointsPerMemberPerDay { get; set; }

        public decimal? PointValue { get; set; }

        public SegmentsDto? Segments { get; set; }

        public List<RewardDto>? Rewards { get; set; }

        public List<TierDto>? Tiers { get; set; }

        public TierRulesDto? TierRules { get; set; }

        public ExpiryMode? ExpiryMode { get; set; }

        public int? PendingDays { get; set; }

        public List<int>? ReminderLeadDays { get; set; }

        public long? BirthdayBonus { get; set; }

        public string? BirthdayOffer { get; set; }

        public long? ReferrerBonus { get; set; }

        public long? FriendBonus { get; set; }

        public List<PromotionDto>? Promotions { get; set; }
    }

    private sealed class SegmentsDto
    {
        public int? AtRiskDays { get; set; }

        public int? LapsedDays { get; set; }

        public decimal? LifetimeYears { get; set; }
    }

    private sealed class TierDto
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public decimal Threshold { get; set; }

        public decimal? Multiplier { get; set; }

        public List<BenefitDto>? Benefits { get; set; }
    }

    private sealed class BenefitDto
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public int? Quota { get; set; }

        public BenefitPeriod Period { get; set; }
    }

    private sealed class TierRulesDto
    {
        public TierMeasure? Measure { get; set; }

        public int? WindowMonths { get; set; }

        public TierReviewMode? Review { get; set; }

        public int? ReviewMonth { get; set; }

        public int? ReviewDay { get; set; }

        public DowngradeMode? Downgrade { get; set; }

        public int? GraceDays { get; set; }
    }

    private sealed class PromotionDto
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public DateOnly StartsOn { get; set; }

        public DateOnly EndsOn { get; set; }

        public decimal? Multiplier { get; set; }

        public long? Bonus { get; set; }

        public List<string>? Categories { get; set; }

        public List<string>? Skus { get; set; }

        public List<string>? Tiers { get; set; }

        public bool? Enabled { get; set; }
    }

    private sealed class RewardDto
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public RewardKind Kind { get; set; }

        public long PointsCost { get; set; }

        public decimal? Value { get; set; }

        public string? Sku { get; set; }

        public int? PerMemberLimit { get; set; }

        public string? ProductId { get; set; }

        public int? ValidityDays { get; set; }

        public List<string>? Tiers { get; set; }

        public int? GlobalLimit { get; set; }

        public bool? RefundOnExpiry { get; set; }
    }
}

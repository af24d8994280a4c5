using Loyalty.Core;
using Microsoft.Extensions.Configuration;

namespace Loyalty.App.Configuration;

/// <summary>
/// Reads the program from <c>Loyalty:Program</c>. Each setting left out keeps the demo
/// program's value, so a shop changes only what differs; the rewards list is replaced as a
/// whole when any reward is configured.
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
                ? rewards.Select(r => new Reward(r.Id ?? string.Empty, r.Name ?? string.Empty, r.Kind, r.PointsCost, r.Value, r.Sku, r.PerMemberLimit)).ToList()
                : demo.Rewards,
        };
    }

    /// <summary>Reads and validates the program; throws naming every bad setting.</summary>
    public static LoyaltyProgram ReadValidated(IConfiguration configuration)
    {
        var program = Read(configuration);
        var errors = program.Validate();
        return errors.Count == 0
            ? program
            : throw new InvalidOperationException("Invalid program settings: " + string.Join(" ", errors.Select(e => Section + ":" + e)));
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

        public List<RewardDto>? Rewards { get; set; }
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
    }
}


namespace Loyalty.Core.Tests;

public sealed class LoyaltyProgramTests
{
    [Fact]
    public void Demo_program_is_valid()
    {
        Assert.Empty(LoyaltyProgram.Demo.Validate());
    }

    [Fact]
    public void Demo_program_offers_a_reward_a_first_order_can_reach()
    {
        Assert.Contains(LoyaltyProgram.Demo.Rewards, r => r.PointsCost <= 100);
    }

    [Fact]
    public void Demo_program_earns_123_points_on_123_45()
    {
        Assert.Equal(123, Decider.PointsFor(123.45m, LoyaltyProgram.Demo));
    }

    public static TheoryData<string, LoyaltyProgram> BadPrograms() => new()
    {
        { "Currency:", LoyaltyProgram.Demo with { Currency = "usd" } },
        { "Currency:", LoyaltyProgram.Demo with { Currency = "DOLLARS" } },
        { "EarnRate:", LoyaltyProgram.Demo with { EarnRate = 0m } },
        { "EarnRate:", LoyaltyProgram.Demo with { EarnRate = 1001m } },
        { "Rounding:", LoyaltyProgram.Demo with { Rounding = (RoundingMode)42 } },
        { "PointsLifetimeDays:", LoyaltyProgram.Demo with { PointsLifetimeDays = -1 } },
        { "SignUpBonus:", LoyaltyProgram.Demo with { SignUpBonus = -5 } },
        { "TimeZone:", LoyaltyProgram.Demo with { TimeZone = "Mars/Olympus_Mons" } },
        { "Rewards[0].Id:", LoyaltyProgram.Demo with { Rewards = [new Reward("no spaces", "x", RewardKind.Gift, 10)] } },
        { "Rewards[1].Id:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", RewardKind.Gift, 10), new Reward("a", "y", RewardKind.Gift, 10)] } },
        { "Rewards[0].Name:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", " ", RewardKind.Gift, 10)] } },
        { "Rewards[0].PointsCost:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", RewardKind.Gift, 0)] } },
        { "Rewards[0].PerMemberLimit:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", RewardKind.Gift, 10, PerMemberLimit: 0)] } },
        { "Rewards[0].Value:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", RewardKind.FixedDiscount, 10)] } },
        { "Rewards[0].Value:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", RewardKind.PercentDiscount, 10, Value: 150m)] } },
        { "Rewards[0].Kind:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", (RewardKind)99, 10)] } },
        { "Rewards[0].Tiers:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", RewardKind.Service, 10, Tiers: ["gold", "platinum"])] } },
        { "Rewards[0].GlobalLimit:", LoyaltyProgram.Demo with { Rewards = [new Reward("a", "x", RewardKind.Service, 10, GlobalLimit: 0)] } },
    };

    [Theory]
    [MemberData(nameof(BadPrograms))]
    public void Validate_names_the_field_at_fault(string field, LoyaltyProgram program)
    {
        var error = Assert.Single(program.Validate());

        Assert.StartsWith(field, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_reports_every_problem_at_once()
    {
        var program = LoyaltyProgram.Demo with { Currency = "", EarnRate = -1m, TimeZone = "" };

        Assert.Equal(3, program.Validate().Count);
    }
}

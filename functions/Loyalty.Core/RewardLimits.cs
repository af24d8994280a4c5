namespace Loyalty.Core;

/// <summary>
/// A reward's global limit (first come, first served across all members). The count is kept
/// outside the member partitions (a shared row the App claims before the member's commit); these
/// are the rules it is claimed and given back by.
/// </summary>
public static class RewardLimits
{
    /// <summary>Whether one more may be redeemed when <paramref name="taken"/> already are.</summary>
    public static bool HasRoom(Reward reward, long taken)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return reward.GlobalLimit is not { } limit || taken < limit;
    }

    /// <summary>The refusal of a redemption when every one has been redeemed.</summary>
    public static Refusal SoldOut(Reward reward)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return new(RefusalCodes.SoldOut, $"'{reward.Name}' is sold out: all {reward.GlobalLimit} have been redeemed.");
    }

    /// <summary>
    /// The limited reward <paramref name="decision"/> takes one of: a redemption the rules accepted
    /// of a reward with a global limit; null for anything else.
    /// </summary>
    public static Reward? Takes(LoyaltyEvent evt, Decision decision, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(program);
        return evt is RedemptionRequested && decision.Outcome == DecisionOutcome.Applied && decision.Redemption is { Reversed: false } r
            && program.FindReward(r.RewardId) is { GlobalLimit: not null } reward
            ? reward
            : null;
    }

    /// <summary>
    /// The limited reward <paramref name="decision"/> gives one back of: it reverses a redemption
    /// (the admin's reversal, a shop that refused the discount, a code that expired and refunded).
    /// </summary>
    public static Reward? GivesBack(RedemptionRecord? before, Decision decision, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(program);
        return decision.Outcome == DecisionOutcome.Applied && before is { Reversed: false } && decision.Redemption is { Reversed: true } r
            && program.FindReward(r.RewardId) is { GlobalLimit: not null } reward
            ? reward
            : null;
    }
}

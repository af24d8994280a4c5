namespace Loyalty.Core;

/// <summary>
/// The program's limits on new points: at most <see cref="LoyaltyProgram.MaxPointsPerEvent"/>
/// from one event and <see cref="LoyaltyProgram.MaxPointsPerMemberPerDay"/> for one member in
/// one program-local day. A decision beyond either is held (nothing written) until the owner
/// approves it; an approved one is applied as decided and counts towards the day.
/// </summary>
public static class CreditLimits
{
    // New points: what purchases, bonuses and positive adjustments add, pending points
    // included. Giving back what was already the member's (a reversed redemption, pending
    // points activating) mints nothing.
    private static readonly HashSet<string> CreditKinds =
    [
        LedgerKinds.SignUpBonus, LedgerKinds.Earned, LedgerKinds.Adjusted, LedgerKinds.BirthdayBonus, LedgerKinds.ReferralBonus,
    ];

    /// <summary>New points that <paramref name="entries"/> credit (debt they repay included).</summary>
    public static long NewPoints(IEnumerable<LedgerEntry> entries) =>
        entries.Where(e => CreditKinds.Contains(e.Kind)).Sum(e => Math.Max(0, e.Points + e.PendingChange));

    /// <summary>
    /// <paramref name="decision"/> as it may be committed: held when over a limit and not
    /// <paramref name="approved"/>; otherwise with the member's credit of the day updated.
    /// </summary>
    public static Decision Enforce(MemberState? before, Decision decision, bool approved, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(program);
        var credit = NewPoints(decision.Entries);
        if (decision.Outcome != DecisionOutcome.Applied || decision.State is null || credit == 0)
        {
            return decision;
        }

        var today = program.LocalDate(now);
        var earlier = before?.CreditDay == today ? before.CreditedThatDay : 0;
        if (!approved)
        {
            string? over = credit > program.MaxPointsPerEvent
                ? $"The event credits {credit} points; events over {program.MaxPointsPerEvent} wait for the owner's approval."
                : earlier + credit > program.MaxPointsPerMemberPerDay
                    ? $"The event credits {credit} points on top of {earlier} already credited today; over {program.MaxPointsPerMemberPerDay} a day they wait for the owner's approval."
                    : null;
            if (over is not null)
            {
                // The entries stay on the decision to say what approval would write; the state does not change.
                return new Decision { Outcome = DecisionOutcome.Held, State = before, Entries = decision.Entries, Refusals = [new Refusal(RefusalCodes.OverLimit, over)] };
            }
        }

        return decision with { State = decision.State with { CreditDay = today, CreditedThatDay = earlier + credit } };
    }
}

namespace Loyalty.Core;

/// <summary>The rules: given a member, an event, the program and the time, decide what changes.</summary>
public static class Decider
{
    /// <summary>The rows besides the state row that deciding <paramref name="evt"/> needs, to read by key first.</summary>
    public static (string? OrderId, string? RedemptionRequestId) Needs(LoyaltyEvent evt) => evt switch
    {
        PurchaseCompleted p => (p.OrderId, null),
        OrderRefunded r => (r.OrderId, null),
        OrderCancelled c => (c.OrderId, null),
        RedemptionRequested q => (null, q.RequestId),
        RedemptionReversed v => (null, v.RequestId),
        _ => (null, null),
    };

    /// <summary>
    /// Decides <paramref name="evt"/> for a member (<paramref name="state"/> is null when the
    /// member does not exist yet). Pure: the same inputs give the same decision.
    /// </summary>
    public static Decision Decide(MemberState? state, LoyaltyEvent evt, DecisionInputs inputs, LoyaltyProgram program, DateTimeOffset now) =>
        throw new NotImplementedException("Decider.Decide is being written.");
}

namespace Loyalty.Core;

public static partial class Decider
{
    /// <summary>The profile of an erased member: nothing but a withdrawn marketing consent.</summary>
    public static MemberProfile ErasedProfile { get; } = new(MarketingConsent: false);

    // Erasure strips the state of everything personal (profile, the refused address); points,
    // lots, amounts, dates and the tier stay. The other rows that hold personal data are
    // rewritten by the erasure that sends this event (App's Privacy/MemberErasure).
    private static Decision Erase(MemberState? state, MemberErased e, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        if (state.Erased)
        {
            return AlreadyApplied(state);
        }

        if (!ErasureReasons.All.Contains(e.Reason))
        {
            return Refused(state, RefusalCodes.Invalid, $"reason: one of {string.Join(", ", ErasureReasons.All)}.");
        }

        return Draft.Start(state with { Profile = ErasedProfile, Erased = true, Unsubscribed = true, BouncedEmail = null }, e, now)
            .Note(new Posting(LedgerKinds.Erased, Reason: $"personal data erased ({e.Reason})"))
            .Applied();
    }

    // A later event of an erased member (a Shopify order with the customer's e-mail, an import
    // row, feedback) is applied without what would bring personal data back.
    private static Decision KeepErased(Decision decision) => decision.State is not { } s
        ? decision
        : decision with
        {
            State = s with { Profile = ErasedProfile, BouncedEmail = null },
            Note = decision.Note is { } note ? note with { Text = null } : null,
        };
}

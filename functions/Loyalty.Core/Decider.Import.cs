namespace Loyalty.Core;

public static partial class Decider
{
    // A member moving in from the shop's spreadsheet. The opening balance is one lot of kind
    // `imported` (not earned here: no sign-up bonus, no welcome message, no credit limit, no
    // tier qualification); the spreadsheet's tier is set with its reason on the ledger. A
    // member is imported once: the same file again is already applied, another file refused.
    private static Decision Import(MemberState? state, MemberImported e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state?.ImportedFrom == e.FileHash)
        {
            return AlreadyApplied(state);
        }

        if (state?.ImportedFrom is not null)
        {
            return Refused(state, RefusalCodes.AlreadyImported, "The member was already imported from another file; adjust the points instead.");
        }

        var today = program.LocalDate(now);
        var tier = e.TierId is null ? null : program.Tiers.FirstOrDefault(t => t.Id == e.TierId);
        var problem = e.OpeningBalance < 0 || e.OpeningBalance > PointsCeiling ? Invariant($"points: a whole number from 0 to {PointsCeiling}.")
            : e.LotExpiresOn is { } day && day < today ? "points expire: the day is past."
            : e.TierId is not null && tier is null ? "tier: not a tier of the program."
            : e.LifetimeSpend < 0 ? "lifetime spend: negative."
            : null;
        if (problem is not null)
        {
            return Refused(state, RefusalCodes.Invalid, problem);
        }

        var draft = state is null
            ? Draft.Start(MemberState.New(e.MemberId, e.Profile, now) with { SignUpBonusGranted = true }, e, now)
            : Draft.Start(state with { Profile = e.Profile.Merge(state.Profile) }, e, now);
        draft = draft.With(s => s with
        {
            ImportedFrom = e.FileHash,
            LifetimeSpend = s.LifetimeSpend + (e.LifetimeSpend ?? 0m),
            LastPurchaseAt = e.LastPurchaseAt is { } last && (s.LastPurchaseAt is null || s.LastPurchaseAt < last) ? last : s.LastPurchaseAt,
        });
        if (e.OpeningBalance > 0)
        {
            var expiry = e.LotExpiresOn ?? Lots.ExpiryFor(program, now);
            var reason = Invariant($"opening balance imported from file {e.FileHash}") + (e.LotExpiresOn is null ? string.Empty : Invariant($", expiring at the end of {expiry:yyyy-MM-dd} as the file says"));
            draft = draft.Credit(new Posting(LedgerKinds.Imported, Reason: reason), [new LotChange(expiry, e.OpeningBalance)], program);
        }

        if (tier is not null && tier.Id != (TierMath.Find(program, draft.State.TierId)?.Id))
        {
            var from = TierMath.Find(program, draft.State.TierId)!;
            var lowest = TierMath.Level(program, tier.Id) == 0;
            draft = draft
                .With(s => s with { TierId = tier.Id, TierSince = now, ReviewOn = lowest ? null : TierMath.NextReview(program, today), GraceUntil = null })
                .Note(new Posting(LedgerKinds.TierChanged, Reason: $"{from.Name} → {tier.Name}: imported from file {e.FileHash} (the shop's spreadsheet){(lowest ? string.Empty : Invariant($"; reviewed on {TierMath.NextReview(program, today):yyyy-MM-dd} on the program's rules"))}", TierId: tier.Id));
        }

        return draft.Applied();
    }
}

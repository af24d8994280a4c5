namespace Loyalty.Core;

public static partial class Decider
{
    /// <summary>What a ledger entry says besides the figures.</summary>
    private sealed record Posting(string Kind, string? OrderId = null, string? RewardId = null, string? Reason = null, string? Actor = null);

    /// <summary>
    /// A decision being built: the state so far and the entries posted so far. Each posting
    /// moves lots and debt together, so every entry keeps Points = Σ lot changes − debt change.
    /// </summary>
    private sealed record Draft(MemberState State, IReadOnlyList<LedgerEntry> Entries, string SourceEventId, DateTimeOffset Now)
    {
        public static Draft Start(MemberState state, LoyaltyEvent evt, DateTimeOffset now) => new(state, [], evt.EventId, now);

        /// <summary>Grants the sign-up bonus to a member who has just been created.</summary>
        public Draft GrantSignUpBonus(LoyaltyProgram program)
        {
            var bonus = program.SignUpBonus;
            return bonus <= 0 || State.SignUpBonusGranted
                ? this
                : Credit(new Posting(LedgerKinds.SignUpBonus, Reason: "sign-up bonus"), [new LotChange(Lots.ExpiryFor(program, Now), bonus)])
                    .With(s => s with { SignUpBonusGranted = true, LifetimeEarned = s.LifetimeEarned + bonus });
        }

        /// <summary>Adds points to the given expiry days; outstanding debt is paid first, from the earliest days.</summary>
        public Draft Credit(Posting posting, IReadOnlyList<LotChange> additions)
        {
            var debtLeft = State.Debt;
            var toLots = new List<LotChange>();
            foreach (var add in additions.OrderBy(a => a.ExpiresOn))
            {
                var pay = Math.Min(debtLeft, add.Points);
                debtLeft -= pay;
                if (add.Points > pay)
                {
                    toLots.Add(add with { Points = add.Points - pay });
                }
            }

            return Post(posting, Lots.Add(State.Lots, toLots), toLots, debtChange: debtLeft - State.Debt);
        }

        /// <summary>Takes points from the lots, earliest expiry first; with <paramref name="allowDebt"/> the shortfall becomes debt.</summary>
        public Draft Debit(Posting posting, long points, bool allowDebt)
        {
            var (lots, taken, shortfall) = Lots.Take(State.Lots, points);
            if (shortfall > 0 && !allowDebt)
            {
                throw new InvalidOperationException($"{posting.Kind}: the lots cannot cover {points} points; check the balance first.");
            }

            return Post(posting, lots, taken, debtChange: shortfall);
        }

        public Draft With(Func<MemberState, MemberState> change) => this with { State = change(State) };

        public Decision Applied(OrderRecord? order = null, RedemptionRecord? redemption = null) => new()
        {
            Outcome = DecisionOutcome.Applied,
            State = State with { Version = State.Version + 1 },
            Entries = Entries,
            Order = order,
            Redemption = redemption,
        };

        private Draft Post(Posting posting, IReadOnlyList<Lot> lots, IReadOnlyList<LotChange> changes, long debtChange)
        {
            var state = State with
            {
                Lots = lots,
                Debt = State.Debt + debtChange,
                LedgerSequence = State.LedgerSequence + 1,
            };
            var entry = new LedgerEntry
            {
                Sequence = state.LedgerSequence,
                Kind = posting.Kind,
                Points = changes.Sum(c => c.Points) - debtChange,
                SourceEventId = SourceEventId,
                At = Now,
                Lots = changes,
                DebtChange = debtChange,
                BalanceAfter = state.Balance,
                OrderId = posting.OrderId,
                RewardId = posting.RewardId,
                Reason = posting.Reason,
                Actor = posting.Actor,
            };
            return this with { State = state, Entries = [.. Entries, entry] };
        }
    }
}

namespace Loyalty.Core;

public static partial class Decider
{
    /// <summary>What a ledger entry says besides the figures.</summary>
    private sealed record Posting(string Kind, string? OrderId = null, string? RewardId = null, string? Reason = null, string? Actor = null, string? TierId = null, string? BenefitId = null);

    /// <summary>
    /// A decision being built: the state so far and the entries posted so far. Each posting
    /// moves lots and debt together, so every entry keeps Points = Σ lot changes − debt change.
    /// </summary>
    private sealed record Draft(MemberState State, IReadOnlyList<LedgerEntry> Entries, string SourceEventId, DateTimeOffset Now)
    {
        public IReadOnlyList<OutboxMessage> Messages { get; init; } = [];

        public IReadOnlyList<LoyaltyEvent> FollowUps { get; init; } = [];

        public static Draft Start(MemberState state, LoyaltyEvent evt, DateTimeOffset now) => new(state, [], evt.EventId, now);

        /// <summary>Grants the sign-up bonus to a member who has just been created.</summary>
        public Draft GrantSignUpBonus(LoyaltyProgram program)
        {
            var bonus = program.SignUpBonus;
            return bonus <= 0 || State.SignUpBonusGranted
                ? this
                : Credit(new Posting(LedgerKinds.SignUpBonus, Reason: "sign-up bonus"), [new LotChange(Lots.ExpiryFor(program, Now), bonus)], program)
                    .With(s => s with { SignUpBonusGranted = true, LifetimeEarned = s.LifetimeEarned + bonus });
        }

        /// <summary>
        /// Adds points to the given expiry days; outstanding debt is paid first, from the earliest
        /// days. With <paramref name="program"/> in <see cref="ExpiryMode.ActivityExtends"/> every
        /// open lot moves out to the latest day (the moves go on the same entry, summing to 0).
        /// </summary>
        public Draft Credit(Posting posting, IReadOnlyList<LotChange> additions, LoyaltyProgram? program = null, long pendingChange = 0)
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

            var lots = Lots.Add(State.Lots, toLots);
            if (program?.ExpiryMode == ExpiryMode.ActivityExtends && toLots.Count > 0)
            {
                // Never shortens a lot: one that already lives longer sets the day for all.
                var newest = lots.Max(l => l.ExpiresOn);
                foreach (var lot in lots.Where(l => l.ExpiresOn < newest))
                {
                    toLots.Add(new LotChange(lot.ExpiresOn, -lot.Points));
                    toLots.Add(new LotChange(newest, lot.Points));
                }

                lots = [new Lot(newest, lots.Sum(l => l.Points))];
            }

            return Post(posting, lots, toLots, debtChange: debtLeft - State.Debt, pendingChange);
        }

        /// <summary>An entry that moves no points (a tier change, a benefit use).</summary>
        public Draft Note(Posting posting) => Post(posting, State.Lots, [], debtChange: 0);

        /// <summary>Points that wait out the return window: on the ledger as pending, not in the balance.</summary>
        public Draft AddPending(Posting posting, PendingLot pending) =>
            (this with { State = State with { Pending = [.. State.Pending, pending] } })
                .Post(posting, State.Lots, [], debtChange: 0, pendingChange: pending.Points);

        /// <summary>Takes up to <paramref name="points"/> from the pending points of one order; returns the draft and what it took.</summary>
        public (Draft Draft, long Taken) TakePending(Posting posting, string orderId, long points)
        {
            var left = points;
            var pending = new List<PendingLot>();
            foreach (var p in State.Pending)
            {
                var take = p.OrderId == orderId ? Math.Min(left, p.Points) : 0;
                left -= take;
                if (p.Points - take > 0)
                {
                    pending.Add(p with { Points = p.Points - take });
                }
            }

            var taken = points - left;
            return taken == 0
                ? (this, 0)
                : ((this with { State = State with { Pending = pending } }).Post(posting, State.Lots, [], debtChange: 0, pendingChange: -taken), taken);
        }

        public Draft Message(OutboxMessage message) => this with { Messages = [.. Messages, message] };

        /// <summary>A new message, due now, in the category the program gives its kind.</summary>
        public Draft Notify(LoyaltyProgram program, OutboxMessage message) =>
            Message(message with { DueAt = Now, Category = program.Messaging.CategoryOf(message.Kind), Status = MessageStatuses.Waiting });

        /// <summary>The welcome message of a member this decision creates.</summary>
        public Draft Welcome(LoyaltyProgram program) => Notify(program, new OutboxMessage
        {
            MessageId = SourceEventId + ":welcome",
            Kind = MessageKinds.Welcome,
            CreatedAt = Now,
            Points = program.SignUpBonus,
            Text = "Welcome to the program.",
            Balance = State.Spendable,
        });

        public Draft FollowUp(LoyaltyEvent evt) => this with { FollowUps = [.. FollowUps, evt] };

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

        public Decision Applied(OrderRecord? order = null, RedemptionRecord? redemption = null, MemberNote? note = null) => new()
        {
            Outcome = DecisionOutcome.Applied,
            State = State with { Version = State.Version + 1 },
            Entries = Entries,
            Order = order,
            Redemption = redemption,
            Note = note,
            Messages = Messages,
            FollowUps = FollowUps,
        };

        private Draft Post(Posting posting, IReadOnlyList<Lot> lots, IReadOnlyList<LotChange> changes, long debtChange, long pendingChange = 0)
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
                PendingChange = pendingChange,
                BalanceAfter = state.Balance,
                OrderId = posting.OrderId,
                RewardId = posting.RewardId,
                Reason = posting.Reason,
                Actor = posting.Actor,
                TierId = posting.TierId,
                BenefitId = posting.BenefitId,
            };
            return this with { State = state, Entries = [.. Entries, entry] };
        }
    }
}

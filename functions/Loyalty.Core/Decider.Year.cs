namespace Loyalty.Core;

// The rules a member's year runs on: tiers, benefits, expiry, reminders, birthdays, pending
// points and referrals. The scheduled ones are decided for a program-local day and change
// nothing when nothing is due that day, so a job may fire twice, late or after a gap.
public static partial class Decider
{
    private static Decision UseBenefit(MemberState? state, BenefitUsed e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        var tier = TierMath.Find(program, state.TierId);
        if (tier?.FindBenefit(e.BenefitId) is not { } grant)
        {
            var granting = program.Tiers.Where(t => t.FindBenefit(e.BenefitId) is not null).Select(t => t.Name).ToList();
            return granting.Count == 0
                ? Refused(state, RefusalCodes.UnknownBenefit, $"No tier grants a benefit '{e.BenefitId}'.")
                : Refused(state, RefusalCodes.NotInTier, $"'{e.BenefitId}' comes with {string.Join(", ", granting)}; this member is {tier?.Name ?? "without a tier"}.");
        }

        var today = program.LocalDate(now);
        var period = TierMath.PeriodKey(grant.Period, today);
        var key = grant.Id + "|" + period;
        var used = state.BenefitUses.GetValueOrDefault(key);
        var periodName = grant.Period == BenefitPeriod.Month ? "this month" : "this year";
        if (grant.Quota is { } quota && used >= quota)
        {
            return Refused(state, RefusalCodes.QuotaUsedUp, Invariant($"{grant.Name}: {used} of {quota} used {periodName}; the quota resets on {TierMath.PeriodResetsOn(grant.Period, today):yyyy-MM-dd}."));
        }

        // Only the current periods are kept: older counts can never matter again.
        var uses = state.BenefitUses
            .Where(u => u.Key.EndsWith('|' + TierMath.PeriodKey(BenefitPeriod.Month, today), StringComparison.Ordinal)
                || u.Key.EndsWith('|' + TierMath.PeriodKey(BenefitPeriod.Year, today), StringComparison.Ordinal))
            .ToDictionary(u => u.Key, u => u.Value);
        uses[key] = used + 1;
        var of = grant.Quota is { } q ? Invariant($"{used + 1} of {q} {periodName}") : Invariant($"{used + 1} {periodName}, unlimited");
        var note = string.IsNullOrWhiteSpace(e.Note) ? string.Empty : ": " + e.Note;
        return Draft.Start(state with { BenefitUses = uses }, e, now)
            .Note(new Posting(LedgerKinds.BenefitUsed, Reason: $"{grant.Name} used ({of}){note}", BenefitId: grant.Id))
            .Applied();
    }

    private static Decision Expire(MemberState? state, PointsExpiryDue e, DateTimeOffset now)
    {
        var due = state?.Lots.Where(l => l.ExpiresOn <= e.AsOf).ToList() ?? [];
        if (state is null || due.Count == 0)
        {
            return AlreadyApplied(state);
        }

        var draft = Draft.Start(state, e, now);
        foreach (var lot in due)
        {
            draft = draft.Debit(new Posting(LedgerKinds.Expired, Reason: Invariant($"{lot.Points} points earned to expire at the end of {lot.ExpiresOn:yyyy-MM-dd}")), lot.Points, allowDebt: false);
        }

        return draft.Applied();
    }

    private static Decision Remind(MemberState? state, ExpiryReminderDue e, LoyaltyProgram program, DateTimeOffset now)
    {
        var points = state?.Lots.Where(l => l.ExpiresOn == e.ExpiresOn).Sum(l => l.Points) ?? 0;

        // Nothing left on that day (spent or already expired), or the day is past: no message.
        if (state is null || points == 0 || e.ExpiresOn < program.LocalDate(now))
        {
            return AlreadyApplied(state);
        }

        return Draft.Start(state, e, now)
            .Notify(program, new OutboxMessage
            {
                MessageId = e.EventId,
                Kind = MessageKinds.ExpiryReminder,
                CreatedAt = now,
                Points = points,
                Date = e.ExpiresOn,
                Text = Invariant($"{points} points expire at the end of {e.ExpiresOn:yyyy-MM-dd} ({e.LeadDays} days' notice)."),
                Balance = state.Spendable,
            })
            .Applied();
    }

    private static Decision Birthday(MemberState? state, BirthdayDue e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state?.Profile.Birthday is not { } birthday || !Schedule.IsBirthday(birthday, e.On)
            || state.LastBirthdayYear >= e.On.Year || (program.BirthdayBonus == 0 && string.IsNullOrEmpty(program.BirthdayOffer)))
        {
            return AlreadyApplied(state);
        }

        var draft = Draft.Start(state with { LastBirthdayYear = e.On.Year }, e, now);
        if (program.BirthdayBonus > 0)
        {
            draft = draft
                .Credit(new Posting(LedgerKinds.BirthdayBonus, Reason: Invariant($"birthday bonus {e.On.Year}")), [new LotChange(Lots.ExpiryFor(program, now), program.BirthdayBonus)], program)
                .With(s => s with { LifetimeEarned = s.LifetimeEarned + program.BirthdayBonus });
        }

        return draft
            .Notify(program, new OutboxMessage
            {
                MessageId = e.EventId,
                Kind = MessageKinds.BirthdayOffer,
                CreatedAt = now,
                Points = program.BirthdayBonus,
                Date = e.On,
                Text = program.BirthdayOffer,
                Balance = draft.State.Spendable,
            })
            .Applied();
    }

    private static Decision Activate(MemberState? state, PendingActivationDue e, LoyaltyProgram program, DateTimeOffset now)
    {
        var due = state?.Pending.Where(p => p.ActivatesOn <= e.AsOf).ToList() ?? [];
        if (state is null || due.Count == 0)
        {
            return AlreadyApplied(state);
        }

        var draft = Draft.Start(state with { Pending = [.. state.Pending.Where(p => p.ActivatesOn > e.AsOf)] }, e, now);
        foreach (var p in due)
        {
            // The lifetime counts from the day the points became spendable.
            var expiry = program.PointsLifetimeDays == 0 ? DateOnly.MaxValue : p.ActivatesOn.AddDays(program.PointsLifetimeDays);
            draft = draft.Credit(
                new Posting(LedgerKinds.Activated, OrderId: p.OrderId, Reason: Invariant($"{p.Points} pending points of order {p.OrderId} spendable from {p.ActivatesOn:yyyy-MM-dd}")),
                [new LotChange(expiry, p.Points)],
                program,
                pendingChange: -p.Points);
        }

        return draft.Applied();
    }

    private static Decision Review(MemberState? state, TierReviewDue e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state?.ReviewOn is not { } reviewOn || reviewOn > e.AsOf || program.Tiers.Count == 0)
        {
            return AlreadyApplied(state);
        }

        var current = TierMath.Find(program, state.TierId)!;
        var figure = TierMath.Rolling(state.Qualifying, program, e.AsOf);
        var qualified = TierMath.Qualified(program, figure)!;
        var level = TierMath.Level(program, current.Id);
        var qualifiedLevel = TierMath.Level(program, qualified.Id);
        var draft = Draft.Start(state, e, now);
        if (qualifiedLevel >= level)
        {
            // Kept: the next review is a year on; a grace in progress ends.
            return draft.With(s => s with { ReviewOn = TierMath.NextReview(program, reviewOn), GraceUntil = null }).Applied();
        }

        // Grace counts from the review day, so a job running late does not lengthen it.
        var graceEnds = state.GraceUntil ?? reviewOn.AddDays(program.TierRules.GraceDays);
        if (graceEnds > e.AsOf)
        {
            return state.GraceUntil is null
                ? draft.With(s => s with { GraceUntil = graceEnds }).Applied()
                : AlreadyApplied(state);
        }

        var target = program.TierRules.Downgrade == DowngradeMode.ToQualified ? qualified : program.Tiers[Math.Max(qualifiedLevel, level - 1)];
        var why = Invariant($"review of {reviewOn:yyyy-MM-dd}{(program.TierRules.GraceDays > 0 ? Invariant($" after grace to {graceEnds:yyyy-MM-dd}") : string.Empty)}: rolling {program.TierRules.WindowMonths}-month {Measure(program)} {figure:0.##} is below {current.Name}'s {current.Threshold:0.##}");
        return ChangeTier(draft, program, current, target, why, e.AsOf).Applied();
    }

    private static Decision Refer(MemberState? state, ReferralRecorded e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (e.ReferrerId == e.MemberId)
        {
            return Refused(state, RefusalCodes.SelfReferral, "A member cannot refer themselves.");
        }

        if (state?.ReferredBy == e.ReferrerId)
        {
            return AlreadyApplied(state);
        }

        if (state?.ReferredBy is not null)
        {
            return Refused(state, RefusalCodes.ReferralNotAllowed, "The member already has a referrer; there is one per member.");
        }

        if (state?.PaidOrders > 0)
        {
            return Refused(state, RefusalCodes.ReferralNotAllowed, "The member has already paid an order; a referral counts from before the first one.");
        }

        var draft = state is null
            ? Draft.Start(MemberState.New(e.MemberId, null, now), e, now).GrantSignUpBonus(program).Welcome(program)
            : Draft.Start(state, e, now);
        return draft.With(s => s with { ReferredBy = e.ReferrerId }).Applied();
    }

    // On the friend's first paid order: the friend's bonus in this decision, the referrer's as
    // an event for the referrer's own partition.
    private static Draft PayReferral(Draft draft, PurchaseCompleted e, LoyaltyProgram program)
    {
        if (draft.State.ReferredBy is not { } referrer || draft.State.ReferralRewarded)
        {
            return draft;
        }

        draft = draft.With(s => s with { ReferralRewarded = true });
        if (program.FriendBonus > 0)
        {
            draft = draft
                .Credit(new Posting(LedgerKinds.ReferralBonus, OrderId: e.OrderId, Reason: "referral: first paid order of a referred friend"), [new LotChange(Lots.ExpiryFor(program, draft.Now), program.FriendBonus)], program)
                .With(s => s with { LifetimeEarned = s.LifetimeEarned + program.FriendBonus });
        }

        return program.ReferrerBonus > 0
            ? draft.FollowUp(new ReferralRewarded($"referral:{e.MemberId}:referrer", referrer, draft.Now, e.MemberId, e.EventId))
            : draft;
    }

    private static Decision RewardReferrer(MemberState? state, ReferralRewarded e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        return program.ReferrerBonus <= 0
            ? AlreadyApplied(state)
            : Draft.Start(state, e, now)
                .Credit(new Posting(LedgerKinds.ReferralBonus, Reason: $"referral: friend {e.FriendId} paid a first order"), [new LotChange(Lots.ExpiryFor(program, now), program.ReferrerBonus)], program)
                .With(s => s with { LifetimeEarned = s.LifetimeEarned + program.ReferrerBonus })
                .Applied();
    }

    // Upgrades happen at the event that crosses the threshold; never a downgrade here.
    private static Draft Upgrade(Draft draft, LoyaltyProgram program, DateTimeOffset now)
    {
        if (program.Tiers.Count == 0)
        {
            return draft;
        }

        var today = program.LocalDate(now);
        var current = TierMath.Find(program, draft.State.TierId)!;
        var figure = TierMath.Rolling(draft.State.Qualifying, program, today);
        var qualified = TierMath.Qualified(program, figure)!;
        if (TierMath.Level(program, qualified.Id) <= TierMath.Level(program, current.Id))
        {
            return draft;
        }

        var why = Invariant($"rolling {program.TierRules.WindowMonths}-month {Measure(program)} {figure:0.##} reaches {qualified.Name}'s {qualified.Threshold:0.##}");
        return ChangeTier(draft, program, current, qualified, why, today);
    }

    private static Draft ChangeTier(Draft draft, LoyaltyProgram program, Tier from, Tier to, string why, DateOnly today)
    {
        var up = TierMath.Level(program, to.Id) > TierMath.Level(program, from.Id);
        var lowest = TierMath.Level(program, to.Id) == 0;
        draft = draft
            .With(s => s with
            {
                TierId = to.Id,
                TierSince = draft.Now,
                ReviewOn = lowest ? null : TierMath.NextReview(program, today),
                GraceUntil = null,
            })
            .Note(new Posting(LedgerKinds.TierChanged, Reason: $"{from.Name} → {to.Name}: {why}", TierId: to.Id));
        return draft.Notify(program, new OutboxMessage
        {
            MessageId = draft.SourceEventId + (up ? ":tier-up" : ":tier-down"),
            Kind = up ? MessageKinds.TierUp : MessageKinds.TierDown,
            CreatedAt = draft.Now,
            TierId = to.Id,
            Text = up ? $"Welcome to {to.Name}!" : $"Your tier is now {to.Name}.",
            Balance = draft.State.Spendable,
        });
    }

    private static string Measure(LoyaltyProgram program) => program.TierRules.Measure switch
    {
        TierMeasure.Spend => "spend",
        TierMeasure.Points => "points",
        _ => "paid orders",
    };
}

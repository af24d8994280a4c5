using System.Globalization;

namespace Loyalty.Core;

/// <summary>The rules: given a member, an event, the program and the time, decide what changes.</summary>
public static partial class Decider
{
    /// <summary>
    /// Most points one event may move. Far above any real order; it keeps the arithmetic
    /// (and a malformed payload) well clear of <see cref="long"/> overflow.
    /// </summary>
    public const long PointsCeiling = 1_000_000_000_000;

    /// <summary>The rows besides the state row that deciding <paramref name="evt"/> needs, to read by key first.</summary>
    public static (string? OrderId, string? RedemptionRequestId) Needs(LoyaltyEvent evt) => evt switch
    {
        PurchaseCompleted p => (p.OrderId, null),
        OrderRefunded r => (r.OrderId, null),
        OrderCancelled c => (c.OrderId, null),
        RedemptionRequested q => (null, q.RequestId),
        RedemptionReversed v => (null, v.RequestId),
        DiscountDue d => (null, d.RequestId),
        DiscountAttempted a => (null, a.RequestId),
        CodeUsed u => (null, u.RequestId),
        _ => (null, null),
    };

    /// <summary>
    /// Decides <paramref name="evt"/> for a member (<paramref name="state"/> is null when the
    /// member does not exist yet). Pure: the same inputs give the same decision.
    /// </summary>
    /// <remarks>
    /// Rule choices worth knowing: a purchase that earns 0 points writes its order record
    /// (so a refund finds it) but no ledger entry, and taking back from such an order writes
    /// none either. Take-backs round the cumulative refunded share half away from zero, so
    /// refunds that add up to the whole order take back exactly what it earned. A shortfall
    /// always becomes <see cref="MemberState.Debt"/> whatever
    /// <see cref="LoyaltyProgram.AllowNegativeBalance"/> says (it decides only how the balance
    /// is shown); debt is repaid before any lot is filled, so debt and open lots never coexist.
    /// A reversal puts points back on the days they came from, even a day already past.
    /// </remarks>
    public static Decision Decide(MemberState? state, LoyaltyEvent evt, DecisionInputs inputs, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(program);
        if (state is not null && state.MemberId != evt.MemberId)
        {
            throw new ArgumentException($"State of member '{state.MemberId}' given for an event of member '{evt.MemberId}'.", nameof(state));
        }

        CheckInputsMatch(evt, inputs);
        var decision = evt switch
        {
            MemberEnrolled e => Enrol(state, e, program, now),
            PurchaseCompleted e => Purchase(state, e, inputs.Order, program, now),
            OrderRefunded e => Refund(state, e, inputs.Order, program, now),
            OrderCancelled e => Cancel(state, e, inputs.Order, program, now),
            RedemptionRequested e => Redeem(state, e, inputs.Redemption, program, now),
            RedemptionReversed e => Reverse(state, e, inputs.Redemption, inputs.Discount, now),
            PointsAdjusted e => Adjust(state, e, program, now),
            BenefitUsed e => UseBenefit(state, e, program, now),
            PointsExpiryDue e => Expire(state, e, now),
            ExpiryReminderDue e => Remind(state, e, program, now),
            BirthdayDue e => Birthday(state, e, program, now),
            PendingActivationDue e => Activate(state, e, program, now),
            TierReviewDue e => Review(state, e, program, now),
            ReferralRecorded e => Refer(state, e, program, now),
            ReferralRewarded e => RewardReferrer(state, e, program, now),
            FeedbackSubmitted e => Feedback(state, e, now),
            ServiceRecorded e => Service(state, e, now),
            ConsentChanged e => ChangeConsent(state, e, now),
            MessageDue e => ClaimMessage(state, e, inputs.Message, program, now),
            MessageDelivered e => RecordDelivery(state, e, inputs.Message, program, now),
            MemberImported e => Import(state, e, program, now),
            MemberErased e => Erase(state, e, now),
            DiscountDue e => ClaimDiscount(state, e, inputs.Discount, inputs.Redemption, program, now),
            DiscountAttempted e => RecordDiscount(state, e, inputs.Discount, inputs.Redemption, program, now),
            CodeUsed e => UseCode(state, e, inputs.Redemption, inputs.Discount, now),
            _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "Unknown event type."),
        };
        return CreditLimits.Enforce(state, state?.Erased == true ? KeepErased(decision) : decision, inputs.OverLimitApproved, program, now);
    }

    /// <summary>
    /// Points a purchase of <paramref name="merchandise"/> earns: merchandise × rate, rounded
    /// per the program. Null when the figure is beyond <see cref="PointsCeiling"/>.
    /// </summary>
    public static long? PointsFor(decimal merchandise, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (merchandise <= 0)
        {
            return 0;
        }

        // Checked before multiplying so neither decimal nor long can overflow.
        if (merchandise > PointsCeiling / Math.Max(1m, program.EarnRate))
        {
            return null;
        }

        var rounded = Round(merchandise * program.EarnRate, program.Rounding);
        return rounded > PointsCeiling ? null : (long)rounded;
    }

    /// <summary>Rounds a points figure to a whole number the way the program says.</summary>
    public static decimal Round(decimal points, RoundingMode mode) => mode switch
    {
        RoundingMode.Down => decimal.Floor(points),
        RoundingMode.Nearest => decimal.Round(points, MidpointRounding.AwayFromZero),
        RoundingMode.Up => decimal.Ceiling(points),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown rounding mode."),
    };

    private static Decision Enrol(MemberState? state, MemberEnrolled e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state is null)
        {
            return Draft.Start(MemberState.New(e.MemberId, e.Profile, now), e, now)
                .GrantSignUpBonus(program)
                .Welcome(program)
                .Applied();
        }

        var merged = state.Profile.Merge(e.Profile);
        return merged == state.Profile
            ? AlreadyApplied(state)
            : Draft.Start(state with { Profile = merged }, e, now).Applied();
    }

    private static Decision Purchase(MemberState? state, PurchaseCompleted e, OrderRecord? order, LoyaltyProgram program, DateTimeOffset now)
    {
        if (order is not null)
        {
            return AlreadyApplied(state);
        }

        if (!string.Equals(e.Currency, program.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return Refused(state, RefusalCodes.CurrencyMismatch, $"Order {e.OrderId} is in {e.Currency}; the program earns on {program.Currency} only.");
        }

        var merchandise = e.Lines.Sum(l => l.Merchandise);
        var tier = TierMath.Find(program, state?.TierId);
        if (Earning.For(e.Lines, tier, program.LocalDate(e.OccurredAt), program) is not { } earning)
        {
            return Refused(state, RefusalCodes.Invalid, $"Order {e.OrderId} would earn more than {PointsCeiling} points.");
        }

        var points = earning.Points;
        var today = program.LocalDate(now);
        var draft = state is null
            ? Draft.Start(MemberState.New(e.MemberId, e.Profile, now), e, now).GrantSignUpBonus(program).Welcome(program)
            : Draft.Start(state with { Profile = state.Profile.Merge(e.Profile) }, e, now);

        // A zero-point order writes no ledger entry, but its record still lets a later refund find it.
        if (points > 0)
        {
            var reason = Invariant($"order {e.OrderId}: {merchandise:0.00} {program.Currency} of merchandise at {program.EarnRate} per unit; {earning.Describe(tier?.Name, tier?.Multiplier ?? 1m)}");
            var posting = new Posting(LedgerKinds.Earned, OrderId: e.OrderId, Reason: reason);
            draft = program.PendingDays > 0
                ? draft.AddPending(posting with { Reason = reason + Invariant($"; pending until {today.AddDays(program.PendingDays):yyyy-MM-dd}") }, new PendingLot(e.OrderId, today.AddDays(program.PendingDays), points))
                : draft.Credit(posting, [new LotChange(Lots.ExpiryFor(program, now), points)], program);
            draft = draft.With(s => s with { LifetimeEarned = s.LifetimeEarned + points });
            if (program.Messaging.PointsEarnedReceipt)
            {
                draft = draft.Notify(program, new OutboxMessage
                {
                    MessageId = e.EventId + ":earned",
                    Kind = MessageKinds.PointsEarned,
                    CreatedAt = now,
                    Points = points,
                    Text = Invariant($"order {e.OrderId}"),
                    Balance = draft.State.Spendable,
                });
            }
        }

        var firstOrder = draft.State.PaidOrders == 0;
        draft = draft.With(s => s with
        {
            PaidOrders = s.PaidOrders + 1,
            Qualifying = TierMath.Add(s.Qualifying, program, today, today, merchandise, points, 1),
            LastPurchaseAt = s.LastPurchaseAt is { } last && last > e.OccurredAt ? last : e.OccurredAt,
            LastOrderCreditedAt = now,
            LifetimeSpend = s.LifetimeSpend + merchandise,
        });
        if (firstOrder)
        {
            draft = PayReferral(draft, e, program);
        }

        draft = Upgrade(draft, program, now);
        return draft.Applied(order: new OrderRecord
        {
            OrderId = e.OrderId,
            Currency = program.Currency,
            Merchandise = merchandise,
            OrderTotal = e.OrderTotal,
            PointsEarned = points,
            Lines = [.. e.Lines.Select(l => new OrderLineEarning(l.LineId, l.Sku, l.Category, l.Quantity, l.Merchandise, Earning.LinePoints(l, tier, program.LocalDate(e.OccurredAt), program)))],
            CreditedAt = now,
            PlacedAt = e.OccurredAt,
        });
    }

    private static Decision Refund(MemberState? state, OrderRefunded e, OrderRecord? order, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state is null || order is null)
        {
            return OrderNotSeen(state);
        }

        if (order.AppliedRefundIds.Contains(e.RefundId))
        {
            return AlreadyApplied(state);
        }

        var lineAmount = e.Lines.Sum(l => l.Amount);
        var amountShare = order.OrderTotal > 0 ? e.Amount / order.OrderTotal : 0m;
        var share = e.Full
            ? 1m
            : (order.Merchandise > 0 ? lineAmount / order.Merchandise : 0m) + amountShare;
        var cumulative = Math.Min(1m, order.RefundedShare + Math.Clamp(share, 0m, 1m));

        // Lines take back what they earned (their share of the order's points), an amount its share
        // of the order total. The target is rounded on the cumulative share, so partial refunds that
        // add up to the whole order take back exactly what it earned, whatever the rounding of each step.
        var pointsShare = e.Full ? 1m : LinesPointsShare(order, e.Lines) + amountShare;
        var cumulativePoints = Math.Min(1m, (order.RefundedPointsShare ?? order.RefundedShare) + Math.Clamp(pointsShare, 0m, 1m));
        var target = (long)decimal.Round(order.PointsEarned * cumulativePoints, MidpointRounding.AwayFromZero);
        var takeBack = Math.Max(0, Math.Min(target, order.PointsEarned) - order.PointsTakenBack);

        var what = e.Full
            ? "full refund"
            : string.Join(", ", new[]
            {
                e.Lines.Count > 0 ? Invariant($"{lineAmount:0.00} of {order.Merchandise:0.00} merchandise") : null,
                e.Amount != 0 ? Invariant($"{e.Amount:0.00} of {order.OrderTotal:0.00} order total") : null,
            }.OfType<string>().DefaultIfEmpty("nothing refunded"));
        var reason = Invariant($"refund {e.RefundId}: {what}; {order.PointsTakenBack + takeBack} of {order.PointsEarned} points taken back in all");

        return TakeBack(state, e, order, takeBack, cumulative, new Posting(LedgerKinds.Refunded, OrderId: order.OrderId, Reason: reason), program, now)
            .Applied(order: order with
            {
                RefundedShare = cumulative,
                RefundedPointsShare = cumulativePoints,
                PointsTakenBack = order.PointsTakenBack + takeBack,
                AppliedRefundIds = [.. order.AppliedRefundIds, e.RefundId],
            });
    }

    // The share of the order's points that refunded lines earned: each line's points times the
    // part of its merchandise refunded. A line the record does not know, or a record without
    // points per line (written before they were kept), counts by merchandise as before.
    private static decimal LinesPointsShare(OrderRecord order, IReadOnlyList<RefundLine> lines)
    {
        if (lines.Count == 0)
        {
            return 0m;
        }

        var byMerchandise = order.Merchandise > 0 ? lines.Sum(l => l.Amount) / order.Merchandise : 0m;
        var total = order.Lines.Sum(l => l.Points ?? 0m);
        if (total <= 0 || order.Lines.Any(l => l.Points is null))
        {
            return byMerchandise;
        }

        var points = 0m;
        foreach (var refunded in lines)
        {
            var line = order.Lines.FirstOrDefault(l => l.LineId == refunded.LineId);
            points += line is { Merchandise: > 0 }
                ? line.Points!.Value * Math.Min(1m, refunded.Amount / line.Merchandise)
                : order.Merchandise > 0 ? total * refunded.Amount / order.Merchandise : 0m;
        }

        return points / total;
    }

    private static Decision Cancel(MemberState? state, OrderCancelled e, OrderRecord? order, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state is null || order is null)
        {
            return OrderNotSeen(state);
        }

        if (order.Cancelled)
        {
            return AlreadyApplied(state);
        }

        var takeBack = Math.Max(0, order.PointsEarned - order.PointsTakenBack);
        var reason = Invariant($"order {order.OrderId} cancelled: {takeBack} of {order.PointsEarned} points taken back ({order.PointsTakenBack} already by refunds)");
        return TakeBack(state, e, order, takeBack, 1m, new Posting(LedgerKinds.Cancelled, OrderId: order.OrderId, Reason: reason), program, now)
            .Applied(order: order with
            {
                Cancelled = true,
                RefundedShare = 1m,
                RefundedPointsShare = 1m,
                PointsTakenBack = order.PointsTakenBack + takeBack,
            });
    }

    // Pending points of the order go first (a refund inside the return window), then lots;
    // what neither covers becomes debt. The order's share also leaves the tier figures of the
    // month it was credited in (refunds never downgrade at once: only a review does).
    private static Draft TakeBack(MemberState state, LoyaltyEvent e, OrderRecord order, long points, decimal cumulativeShare, Posting posting, LoyaltyProgram program, DateTimeOffset now)
    {
        var draft = Draft.Start(state, e, now);

        // Nothing left to take back (already taken, or a zero-point order): the record still
        // changes, but no ledger entry says "0".
        if (points > 0)
        {
            (draft, var fromPending) = draft.TakePending(posting, order.OrderId, points);
            if (points > fromPending)
            {
                draft = draft.Debit(posting, points - fromPending, allowDebt: true);
            }
        }

        // Rounded to cents on the cumulative share, so 100 of 600 takes off exactly 100.00 (the
        // share 1/6 is not exact in decimal) and refunds that add up to the order take it all.
        var spend = Math.Max(0m, decimal.Round(order.Merchandise * cumulativeShare, 2) - decimal.Round(order.Merchandise * order.RefundedShare, 2));
        var orders = cumulativeShare >= 1m && order.RefundedShare < 1m ? -1 : 0;
        return draft.With(s => s with
        {
            Qualifying = TierMath.Add(s.Qualifying, program, program.LocalDate(order.CreditedAt), program.LocalDate(now), -spend, -points, orders),
            LifetimeSpend = Math.Max(0m, s.LifetimeSpend - spend),
        });
    }

    private static Decision Redeem(MemberState? state, RedemptionRequested e, RedemptionRecord? existing, LoyaltyProgram program, DateTimeOffset now)
    {
        if (existing is not null)
        {
            return AlreadyApplied(state) with { Redemption = existing };
        }

        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        if (program.FindReward(e.RewardId) is not { } reward)
        {
            return Refused(state, RefusalCodes.UnknownReward, $"There is no reward '{e.RewardId}'.");
        }

        var refusals = new List<Refusal>();
        if (!reward.OpenTo(state.TierId, program))
        {
            refusals.Add(new(RefusalCodes.RewardNotInTier, $"'{reward.Name}' is for members of {string.Join(", ", reward.Tiers!)} only."));
        }

        var redeemed = state.Redemptions.GetValueOrDefault(reward.Id);
        if (reward.PerMemberLimit is { } limit && redeemed >= limit)
        {
            refusals.Add(new(RefusalCodes.LimitReached, $"'{reward.Name}' can be redeemed {limit} time(s) per member; this member has redeemed it {redeemed} time(s)."));
        }

        if (state.Spendable < reward.PointsCost)
        {
            refusals.Add(new(RefusalCodes.InsufficientPoints, $"'{reward.Name}' needs {reward.PointsCost} points; the member has {state.Spendable}."));
        }

        if (refusals.Count > 0)
        {
            return new Decision { Outcome = DecisionOutcome.Refused, State = state, Refusals = refusals };
        }

        var draft = Draft.Start(state, e, now)
            .Debit(new Posting(LedgerKinds.Redeemed, RewardId: reward.Id, Reason: $"reward {reward.Id}: {reward.Name}"), reward.PointsCost, allowDebt: false)
            .With(s => s with
            {
                LifetimeRedeemed = s.LifetimeRedeemed + reward.PointsCost,
                Redemptions = WithCount(s.Redemptions, reward.Id, +1),
            });
        var record = new RedemptionRecord
        {
            RequestId = e.RequestId,
            RewardId = reward.Id,
            Code = e.Code,
            PointsSpent = reward.PointsCost,
            LotsTaken = draft.Entries[^1].Lots,
            RedeemedAt = now,
            BalanceAfter = draft.State.Balance,
        };

        // With a discount to create in the shop, the receipt waits for it (the code works only then).
        var discount = DiscountFor(e, reward, program, now);
        return (discount is null ? Receipt(draft, null, record, program) : draft).Applied(redemption: record) with { Discount = discount };
    }

    private static Decision Reverse(MemberState? state, RedemptionReversed e, RedemptionRecord? record, DiscountOrder? discount, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        if (record is null)
        {
            return Refused(state, RefusalCodes.UnknownRedemption, $"There is no redemption '{e.RequestId}' for this member.");
        }

        if (record.Reversed)
        {
            return AlreadyApplied(state);
        }

        if (record.UsedAt is not null)
        {
            var where = record.UsedOrderId is { } order ? $"on order {order}" : "(marked by the owner)";
            return Refused(state, RefusalCodes.RedemptionUsed, $"The code of redemption '{e.RequestId}' was used {where}; a used code cannot be reversed.");
        }

        // The shop's discount goes too: a created one is deleted next; one never sent is dropped;
        // one being created (or retried after a call) is deleted by the dispatcher once it knows.
        var next = discount switch
        {
            { Status: DiscountStatuses.Created } => discount with { Status = DiscountStatuses.Deleting, DueAt = now, DeleteReason = e.Reason },
            { Status: DiscountStatuses.Waiting, Attempts: 0 } => discount with { Status = DiscountStatuses.Refused, DueAt = null, Reason = "the redemption was reversed" },
            _ => null,
        };
        return GiveBack(Draft.Start(state, e, now), record, e.Reason).Applied(redemption: record with { Reversed = true }) with { Discount = next };
    }

    // Back to the days they came from, so a reversal neither extends nor shortens their life.
    private static Draft GiveBack(Draft draft, RedemptionRecord record, string reason)
    {
        var back = record.LotsTaken.Where(c => c.Points < 0).Select(c => c with { Points = -c.Points }).ToList();
        if (back.Count > 0)
        {
            draft = draft.Credit(new Posting(LedgerKinds.RedemptionReversed, RewardId: record.RewardId, Reason: $"redemption {record.RequestId} reversed: {reason}"), back);
        }

        return draft.With(s => s with
        {
            LifetimeRedeemed = Math.Max(0, s.LifetimeRedeemed - record.PointsSpent),
            Redemptions = WithCount(s.Redemptions, record.RewardId, -1),
        });
    }

    private static Decision Adjust(MemberState? state, PointsAdjusted e, LoyaltyProgram program, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        var refusals = new List<Refusal>();
        if (e.Points == 0 || Math.Abs((decimal)e.Points) > PointsCeiling)
        {
            refusals.Add(new(RefusalCodes.Invalid, $"Points: must be non-zero and at most {PointsCeiling} either way."));
        }

        if (string.IsNullOrWhiteSpace(e.Reason))
        {
            refusals.Add(new(RefusalCodes.Invalid, "Reason: required for an adjustment."));
        }

        if (string.IsNullOrWhiteSpace(e.Actor))
        {
            refusals.Add(new(RefusalCodes.Invalid, "Actor: required for an adjustment."));
        }

        if (refusals.Count > 0)
        {
            return new Decision { Outcome = DecisionOutcome.Refused, State = state, Refusals = refusals };
        }

        var posting = new Posting(LedgerKinds.Adjusted, Reason: e.Reason, Actor: e.Actor);
        var draft = Draft.Start(state, e, now);

        // A removal is authoritative: what the lots cannot cover becomes debt.
        draft = e.Points > 0
            ? draft.Credit(posting, [new LotChange(Lots.ExpiryFor(program, now), e.Points)], program)
                .With(s => s with { LifetimeEarned = s.LifetimeEarned + e.Points })
            : draft.Debit(posting, -e.Points, allowDebt: true);
        return draft.Applied();
    }

    private static void CheckInputsMatch(LoyaltyEvent evt, DecisionInputs inputs)
    {
        var (orderId, requestId) = Needs(evt);
        if (inputs.Order is { } order && order.OrderId != orderId)
        {
            throw new ArgumentException($"Order record '{order.OrderId}' given for an event about order '{orderId}'.", nameof(inputs));
        }

        if (inputs.Redemption is { } redemption && redemption.RequestId != requestId)
        {
            throw new ArgumentException($"Redemption record '{redemption.RequestId}' given for an event about request '{requestId}'.", nameof(inputs));
        }

        if (inputs.Discount is { } discount && discount.RequestId != DiscountNeeded(evt))
        {
            throw new ArgumentException($"Discount '{discount.RequestId}' given for an event about '{DiscountNeeded(evt)}'.", nameof(inputs));
        }

        if (inputs.Message is { } message && message.MessageId != MessageNeeded(evt))
        {
            throw new ArgumentException($"Message '{message.MessageId}' given for an event about message '{MessageNeeded(evt)}'.", nameof(inputs));
        }
    }

    private static Dictionary<string, int> WithCount(IReadOnlyDictionary<string, int> counts, string key, int delta)
    {
        var copy = new Dictionary<string, int>(counts);
        var n = Math.Max(0, copy.GetValueOrDefault(key) + delta);
        if (n == 0)
        {
            copy.Remove(key);
        }
        else
        {
            copy[key] = n;
        }

        return copy;
    }

    private static Decision AlreadyApplied(MemberState? state) =>
        new() { Outcome = DecisionOutcome.AlreadyApplied, State = state };

    private static Decision OrderNotSeen(MemberState? state) =>
        new() { Outcome = DecisionOutcome.OrderNotSeen, State = state };

    private static Decision Refused(MemberState? state, string code, string message) =>
        new() { Outcome = DecisionOutcome.Refused, State = state, Refusals = [new Refusal(code, message)] };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Text.Json;
using FsCheck.Xunit;

namespace Loyalty.Core.Tests;

/// <summary>
/// Invariants over generated histories of one member (purchases, refunds by lines and by
/// amount, cancellations, redemptions, reversals, adjustments, redeliveries), played through
/// <see cref="MemberStore"/> as the processor would.
/// </summary>
public sealed class DeciderProperties
{
    private const int Runs = 300;

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void Balance_always_equals_the_remaining_lots_minus_debt_and_the_sum_of_the_ledger(Scenario scenario) =>
        Play(scenario, step =>
        {
            var state = step.Store.State;
            if (state is null)
            {
                Assert.Empty(step.Store.Ledger);
                return;
            }

            Assert.Equal(state.Lots.Sum(l => l.Points) - state.Debt, state.Balance);
            Assert.Equal(step.Store.Ledger.Sum(e => e.Points), state.Balance);
            Assert.Equal(step.Store.Ledger.Sum(e => e.PendingChange), state.PendingPoints);
            Assert.Equal(step.Store.AppliedCount, state.Version);
            Assert.Equal(step.Store.Ledger.Count, state.LedgerSequence);
        });

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void Lots_stay_positive_sorted_and_merged_and_debt_is_only_owed_once_the_lots_are_empty(Scenario scenario) =>
        Play(scenario, step =>
        {
            if (step.Store.State is not { } state)
            {
                return;
            }

            Assert.True(Lots.IsWellFormed(state.Lots), string.Join(", ", state.Lots));
            Assert.True(state.Debt >= 0);

            // Earnings pay debt before they fill a lot, and a shortfall only arises when the lots run dry.
            Assert.True(state.Debt == 0 || state.Lots.Count == 0, $"debt {state.Debt} beside lots {string.Join(", ", state.Lots)}");
        });

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void Every_ledger_entry_is_its_lot_changes_minus_its_debt_change_and_chains_the_balance(Scenario scenario)
    {
        var store = Play(scenario);

        var balance = 0L;
        for (var i = 0; i < store.Ledger.Count; i++)
        {
            var e = store.Ledger[i];
            Assert.Equal(i + 1, e.Sequence);
            Assert.Equal(e.Lots.Sum(l => l.Points) - e.DebtChange, e.Points);
            if (e.Kind is LedgerKinds.TierChanged or LedgerKinds.BenefitUsed)
            {
                Assert.Equal((0, 0, 0), (e.Points, e.PendingChange, e.Lots.Count));
            }
            else
            {
                Assert.True(e.Points != 0 || e.PendingChange != 0, $"entry {e.Sequence} moves nothing");
            }

            if (store.Program.ExpiryMode == ExpiryMode.PerLot)
            {
                Assert.All(e.Lots, l => Assert.Equal(Math.Sign(e.Points), Math.Sign(l.Points)));
            }

            Assert.True(e.DebtChange * e.Points <= 0, $"entry {e.Sequence}: debt moves with the balance");
            balance += e.Points;
            Assert.Equal(balance, e.BalanceAfter);
        }
    }

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void Applying_any_event_twice_changes_nothing_the_second_time(Scenario scenario)
    {
        var once = new List<(LoyaltyEvent Event, DateTimeOffset At)>();
        var expected = Play(scenario, step => once.Add((step.Event, step.At))).Snapshot();

        var twice = new MemberStore(ScenarioArbitrary.Programs[scenario.ProgramIndex]);
        foreach (var (evt, at) in once)
        {
            twice.Apply(evt, at);
            var afterFirst = twice.Snapshot();
            var second = twice.Apply(evt, at);
            Assert.True(second is null || second.Outcome != DecisionOutcome.Applied, $"{evt.EventId} applied twice");
            Assert.Equal(afterFirst, twice.Snapshot());
        }

        Assert.Equal(expected, twice.Snapshot());
    }

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void The_same_order_refund_redemption_or_reversal_under_a_new_event_id_is_never_applied_again(Scenario scenario) =>
        Play(scenario, step =>
        {
            // An adjustment has no business key: each one is a new decision by an admin; a
            // benefit use and a reminder are told apart by their event ids alone.
            if (step.Event is PointsAdjusted or BenefitUsed or ExpiryReminderDue)
            {
                return;
            }

            var again = step.Store.Decide(step.Event with { EventId = step.Event.EventId + ":again" }, step.At);
            Assert.NotEqual(DecisionOutcome.Applied, again.Outcome);
            Assert.Empty(again.Entries);
        });

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void Spends_never_take_from_a_later_lot_while_an_earlier_one_has_points(Scenario scenario) =>
        Play(scenario, step =>
        {
            if (step.Decision is not { Outcome: DecisionOutcome.Applied } decision)
            {
                return;
            }

            // Replays the entries' lot changes over the lots before the decision.
            var lots = (step.Before?.Lots ?? []).ToDictionary(l => l.ExpiresOn, l => l.Points);
            foreach (var entry in decision.Entries)
            {
                var taken = entry.Lots.Where(c => c.Points < 0).ToList();
                if (taken.Count > 0)
                {
                    var latest = taken.Max(c => c.ExpiresOn);
                    foreach (var (day, points) in lots.Where(l => l.Key < latest))
                    {
                        Assert.Equal(-points, taken.SingleOrDefault(c => c.ExpiresOn == day)?.Points ?? 0);
                    }
                }

                foreach (var change in entry.Lots)
                {
                    lots[change.ExpiresOn] = lots.GetValueOrDefault(change.ExpiresOn) + change.Points;
                    Assert.True(lots[change.ExpiresOn] >= 0, $"took more than lot {change.ExpiresOn} held");
                }
            }

            Assert.Equal(lots.Where(l => l.Value > 0).OrderBy(l => l.Key).Select(l => new Lot(l.Key, l.Value)), decision.State!.Lots);
        });

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void Redemptions_never_make_the_balance_negative_nor_pass_a_limit(Scenario scenario) =>
        Play(scenario, step =>
        {
            var program = step.Store.Program;
            if (step.Event is RedemptionRequested request && step.Decision is { Outcome: DecisionOutcome.Applied } decision)
            {
                var cost = program.FindReward(request.RewardId)!.PointsCost;
                Assert.True(step.Before!.Spendable >= cost);
                Assert.Equal(step.Before.Balance - cost, decision.State!.Balance);
                Assert.True(decision.State.Balance >= 0);
                Assert.Equal(decision.State.Balance, decision.Redemption!.BalanceAfter);
            }

            if (step.Store.State is not { } state)
            {
                return;
            }

            var live = step.Store.Redemptions.Values.Where(r => !r.Reversed).ToList();
            Assert.Equal(live.Sum(r => r.PointsSpent), state.LifetimeRedeemed);
            Assert.Equal(
                live.GroupBy(r => r.RewardId).ToDictionary(g => g.Key, g => g.Count()).OrderBy(kv => kv.Key, StringComparer.Ordinal),
                state.Redemptions.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            foreach (var (rewardId, count) in state.Redemptions)
            {
                Assert.True(count <= (program.FindReward(rewardId)!.PerMemberLimit ?? int.MaxValue), $"{rewardId} redeemed {count} times");
            }
        });

    [Property(Arbitrary = [typeof(ScenarioArbitrary)], MaxTest = Runs)]
    public void Refunds_never_take_back_more_than_the_order_earned(Scenario scenario) =>
        Play(scenario, step =>
        {
            foreach (var order in step.Store.Orders.Values)
            {
                Assert.InRange(order.PointsTakenBack, 0, order.PointsEarned);
                Assert.InRange(order.RefundedShare, 0m, 1m);
                var entries = step.Store.Ledger.Where(e => e.OrderId == order.OrderId).ToList();
                Assert.Equal(order.PointsEarned, entries.Where(e => e.Kind == LedgerKinds.Earned).Sum(e => e.Points + e.PendingChange));
                Assert.Equal(order.PointsTakenBack, -entries.Where(e => e.Kind is LedgerKinds.Refunded or LedgerKinds.Cancelled).Sum(e => e.Points + e.PendingChange));
                Assert.True(!order.Cancelled || order.PointsTakenBack == order.PointsEarned);
            }
        });

    /// <summary>What one step of a scenario did.</summary>
    private sealed record StepResult(LoyaltyEvent Event, DateTimeOffset At, MemberState? Before, Decision? Decision, MemberStore Store);

    /// <summary>
    /// Plays the scenario, calling <paramref name="onStep"/> after each event. Also checks on
    /// the way that deciding is deterministic (the same inputs give the same decision).
    /// </summary>
    private static MemberStore Play(Scenario scenario, Action<StepResult>? onStep = null)
    {
        var program = ScenarioArbitrary.Programs[scenario.ProgramIndex];
        var store = new MemberStore(program);
        var sent = new List<LoyaltyEvent>();
        var now = Given.T0;
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            if (scenario.Steps[i] is WaitStep wait)
            {
                now = now.AddHours(wait.Hours);
                continue;
            }

            if (ToEvent(scenario.Steps[i], $"e{i}", store, sent, now) is not { } evt)
            {
                continue;
            }

            var before = store.State;
            var preview = store.Decide(evt, now);
            var decision = store.Apply(evt, now);
            if (decision is not null)
            {
                Assert.Equal(Json(preview), Json(decision));
            }

            sent.Add(evt);
            onStep?.Invoke(new StepResult(evt, now, before, decision, store));
        }

        return store;
    }

    private static LoyaltyEvent? ToEvent(Step step, string id, MemberStore store, List<LoyaltyEvent> sent, DateTimeOffset now)
    {
        const string m = Given.Member;
        var program = store.Program;
        return step switch
        {
            EnrolStep s => new MemberEnrolled(id, m, now, s.Profile switch
            {
                0 => new MemberProfile("ann@example.com"),
                1 => new MemberProfile("ann@example.com", "Ann"),
                _ => new MemberProfile(LastName: "Lee", Birthday: new DateOnly(1980, 2, 29)),
            }),
            BuyStep s => new PurchaseCompleted(
                id,
                m,
                now,
                $"o{s.Order}",
                s.OtherCurrency ? "XXX" : program.Currency.ToLowerInvariant(),
                [.. s.Lines.Select((amount, k) => new OrderLine($"l{k}", $"SKU-{k}", "cat", 1, amount + 1m, 1m))],
                s.Lines.Sum() + s.Extra),
            RefundLineStep s => Refund(s.Order, s.Refund, order => order.Lines.Count == 0
                ? ([new RefundLine("l0", 1, 1m)], 0m)
                : ([new RefundLine(order.Lines[s.Line % order.Lines.Count].LineId, 1, Percent(order.Lines[s.Line % order.Lines.Count].Merchandise, s.Percent))], 0m)),
            RefundAmountStep s => Refund(s.Order, s.Refund, order => ([], Percent(order.OrderTotal, s.Percent))),
            RefundFullStep s => new OrderRefunded(id, m, now, $"o{s.Order}", $"r{s.Refund}", [], Full: true),
            CancelStep s => new OrderCancelled(id, m, now, $"o{s.Order}"),
            RedeemStep s => new RedemptionRequested(id, m, now, $"q{s.Request}", s.Reward < program.Rewards.Count ? program.Rewards[s.Reward].Id : "no-such-reward", $"CODE-{id}"),
            ReverseStep s => new RedemptionReversed(id, m, now, $"q{s.Request}", "code not used"),
            AdjustStep s => new PointsAdjusted(id, m, now, s.Points, "support case", "admin@shop"),
            TimerStep s => s.Job switch
            {
                0 => new PointsExpiryDue(id, m, now, program.LocalDate(now).AddDays(-1)),
                1 => new PendingActivationDue(id, m, now, program.LocalDate(now)),
                2 => new TierReviewDue(id, m, now, program.LocalDate(now)),
                3 => new BirthdayDue(id, m, now, program.LocalDate(now)),
                _ => new ExpiryReminderDue(id, m, now, store.State?.Lots.FirstOrDefault()?.ExpiresOn ?? program.LocalDate(now), 7),
            },
            BenefitStep s => new BenefitUsed(id, m, now, $"u{s.Request}", ScenarioArbitrary.Benefits[s.Benefit], null),
            ReferStep s => new ReferralRecorded(id, m, now, s.Referrer == 0 ? "m2" : m),
            RedeliverStep s => sent.Count == 0 ? null : sent[s.Back % sent.Count],
            ResendStep s => sent.Count == 0 ? null : sent[s.Back % sent.Count] with { EventId = id },
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
        };

        OrderRefunded Refund(int order, int refund, Func<OrderRecord, (IReadOnlyList<RefundLine> Lines, decimal Amount)> what)
        {
            // A refund of an order never seen still goes out, as a refund that overtook its purchase would.
            var (lines, amount) = store.Orders.TryGetValue($"o{order}", out var record) ? what(record) : ([new RefundLine("l0", 1, 5m)], 0m);
            return new OrderRefunded(id, m, now, $"o{order}", $"r{refund}", lines, amount);
        }
    }

    private static decimal Percent(decimal amount, int percent) => decimal.Round(amount * percent / 100m, 2);

    private static string Json(Decision decision) => JsonSerializer.Serialize(decision, EventEnvelope.Json);
}

using Loyalty.App.Configuration;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Processing;

/// <summary>How applying one event came out.</summary>
/// <param name="Outcome">Applied, AlreadyApplied, Refused or OrderNotSeen.</param>
/// <param name="State">The member after the event (null when the member does not exist).</param>
/// <param name="Decision">The decision taken; on AlreadyApplied after a race, the decision that found it applied.</param>
public sealed record ApplyResult(DecisionOutcome Outcome, MemberState? State, Decision Decision);

/// <summary>
/// The one path that changes a member: read the member (point reads), decide with the
/// rules, commit one entity-group transaction; on a concurrent change, read and decide again.
/// The queue processor, redemptions and admin adjustments all come through here.
/// </summary>
public sealed class MemberCommands(
    MemberStore store,
    OrderIndex orders,
    ScheduleIndex schedule,
    OutboxIndex outbox,
    EventQueue queue,
    LoyaltyProgram program,
    IOptions<ProcessingOptions> options,
    TimeProvider clock,
    ILogger<MemberCommands> logger)
{
    /// <summary>Applies one event to its member, exactly once however often it is delivered.</summary>
    public async Task<ApplyResult> ApplyAsync(LoyaltyEvent evt, CancellationToken ct)
    {
        if (evt is PurchaseCompleted purchase && OrderRouting.IndexKeyOf(purchase) is { } orderKey)
        {
            // Before the member's batch, so a refund that names only the order can always find it.
            await orders.RecordAsync(orderKey, evt.MemberId, ct);
        }

        var (orderId, redemptionId) = Decider.Needs(evt);

        // A purchase is decided without reading its order row: the store inserts that row, so
        // a second credit of the same order fails on it. One point read per purchase, not two.
        var orderToRead = evt is PurchaseCompleted ? null : orderId;
        var maxAttempts = options.Value.MaxConflictRetries;
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await store.LoadAsync(evt.MemberId, orderToRead, redemptionId, Decider.MessageNeeded(evt), ct);
            var decision = Decider.Decide(loaded.State, evt, loaded.Inputs, program, clock.GetUtcNow());
            if (decision.Outcome != DecisionOutcome.Applied)
            {
                return new ApplyResult(decision.Outcome, loaded.State, decision);
            }

            // Index rows and follow-ups go out before the commit: a job then always finds a member
            // the commit made due, and a follow-up waits for this event's marker (see
            // EventMessageHandler), so a commit that fails leaves only harmless traces.
            await schedule.AddAsync(evt.MemberId, Schedule.Added(loaded.State, decision.State), ct);
            await outbox.AddAsync(evt.MemberId, decision.Messages, ct);
            if (decision.FollowUps.Count > 0)
            {
                await queue.SendAsync(decision.FollowUps, ct);
            }

            var status = await store.CommitAsync(loaded, evt.EventId, decision, ct);
            switch (status)
            {
                case CommitStatus.Committed:
                    return new ApplyResult(DecisionOutcome.Applied, decision.State, decision);
                case CommitStatus.AlreadyApplied:
                    logger.LogInformation("Event {EventId} was already applied to member {MemberId}", evt.EventId, evt.MemberId);
                    return await AlreadyAppliedAsync(evt, orderId, redemptionId, ct);
                case CommitStatus.Conflict when attempt < maxAttempts:
                    // Another instance committed first: back off a little, with jitter, and decide again on fresh state.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), clock, ct);
                    continue;
                default:
                    throw new ConcurrencyConflictException(evt.MemberId, attempt);
            }
        }
    }

    // The marker says the event is in: read again so the caller sees the state (and, for a
    // redemption, the record) it produced rather than a second decision's.
    private async Task<ApplyResult> AlreadyAppliedAsync(LoyaltyEvent evt, string? orderId, string? redemptionId, CancellationToken ct)
    {
        var loaded = await store.LoadAsync(evt.MemberId, orderId, redemptionId, ct);
        var decision = new Decision
        {
            Outcome = DecisionOutcome.AlreadyApplied,
            State = loaded.State,
            Order = loaded.Inputs.Order,
            Redemption = loaded.Inputs.Redemption,
        };
        return new ApplyResult(DecisionOutcome.AlreadyApplied, loaded.State, decision);
    }
}

/// <summary>The member kept changing under us for every attempt: retried later as a failure.</summary>
public sealed class ConcurrencyConflictException(string memberId, int attempts)
    : Exception($"Member {memberId} changed concurrently on each of {attempts} attempts.");

using Loyalty.App.Configuration;
using Loyalty.App.Reports;
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
    OrderClaims claims,
    RewardSlots slots,
    ScheduleIndex schedule,
    MemberDirectory directory,
    OutboxIndex outbox,
    DiscountIndex discounts,
    EventQueue queue,
    HeldEvents held,
    ReportWriter reports,
    ProcessingMetrics metrics,
    LoyaltyProgram program,
    IOptions<ProcessingOptions> options,
    TimeProvider clock,
    ILogger<MemberCommands> logger)
{
    /// <summary>Seconds a caller answered "member busy" should wait before sending the same request again.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>
    /// Applies one event to its member, exactly once however often it is delivered. An event
    /// over the program's credit limits is held instead (<see cref="DecisionOutcome.Held"/>),
    /// unless <paramref name="approvedOverLimit"/>: the owner's approval of that held event.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(LoyaltyEvent evt, CancellationToken ct, bool approvedOverLimit = false)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (evt is not PurchaseCompleted || OrderRouting.ClaimKeyOf(evt) is not { } orderKey)
        {
            return await DecideAndCommitAsync(evt, approvedOverLimit, ct);
        }

        // Claimed before the member's commit, so the claim and the credit cannot disagree: a
        // crash in between leaves a claim that the redelivered purchase finds as its own.
        var claim = await claims.ClaimAsync(orderKey, evt.MemberId, ct);
        if (claim.MemberId != evt.MemberId)
        {
            logger.LogWarning("Purchase {EventId} for member {MemberId} refused: its order was credited to another member", evt.EventId, evt.MemberId);
            var refusal = new Refusal(RefusalCodes.OrderClaimed, $"Order {orderKey} was credited to another member; one order earns once.");
            return new ApplyResult(DecisionOutcome.Refused, null, new Decision { Outcome = DecisionOutcome.Refused, Refusals = [refusal] });
        }

        var result = await DecideAndCommitAsync(evt, approvedOverLimit, ct);
        if (claim.Waiting.Count > 0 && result.Outcome is DecisionOutcome.Applied or DecisionOutcome.AlreadyApplied)
        {
            // Take-backs that came first go on now that the order is in; sent before the list is
            // emptied, so a crash in between sends them again and their markers apply them once.
            var waiting = claim.Waiting.Select(w => EventEnvelope.TryParse(w, out var e, out _) ? e : null).OfType<LoyaltyEvent>().ToList();
            await queue.SendAsync(waiting, ct);
            await claims.ReleasedAsync(orderKey, ct);
            logger.LogInformation("Order of {EventId} released {Count} take-back(s) that arrived before it", evt.EventId, waiting.Count);
        }

        if (evt is PurchaseCompleted { DiscountCodes.Count: > 0 } purchase && result.Outcome is DecisionOutcome.Applied or DecisionOutcome.AlreadyApplied)
        {
            await MarkCodesUsedAsync(purchase, ct);
        }

        return result;
    }

    // A follow-up of the purchase, after its commit (a redelivered purchase lands here again, and
    // each use is applied once): the member's own redemptions whose code the order names are
    // marked used. A code of another member, or one this service never issued, marks nothing.
    private async Task MarkCodesUsedAsync(PurchaseCompleted purchase, CancellationToken ct)
    {
        var redemptions = await store.GetRedemptionsAsync(purchase.MemberId, ct);
        foreach (var r in redemptions.Where(r => r.UsedAt is null && purchase.DiscountCodes!.Contains(r.Code, StringComparer.OrdinalIgnoreCase)))
        {
            var used = await DecideAndCommitAsync(new CodeUsed(CodeUsed.IdFor(r.RequestId), purchase.MemberId, clock.GetUtcNow(), r.RequestId, purchase.OrderId), false, ct);
            logger.LogInformation("Order {OrderId} used the code of redemption {RequestId} of member {MemberId}: {Outcome}", purchase.OrderId, r.RequestId, purchase.MemberId, used.Outcome);
        }
    }

    /// <summary>
    /// <see cref="ApplyAsync"/> for a synchronous caller: null when the member changed under
    /// every commit attempt (nothing written; answer 503 with <see cref="RetryAfterSeconds"/>).
    /// </summary>
    public async Task<ApplyResult?> TryApplyAsync(LoyaltyEvent evt, CancellationToken ct, bool approvedOverLimit = false)
    {
        try
        {
            return await ApplyAsync(evt, ct, approvedOverLimit);
        }
        catch (ConcurrencyConflictException)
        {
            logger.LogWarning("Member {MemberId} changed under every commit attempt; answered 503 member-busy", evt.MemberId);
            return null;
        }
    }

    private async Task<ApplyResult> DecideAndCommitAsync(LoyaltyEvent evt, bool approvedOverLimit, CancellationToken ct)
    {
        var (orderId, redemptionId) = Decider.Needs(evt);

        // A purchase is decided without reading its order row: the store inserts that row, so
        // a second credit of the same order fails on it. One point read per purchase, not two.
        var orderToRead = evt is PurchaseCompleted ? null : orderId;
        var maxAttempts = options.Value.MaxConflictRetries;

        // A slot of a limited reward this call took: given back when the redemption does not go in.
        Reward? claimedHere = null;
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await store.LoadAsync(evt.MemberId, orderToRead, redemptionId, Decider.MessageNeeded(evt), Decider.DiscountNeeded(evt), ct);
            var inputs = approvedOverLimit ? loaded.Inputs with { OverLimitApproved = true } : loaded.Inputs;
            var decision = Decider.Decide(loaded.State, evt, inputs, program, clock.GetUtcNow());
            if (decision.Outcome == DecisionOutcome.Held)
            {
                return await HoldAsync(evt, orderId, redemptionId, decision, ct);
            }

            if (decision.Outcome != DecisionOutcome.Applied)
            {
                if (decision.Outcome == DecisionOutcome.AlreadyApplied)
                {
                    // The retry after a crash between the commit and the directory's or the
                    // report's write lands here (the marker is in): both take what they missed.
                    if (loaded.State is not null)
                    {
                        await directory.RecordAsync(loaded.State, NewOrderOf(evt), ct);
                    }

                    await reports.MendAsync(evt.MemberId, evt.EventId, ct);
                    if (evt is RedemptionReversed && loaded.Inputs.Redemption is { Reversed: true } undone && program.FindReward(undone.RewardId) is { GlobalLimit: not null })
                    {
                        // A reversal sent again mends a crash between its commit and the slot's release.
                        await slots.ReleaseAsync(undone.RewardId, evt.MemberId, undone.RequestId, ct);
                    }
                }

                if (decision.Outcome == DecisionOutcome.Refused)
                {
                    await GiveBackUnusedAsync(evt, claimedHere, ct);
                }

                return new ApplyResult(decision.Outcome, loaded.State, decision);
            }

            // A limited reward: its slot is claimed before the member's commit (idempotent on the
            // request id, so a retry keeps the slot it holds); none left refuses, writing nothing.
            if (RewardLimits.Takes(evt, decision, program) is { } limited)
            {
                var claim = await slots.ClaimAsync(limited, evt.MemberId, decision.Redemption!.RequestId, clock.GetUtcNow(), ct);
                if (!claim.Granted)
                {
                    logger.LogInformation("Redemption {EventId} refused: reward {RewardId} is sold out", evt.EventId, limited.Id);
                    var soldOut = new Decision { Outcome = DecisionOutcome.Refused, State = loaded.State, Refusals = [RewardLimits.SoldOut(limited)] };
                    return new ApplyResult(DecisionOutcome.Refused, loaded.State, soldOut);
                }

                claimedHere ??= claim.Fresh ? limited : null;
            }

            // Index rows and follow-ups go out before the commit: a job then always finds a member
            // the commit made due, and a follow-up waits for this event's marker (see
            // EventMessageHandler), so a commit that fails leaves only harmless traces.
            await schedule.AddAsync(evt.MemberId, Schedule.Added(loaded.State, decision.State), ct);
            await outbox.AddAsync(evt.MemberId, decision.Messages, ct);
            await discounts.AddAsync(evt.MemberId, decision.Discount, ct);
            if (decision.FollowUps.Count > 0)
            {
                await queue.SendAsync(decision.FollowUps, ct);
            }

            var delta = reports.Delta(loaded.State, decision);
            var status = await store.CommitAsync(loaded, evt.EventId, decision, ct, delta);
            switch (status)
            {
                case CommitStatus.Committed:
                    await reports.RecordAsync(evt.MemberId, evt.EventId, delta, ct);
                    if (RewardLimits.GivesBack(loaded.Inputs.Redemption, decision, program) is { } givenBack)
                    {
                        // A reversed redemption of a limited reward frees its slot (a crash before this
                        // keeps the slot taken: the limit is never exceeded, at worst one fewer is sold).
                        await slots.ReleaseAsync(givenBack.Id, evt.MemberId, decision.Redemption!.RequestId, ct);
                    }

                    if (NewOrderOf(evt) is { } || !DirectoryEntry.ListsAlike(loaded.State, decision.State!))
                    {
                        await directory.RecordAsync(decision.State!, NewOrderOf(evt), ct);
                    }

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

    // A slot this call took for a redemption the rules then refused (decided again after a lost
    // commit race, e.g. another redemption spent the points) goes back at once. A redemption found
    // in already keeps the slot: a concurrent call with the same request id shares its claim row.
    private async Task GiveBackUnusedAsync(LoyaltyEvent evt, Reward? claimedHere, CancellationToken ct)
    {
        if (claimedHere is not null && evt is RedemptionRequested r)
        {
            await slots.ReleaseAsync(claimedHere.Id, r.MemberId, r.RequestId, ct);
        }
    }

    // Over a credit limit: held for the owner, once however often it is delivered. An event the
    // owner approved earlier is in already (its marker was written with it).
    private async Task<ApplyResult> HoldAsync(LoyaltyEvent evt, string? orderId, string? redemptionId, Decision decision, CancellationToken ct)
    {
        var points = CreditLimits.NewPoints(decision.Entries);
        var reason = decision.Refusals[0].Message;
        var (row, inserted) = await held.HoldAsync(evt, points, reason, clock.GetUtcNow(), ct);
        if (row.Status == HeldStatus.Approved)
        {
            return await AlreadyAppliedAsync(evt, orderId, redemptionId, ct);
        }

        if (inserted)
        {
            metrics.Held();
            logger.LogWarning("Event {EventId} for member {MemberId} held for approval: it credits {Points} points, over the program's limit", evt.EventId, evt.MemberId, points);
        }

        return new ApplyResult(DecisionOutcome.Held, decision.State, decision);
    }

    // The marker says the event is in: read again so the caller sees the state (and, for a
    // redemption, the record) it produced rather than a second decision's.
    private async Task<ApplyResult> AlreadyAppliedAsync(LoyaltyEvent evt, string? orderId, string? redemptionId, CancellationToken ct)
    {
        var loaded = await store.LoadAsync(evt.MemberId, orderId, redemptionId, ct);

        // A crash between the member's commit and the directory's write is mended by the retry
        // that lands here: the directory takes the state if it is still behind.
        if (loaded.State is not null)
        {
            await directory.RecordAsync(loaded.State, NewOrderOf(evt), ct);
            await reports.MendAsync(evt.MemberId, evt.EventId, ct);
        }

        var decision = new Decision
        {
            Outcome = DecisionOutcome.AlreadyApplied,
            State = loaded.State,
            Order = loaded.Inputs.Order,
            Redemption = loaded.Inputs.Redemption,
        };
        return new ApplyResult(DecisionOutcome.AlreadyApplied, loaded.State, decision);
    }

    // The order a purchase credits gets a lookup row in the directory (search by order number).
    private static string? NewOrderOf(LoyaltyEvent evt) => evt is PurchaseCompleted p ? p.OrderId : null;
}

/// <summary>The member kept changing under us for every attempt: retried later as a failure.</summary>
public sealed class ConcurrencyConflictException(string memberId, int attempts)
    : Exception($"Member {memberId} changed concurrently on each of {attempts} attempts.");

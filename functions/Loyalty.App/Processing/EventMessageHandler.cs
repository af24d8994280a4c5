using Loyalty.App.Configuration;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Processing;

/// <summary>What to do with a queue message after handling it.</summary>
public abstract record MessageOutcome
{
    /// <summary>Done (applied, already applied, refused, or parked in the poison queue): delete it.</summary>
    public sealed record Completed(string Result) : MessageOutcome;

    /// <summary>Not yet: make it visible again after <paramref name="Delay"/>.</summary>
    public sealed record RetryLater(TimeSpan Delay, string Reason) : MessageOutcome;
}

/// <summary>
/// Handles one message of the events queue for both hosts: parse, apply through
/// <see cref="MemberCommands"/>, and decide between done, retry later and poison. A message
/// that fails on its last allowed delivery is written to the poison queue with its last error
/// and completed, so the Functions host never moves it without saying why.
/// </summary>
public sealed class EventMessageHandler(
    MemberCommands commands,
    MemberStore members,
    OrderClaims claims,
    EventQueue queue,
    IOptions<ProcessingOptions> options,
    ProcessingMetrics metrics,
    ILogger<EventMessageHandler> logger)
{
    /// <summary>Handles one delivery of a message (<paramref name="dequeueCount"/> counts from 1).</summary>
    public async Task<MessageOutcome> HandleAsync(string body, long dequeueCount, CancellationToken ct)
    {
        if (!EventEnvelope.TryParse(body, out var evt, out var error) || evt is null)
        {
            // No retry can fix a message that does not parse.
            return await PoisonAsync(body, $"unreadable message: {error}", dequeueCount, ct);
        }

        string failure;
        try
        {
            (var done, failure) = await TryApplyAsync(body, evt, dequeueCount, ct);
            if (done is not null)
            {
                return done;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any failure of one message is retried and finally parked; the pump must go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The type and message of storage errors carry no personal data; the stack stays in the log.
            logger.LogError(ex, "Event {EventId} failed on delivery {DequeueCount}", evt.EventId, dequeueCount);
            failure = $"{ex.GetType().Name}: {ex.Message}";
        }

        var max = options.Value.MaxAttempts;
        if (dequeueCount >= max)
        {
            return await PoisonAsync(body, $"{failure} (after {dequeueCount} attempts)", dequeueCount, ct);
        }

        var delay = TimeSpan.FromSeconds(options.Value.RetryDelaySeconds * dequeueCount);
        logger.LogInformation("Message will be retried in {RetryDelay} after delivery {DequeueCount}: {Reason}", delay, dequeueCount, failure);
        return new MessageOutcome.RetryLater(delay, failure);
    }

    // Done, or why the message must wait and be tried again.
    private async Task<(MessageOutcome? Done, string Failure)> TryApplyAsync(string body, LoyaltyEvent evt, long dequeueCount, CancellationToken ct)
    {
        // A shop's refund or cancellation goes to the member its order was credited to, whatever
        // member it names (a Shopify refund names none); before the order, it waits on the claim.
        if (evt is not PurchaseCompleted && OrderRouting.ClaimKeyOf(evt) is { } orderKey)
        {
            var claimedBy = (await claims.FindAsync(orderKey, ct))?.MemberId;
            if (claimedBy is null)
            {
                var check = EventValidation.Validate(evt with { MemberId = "unclaimed" });
                if (check.Count > 0)
                {
                    return (await PoisonAsync(body, $"invalid event: {check[0].Field}: {check[0].Message}", dequeueCount, ct), string.Empty);
                }

                claimedBy = await claims.WaitAsync(orderKey, evt, ct);
                if (claimedBy is null)
                {
                    logger.LogInformation("{EventType} {EventId} waits for its order to be credited", EventEnvelope.TypeOf(evt), evt.EventId);
                    return (new MessageOutcome.Completed("waiting for its order"), string.Empty);
                }
            }

            evt = evt with { MemberId = claimedBy };
        }

        var validation = EventValidation.Validate(evt);
        if (validation.Count > 0)
        {
            return (await PoisonAsync(body, $"invalid event: {validation[0].Field}: {validation[0].Message}", dequeueCount, ct), string.Empty);
        }

        if (evt is ReferralRewarded referral && !await members.HasMarkerAsync(referral.FriendId, referral.FriendEventId, ct))
        {
            // Sent just before the friend's order was committed; that commit may still be on its way.
            return (null, $"the referred friend's order {referral.FriendEventId} is not committed yet");
        }

        var result = await commands.ApplyAsync(evt, ct);
        switch (result.Outcome)
        {
            case DecisionOutcome.Applied:
                logger.LogDebug("Applied {EventType} {EventId} to member {MemberId}", EventEnvelope.TypeOf(evt), evt.EventId, evt.MemberId);
                return (new MessageOutcome.Completed("applied"), string.Empty);
            case DecisionOutcome.AlreadyApplied:
                return (new MessageOutcome.Completed("already applied"), string.Empty);
            case DecisionOutcome.Refused when result.Decision.Refusals[0].Code == RefusalCodes.OrderClaimed:
                // Not a business "no" to acknowledge quietly: someone sent one order for two members.
                return (await PoisonAsync(body, result.Decision.Refusals[0].Message, dequeueCount, ct), string.Empty);
            case DecisionOutcome.Refused:
                var refusal = result.Decision.Refusals.FirstOrDefault();
                logger.LogWarning("Refused {EventType} {EventId} for member {MemberId}: {RefusalCode}", EventEnvelope.TypeOf(evt), evt.EventId, evt.MemberId, refusal?.Code);
                return (new MessageOutcome.Completed("refused: " + refusal?.Code), string.Empty);
            case DecisionOutcome.Held:
                return (new MessageOutcome.Completed("held for approval"), string.Empty);
            case DecisionOutcome.OrderNotSeen:
                return (null, $"order {Decider.Needs(evt).OrderId} not seen yet for member {evt.MemberId}");
            default:
                return (null, "unexpected outcome " + result.Outcome);
        }
    }

    private async Task<MessageOutcome> PoisonAsync(string body, string error, long dequeueCount, CancellationToken ct)
    {
        await queue.SendToPoisonAsync(body, error, dequeueCount, ct);
        metrics.Parked();
        logger.LogError("Message parked in the poison queue after {DequeueCount} deliveries: {Reason}", dequeueCount, error);
        return new MessageOutcome.Completed("poisoned");
    }
}

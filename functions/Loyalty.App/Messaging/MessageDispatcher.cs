using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Messaging;

/// <summary>What one dispatcher run did, by outcome.</summary>
public sealed record DispatchRun(string Job, DateTimeOffset At, int Due, int Sent, int Retried, int Failed, int Skipped, int Waiting, int Other);

/// <summary>
/// Sends due messages (timer <see cref="Job"/>, both hosts). For each row of the due-messages
/// index, earliest first: claim the message through <see cref="MemberCommands"/> (the decider
/// sends it now, makes it wait for quiet hours or the weekly cap, or skips it), send it to each
/// enabled channel that has not taken it yet, and record the outcome through the same path. The
/// claim leaves the message due again after the send lease, so a dispatcher that dies between
/// sending and recording is followed by a resend with the same <c>Message-ID</c> and delivery id.
/// </summary>
public sealed class MessageDispatcher(
    OutboxIndex index,
    MemberCommands commands,
    MessageRenderer renderer,
    SmtpChannel email,
    WebhookChannel webhook,
    LoyaltyProgram program,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<MessageDispatcher> logger)
{
    /// <summary>The timer's name.</summary>
    public const string Job = "DispatchMessages";

    /// <summary>Takes the due rows, up to the batch size, and handles each in turn.</summary>
    public async Task<DispatchRun> RunAsync(CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var rules = program.Messaging;
        if (!rules.Email && !rules.Webhook)
        {
            // No channel: messages stay listed until one is set up.
            return new DispatchRun(Job, at, 0, 0, 0, 0, 0, 0, 0);
        }

        var due = await index.DueAsync(at, options.Value.BatchSize, ct);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var row in due)
            {
                var result = await HandleAsync(row, ct);
                counts[result] = counts.GetValueOrDefault(result) + 1;
            }
        }
        finally
        {
            await email.CloseAsync();
        }

        var run = new DispatchRun(
            Job,
            at,
            due.Count,
            counts.GetValueOrDefault(MessageStatuses.Sent),
            counts.GetValueOrDefault(DeliveryOutcomes.Retry),
            counts.GetValueOrDefault(MessageStatuses.Failed),
            counts.GetValueOrDefault(MessageStatuses.Skipped),
            counts.GetValueOrDefault(MessageStatuses.Waiting),
            counts.GetValueOrDefault("other"));
        logger.LogInformation(
            "Dispatcher took {Due} due messages: {Sent} sent, {Retried} to retry, {Failed} failed, {Skipped} skipped, {Waiting} waiting",
            run.Due, run.Sent, run.Retried, run.Failed, run.Skipped, run.Waiting);
        return run;
    }

    private async Task<string> HandleAsync(DueMessage row, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claim = await commands.ApplyAsync(new MessageDue(Outbox.DueEventId(row.MemberId, row.MessageId, row.DueAt), row.MemberId, now, row.MessageId), ct);

        // Whatever the claim decided, this row is done with: a later due time has a row of its
        // own, written before the claim's commit.
        await index.RemoveAsync(row, ct);
        if (claim.Outcome != DecisionOutcome.Applied || claim.Decision.Messages is not [var message] || claim.State is not { } state)
        {
            return "other";
        }

        if (message.Status != MessageStatuses.Sending)
        {
            return message.Status;
        }

        var deliveryId = Outbox.DeliveryId(row.MemberId, row.MessageId);
        var outgoing = new Outgoing(deliveryId, row.MemberId, message, renderer.Render(state, message, now), Outbox.WorkingEmail(state), state.Profile.FirstName, now);
        var results = new List<(string Channel, ChannelResult Result)>();
        if (program.Messaging.Email && outgoing.Email is not null && !message.SentChannels.Contains(SmtpChannel.Name))
        {
            results.Add((SmtpChannel.Name, await email.SendAsync(outgoing, ct)));
        }

        if (program.Messaging.Webhook && !message.SentChannels.Contains(WebhookChannel.Name))
        {
            results.Add((WebhookChannel.Name, await webhook.SendAsync(outgoing, ct)));
        }

        var failing = results.Where(r => r.Result.Outcome != DeliveryOutcomes.Sent).Select(r => r.Result).ToList();
        var outcome = failing.FirstOrDefault(f => f.Outcome == DeliveryOutcomes.Retry)
            ?? failing.FirstOrDefault(f => f.Outcome == DeliveryOutcomes.Bounced)
            ?? failing.FirstOrDefault()
            ?? ChannelResult.Sent;
        var sentTo = results.Where(r => r.Result.Outcome == DeliveryOutcomes.Sent).Select(r => r.Channel).ToList();
        var recorded = await commands.ApplyAsync(
            new MessageDelivered(Outbox.DeliveredEventId(row.MemberId, row.MessageId, message.Attempts), row.MemberId, clock.GetUtcNow(), row.MessageId, message.Attempts, outcome.Outcome, outcome.Reason, sentTo),
            ct);
        if (recorded.Outcome == DecisionOutcome.Applied && recorded.Decision.Messages is [var after])
        {
            // The lease row the claim wrote is not needed once an outcome is recorded.
            await index.RemoveAsync(new DueMessage(row.MemberId, row.MessageId, message.DueAt!.Value), ct);
            logger.LogInformation("Message {DeliveryId} of member {MemberId} ({Kind}): {Status} {Reason}", deliveryId, row.MemberId, message.Kind, after.Status, after.Reason);
            return after.Status == MessageStatuses.Waiting ? DeliveryOutcomes.Retry : after.Status;
        }

        return "other";
    }
}

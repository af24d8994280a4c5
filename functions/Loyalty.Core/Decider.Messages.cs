namespace Loyalty.Core;

// Messages to members: what is written with a decision, and the dispatcher's two steps, each a
// decision of its own: the claim (send now, wait, or skip) and the outcome (sent, retry, failed,
// bounced). Quiet hours, consent and the weekly cap are decided here, with the clock passed in.
public static partial class Decider
{
    /// <summary>The outbox message deciding <paramref name="evt"/> needs, to read by key first.</summary>
    public static string? MessageNeeded(LoyaltyEvent evt) => evt switch
    {
        MessageDue d => d.MessageId,
        MessageDelivered d => d.MessageId,
        _ => null,
    };

    private static Decision ChangeConsent(MemberState? state, ConsentChanged e, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        var changed = state with { Unsubscribed = !e.Marketing, Profile = state.Profile with { MarketingConsent = e.Marketing } };
        return changed.Unsubscribed == state.Unsubscribed && changed.Profile == state.Profile
            ? AlreadyApplied(state)
            : Draft.Start(changed, e, now).Applied();
    }

    private static Decision ClaimMessage(MemberState? state, MessageDue e, OutboxMessage? m, LoyaltyProgram program, DateTimeOffset now)
    {
        // Gone, finished, or not due yet (an index row older than the message's own due time).
        if (state is null || m is null || m.Status is not (MessageStatuses.Waiting or MessageStatuses.Sending) || m.DueAt is not { } due || due > now)
        {
            return AlreadyApplied(state);
        }

        var rules = program.Messaging;
        var marketing = m.Category == MessageCategories.Marketing;
        var draft = Draft.Start(state, e, now);
        string? skip = null;
        if (marketing && !Outbox.MayMarket(state))
        {
            skip = state.Unsubscribed ? "unsubscribed" : "no marketing consent";
        }
        else if (!rules.Webhook && rules.Email && Outbox.WorkingEmail(state) is null)
        {
            skip = state.Profile.Email is null ? "no e-mail address" : "the e-mail address bounced";
        }
        else if (m.Attempts >= rules.MaxAttempts)
        {
            return draft.Message(Finish(m, MessageStatuses.Failed, $"no outcome recorded after {m.Attempts} attempts")).Applied();
        }

        if (skip is not null)
        {
            return draft.Message(Finish(m, MessageStatuses.Skipped, skip)).Applied();
        }

        // A first attempt waits for quiet hours to end and for the weekly cap to free a place;
        // a resend after a lost outcome goes at once (it was allowed when first claimed).
        if (m.Attempts == 0)
        {
            var window = Outbox.InCapWindow(state, now);
            var capFreesAt = marketing && window.Count >= rules.WeeklyMarketingCap
                ? (rules.WeeklyMarketingCap == 0 ? (DateTimeOffset?)null : window[^rules.WeeklyMarketingCap].AddDays(7))
                : now;
            if (capFreesAt is null)
            {
                return draft.Message(Finish(m, MessageStatuses.Skipped, "the weekly marketing cap is 0")).Applied();
            }

            var at = MessagingRules.ImmediateKinds.Contains(m.Kind, StringComparer.Ordinal) ? capFreesAt.Value : rules.QuietHours.NextAllowed(capFreesAt.Value, program.Zone);
            if (at > now)
            {
                var why = capFreesAt > now ? "weekly marketing cap" : "quiet hours";
                return m.DueAt == at && m.Reason == why
                    ? AlreadyApplied(state)
                    : draft.Message(m with { Status = MessageStatuses.Waiting, DueAt = at, Reason = why }).Applied();
            }

            if (marketing)
            {
                draft = draft.With(s => s with { MarketingSentAt = [.. Outbox.InCapWindow(s, now), now] });
            }
        }

        return draft.Message(m with { Status = MessageStatuses.Sending, Attempts = m.Attempts + 1, DueAt = now + rules.SendLease, Reason = null }).Applied();
    }

    private static Decision RecordDelivery(MemberState? state, MessageDelivered e, OutboxMessage? m, LoyaltyProgram program, DateTimeOffset now)
    {
        // Only the outcome of the attempt that holds the claim counts; a late one changes nothing.
        if (state is null || m is null || m.Status != MessageStatuses.Sending || m.Attempts != e.Attempt)
        {
            return AlreadyApplied(state);
        }

        var rules = program.Messaging;
        var channels = m.SentChannels.Union(e.SentChannels, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var draft = Draft.Start(state, e, now);
        var reason = e.Reason ?? e.Outcome;
        var message = e.Outcome switch
        {
            DeliveryOutcomes.Sent => m with { Status = MessageStatuses.Sent, SentAt = now, DueAt = null, Reason = null, SentChannels = channels },
            DeliveryOutcomes.Retry when e.Attempt < rules.MaxAttempts =>
                m with { Status = MessageStatuses.Waiting, DueAt = now + rules.Backoff(e.Attempt), Reason = reason, SentChannels = channels },
            DeliveryOutcomes.Retry => Finish(m, MessageStatuses.Failed, $"gave up after {e.Attempt} attempts: {reason}") with { SentChannels = channels },
            DeliveryOutcomes.Bounced => Finish(m, MessageStatuses.Failed, "bounced: " + reason) with { SentChannels = channels },
            _ => Finish(m, MessageStatuses.Failed, reason) with { SentChannels = channels },
        };
        if (e.Outcome == DeliveryOutcomes.Bounced)
        {
            draft = draft.With(s => s with { BouncedEmail = s.Profile.Email });
        }

        return draft.Message(message).Applied();
    }

    private static OutboxMessage Finish(OutboxMessage m, string status, string reason) =>
        m with { Status = status, DueAt = null, Reason = reason };
}

namespace Loyalty.Core.Tests;

/// <summary>
/// The dispatcher's two decisions, claim and outcome, with the clock passed in: quiet hours in
/// the program's zone (New York, 21:00 to 09:00), the weekly marketing cap (2), consent and
/// unsubscribing, retries with backoff, bounces, and a resend after a lost outcome.
/// </summary>
public sealed class MessagingTests
{
    private const string M = "m1";

    private static readonly LoyaltyProgram Program = Given.Program with
    {
        TimeZone = "America/New_York",
        Messaging = new MessagingRules { Email = true, RetryDelay = TimeSpan.FromMinutes(1), MaxAttempts = 3 },
    };

    // New York is on daylight time (UTC-4) from 9 March 2025.
    private static DateTimeOffset Local(int day, int hour, int minute = 0) => new(2025, 3, day, hour, minute, 0, TimeSpan.FromHours(-4));

    private static MemberState Member(bool consent = true) =>
        MemberState.New(M, new MemberProfile(Email: "ada@example.com", MarketingConsent: consent), Local(1, 12));

    private static OutboxMessage Message(string id, string kind, DateTimeOffset due) => new()
    {
        MessageId = id,
        Kind = kind,
        CreatedAt = due,
        DueAt = due,
        Category = Program.Messaging.CategoryOf(kind),
    };

    private static Decision Claim(MemberState state, OutboxMessage message, DateTimeOffset now) =>
        Decider.Decide(state, new MessageDue(Outbox.DueEventId(M, message.MessageId, message.DueAt!.Value), M, now, message.MessageId), new DecisionInputs(Message: message), Program, now);

    private static Decision Record(MemberState state, OutboxMessage message, string outcome, DateTimeOffset now, string? reason = null) =>
        Decider.Decide(state, new MessageDelivered(Outbox.DeliveredEventId(M, message.MessageId, message.Attempts), M, now, message.MessageId, message.Attempts, outcome, reason, outcome == DeliveryOutcomes.Sent ? ["email"] : []), new DecisionInputs(Message: message), Program, now);

    [Fact]
    public void A_message_due_in_quiet_hours_waits_until_nine_local_then_is_claimed_with_a_lease()
    {
        var due = Local(10, 22, 30);
        var reminder = Message("remind:m1:20250409:30", MessageKinds.ExpiryReminder, due);

        var waiting = Assert.Single(Claim(Member(), reminder, due).Messages);
        Assert.Equal((MessageStatuses.Waiting, (DateTimeOffset?)Local(11, 9), "quiet hours", 0), (waiting.Status, waiting.DueAt, waiting.Reason, waiting.Attempts));

        // Just after midnight it still waits for the same 09:00, and the decision changes nothing.
        Assert.Equal(DecisionOutcome.AlreadyApplied, Claim(Member(), waiting, Local(11, 0, 10)).Outcome);

        var claimed = Claim(Member(), waiting, Local(11, 9));
        var sending = Assert.Single(claimed.Messages);
        Assert.Equal((MessageStatuses.Sending, 1, (DateTimeOffset?)Local(11, 9, 5)), (sending.Status, sending.Attempts, sending.DueAt));
        Assert.Equal([Local(11, 9)], claimed.State!.MarketingSentAt);
    }

    [Fact]
    public void The_weekly_cap_holds_the_third_marketing_message_a_week_from_the_first_but_never_a_receipt()
    {
        var state = Member();
        foreach (var (id, hour) in new[] { ("b1", 10), ("b2", 11) })
        {
            state = Claim(state, Message(id, MessageKinds.BirthdayOffer, Local(10, hour)), Local(10, hour)).State!;
        }

        var third = Assert.Single(Claim(state, Message("b3", MessageKinds.BirthdayOffer, Local(10, 12)), Local(10, 12)).Messages);
        Assert.Equal((MessageStatuses.Waiting, (DateTimeOffset?)Local(17, 10), "weekly marketing cap"), (third.Status, third.DueAt, third.Reason));

        var receipt = Assert.Single(Claim(state, Message("r1", MessageKinds.RedemptionReceipt, Local(10, 12)), Local(10, 12)).Messages);
        Assert.Equal((MessageCategories.Service, MessageStatuses.Sending), (receipt.Category, receipt.Status));

        // A week after the first, one place is free again.
        Assert.Equal(MessageStatuses.Sending, Assert.Single(Claim(state, third, Local(17, 10)).Messages).Status);
    }

    [Fact]
    public void Marketing_needs_consent_and_an_unsubscribe_sticks_while_service_messages_still_go()
    {
        var due = Local(10, 12);
        var skipped = Assert.Single(Claim(Member(consent: false), Message("b1", MessageKinds.BirthdayOffer, due), due).Messages);
        Assert.Equal((MessageStatuses.Skipped, "no marketing consent", (DateTimeOffset?)null), (skipped.Status, skipped.Reason, skipped.DueAt));

        var unsubscribed = Decider.Decide(Member(), new ConsentChanged("c1", M, due, Marketing: false, "unsubscribe-link"), DecisionInputs.None, Program, due).State!;
        Assert.True(unsubscribed.Unsubscribed);
        Assert.Equal(DecisionOutcome.AlreadyApplied, Decider.Decide(unsubscribed, new ConsentChanged("c2", M, due, false, "unsubscribe-link"), DecisionInputs.None, Program, due).Outcome);

        // The shop still says "subscribed" on the next order: the member's own choice wins.
        var afterOrder = Decider.Decide(unsubscribed, Given.Purchase("o1", 10m, profile: new MemberProfile(MarketingConsent: true)) with { MemberId = M }, DecisionInputs.None, Program, due).State!;
        Assert.False(Outbox.MayMarket(afterOrder));
        Assert.Equal("unsubscribed", Assert.Single(Claim(afterOrder, Message("b2", MessageKinds.BirthdayOffer, due), due).Messages).Reason);
        Assert.Equal(MessageStatuses.Sending, Assert.Single(Claim(afterOrder, Message("r1", MessageKinds.RedemptionReceipt, due), due).Messages).Status);

        var again = Decider.Decide(afterOrder, new ConsentChanged("c3", M, due, Marketing: true, "member"), DecisionInputs.None, Program, due).State!;
        Assert.True(Outbox.MayMarket(again));
    }

    [Fact]
    public void Transient_failures_back_off_then_give_up_a_bounce_marks_the_address_until_it_changes()
    {
        var now = Local(10, 12);
        var state = Member();
        var message = Assert.Single(Claim(state, Message("r1", MessageKinds.RedemptionReceipt, now), now).Messages);

        var retry = Assert.Single(Record(state, message, DeliveryOutcomes.Retry, now, "SMTP 451 (MessageNotAccepted)").Messages);
        Assert.Equal((MessageStatuses.Waiting, (DateTimeOffset?)now.AddMinutes(1)), (retry.Status, retry.DueAt));
        message = Assert.Single(Claim(state, retry, now.AddMinutes(1)).Messages);
        retry = Assert.Single(Record(state, message, DeliveryOutcomes.Retry, now.AddMinutes(1)).Messages);
        Assert.Equal(now.AddMinutes(3), retry.DueAt);
        message = Assert.Single(Claim(state, retry, now.AddMinutes(3)).Messages);
        var failed = Assert.Single(Record(state, message, DeliveryOutcomes.Retry, now.AddMinutes(3), "SMTP 421").Messages);
        Assert.Equal((MessageStatuses.Failed, "gave up after 3 attempts: SMTP 421"), (failed.Status, failed.Reason));

        message = Assert.Single(Claim(state, Message("r2", MessageKinds.RedemptionReceipt, now), now).Messages);
        var bounced = Record(state, message, DeliveryOutcomes.Bounced, now, "SMTP 550 (RecipientNotAccepted)");
        Assert.Equal("ada@example.com", bounced.State!.BouncedEmail);
        Assert.Equal("the e-mail address bounced", Assert.Single(Claim(bounced.State, Message("r3", MessageKinds.RedemptionReceipt, now), now).Messages).Reason);

        var moved = bounced.State with { Profile = bounced.State.Profile.Merge(new MemberProfile(Email: "ada@new.example")) };
        Assert.Equal("ada@new.example", Outbox.WorkingEmail(moved));
        Assert.Equal(MessageStatuses.Sending, Assert.Single(Claim(moved, Message("r3", MessageKinds.RedemptionReceipt, now), now).Messages).Status);
    }

    [Fact]
    public void A_claim_whose_outcome_was_lost_is_sent_again_after_the_lease_and_the_late_outcome_changes_nothing()
    {
        var now = Local(10, 12);
        var state = Member();
        var first = Claim(state, Message("b1", MessageKinds.BirthdayOffer, now), now);
        state = first.State!;
        var claimed = Assert.Single(first.Messages);

        var again = Claim(state, claimed, claimed.DueAt!.Value);
        var second = Assert.Single(again.Messages);
        Assert.Equal((MessageStatuses.Sending, 2), (second.Status, second.Attempts));
        Assert.Single(again.State!.MarketingSentAt);

        Assert.Equal(MessageStatuses.Sent, Assert.Single(Record(state, second, DeliveryOutcomes.Sent, now).Messages).Status);
        var late = Decider.Decide(state, new MessageDelivered("late", M, now, "b1", 1, DeliveryOutcomes.Sent, null, ["email"]), new DecisionInputs(Message: second), Program, now);
        Assert.Equal(DecisionOutcome.AlreadyApplied, late.Outcome);

        // Both attempts carry one delivery id (the Message-ID), while their claim events differ.
        Assert.NotEqual(Outbox.DueEventId(M, "b1", now), Outbox.DueEventId(M, "b1", claimed.DueAt.Value));
        Assert.Matches("^[0-9a-f]{24}$", Outbox.DeliveryId(M, "b1"));
    }
}

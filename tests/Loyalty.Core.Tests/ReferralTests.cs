using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

/// <summary>Referrals under the plain program with 200 points for the referrer and 100 for the friend (member m1).</summary>
public sealed class ReferralTests
{
    private const string Referrer = "r1";

    private static readonly LoyaltyProgram Referrals = Program with { ReferrerBonus = 200, FriendBonus = 100 };

    [Fact]
    public void Self_referral_is_refused()
    {
        var store = History(Referrals, (Enrolled(), T0));

        var decision = store.Apply(ReferredBy(Member), T0)!;

        Assert.Equal(new Refusal(RefusalCodes.SelfReferral, "A member cannot refer themselves."), Assert.Single(decision.Refusals));
        Assert.Null(store.State!.ReferredBy);
        Assert.Equal(RefusalCodes.SelfReferral, Decider.Decide(null, ReferredBy(Member), DecisionInputs.None, Referrals, T0).Refusals.Single().Code);
    }

    [Fact]
    public void Member_has_one_referrer()
    {
        // A referral may come before anything else: it enrols the friend.
        var store = History(Referrals, (ReferredBy(Referrer), T0));
        Assert.Equal(Referrer, store.State!.ReferredBy);

        var same = store.Apply(ReferredBy(Referrer, eventId: "referral-again"), T0)!;
        var other = store.Apply(ReferredBy("r2"), T0)!;

        Assert.Equal(DecisionOutcome.AlreadyApplied, same.Outcome);
        Assert.Equal(new Refusal(RefusalCodes.ReferralNotAllowed, "The member already has a referrer; there is one per member."), Assert.Single(other.Refusals));
        Assert.Equal(Referrer, store.State!.ReferredBy);
    }

    [Fact]
    public void Referral_after_a_paid_order_is_refused()
    {
        var store = History(Referrals, (Purchase("o1", 40m), T0));

        var decision = store.Apply(ReferredBy(Referrer), T0)!;

        Assert.Equal(new Refusal(RefusalCodes.ReferralNotAllowed, "The member has already paid an order; a referral counts from before the first one."), Assert.Single(decision.Refusals));
        Assert.Null(store.State!.ReferredBy);
    }

    [Fact]
    public void First_paid_order_pays_the_friend_and_sends_exactly_one_reward_to_the_referrer()
    {
        var store = History(Referrals, (ReferredBy(Referrer), T0));
        var at = T0.AddDays(3);

        var decision = store.Apply(Purchase("o1", 40m), at)!;

        Assert.Equal(
            [(LedgerKinds.Earned, 40L, 40L), (LedgerKinds.ReferralBonus, 100L, 140L)],
            decision.Entries.Select(e => (e.Kind, e.Points, e.BalanceAfter)));
        Assert.Equal("o1", decision.Entries[1].OrderId);
        var followUp = Assert.IsType<ReferralRewarded>(Assert.Single(decision.FollowUps));
        Assert.Equal(new ReferralRewarded("referral:m1:referrer", Referrer, at, Member, "paid:o1"), followUp);
        Assert.True(store.State!.ReferralRewarded);
    }

    [Fact]
    public void Second_paid_order_pays_no_referral()
    {
        var store = History(Referrals, (ReferredBy(Referrer), T0), (Purchase("o1", 40m), T0));

        var decision = store.Apply(Purchase("o2", 60m), T0)!;

        Assert.Equal([LedgerKinds.Earned], decision.Entries.Select(e => e.Kind));
        Assert.Empty(decision.FollowUps);
        Assert.Equal(200, store.State!.Balance);
    }

    [Fact]
    public void Referrer_is_paid_once_by_the_follow_up()
    {
        var friend = History(Referrals, (ReferredBy(Referrer), T0));
        var followUp = friend.Apply(Purchase("o1", 40m), T0)!.FollowUps.Single();
        var referrer = new MemberStore(Referrals);
        referrer.Apply(new MemberEnrolled("enrol-r1", Referrer, T0, new MemberProfile(Email: "ref@example.com")), T0);

        var decision = referrer.Apply(followUp, T0.AddMinutes(1))!;

        var entry = Assert.Single(decision.Entries);
        Assert.Equal((LedgerKinds.ReferralBonus, 200L, 200L, "referral: friend m1 paid a first order"), (entry.Kind, entry.Points, entry.BalanceAfter, entry.Reason));
        Assert.Null(referrer.Apply(followUp, T0.AddMinutes(2)));
        Assert.Equal(200, referrer.State!.Balance);
    }

    [Fact]
    public void Reward_for_a_referrer_who_is_not_a_member_is_refused()
    {
        var decision = Decider.Decide(null, new ReferralRewarded("referral:m1:referrer", Referrer, T0, Member, "paid:o1"), DecisionInputs.None, Referrals, T0);

        Assert.Equal(RefusalCodes.UnknownMember, Assert.Single(decision.Refusals).Code);
    }
}

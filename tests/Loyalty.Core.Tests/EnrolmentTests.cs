using static Loyalty.Core.Tests.Given;

namespace Loyalty.Core.Tests;

public sealed class EnrolmentTests
{
    private static readonly LoyaltyProgram WithBonus = Program with { SignUpBonus = 50 };

    [Fact]
    public void Enrolling_a_new_member_creates_them_with_the_sign_up_bonus_once()
    {
        var decision = Decider.Decide(null, Enrolled(), DecisionInputs.None, WithBonus, T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        var state = Assert.IsType<MemberState>(decision.State);
        Assert.Equal(Member, state.MemberId);
        Assert.Equal("ada@example.com", state.Profile.Email);
        Assert.Equal(T0, state.EnrolledAt);
        Assert.True(state.SignUpBonusGranted);
        Assert.Equal(50, state.Balance);
        Assert.Equal(50, state.LifetimeEarned);
        Assert.Equal([new Lot(T0Expiry, 50)], state.Lots);
        var entry = Assert.Single(decision.Entries);
        Assert.Equal(LedgerKinds.SignUpBonus, entry.Kind);
        Assert.Equal(50, entry.Points);
        Assert.Equal(1, entry.Sequence);
        Assert.Equal(50, entry.BalanceAfter);
        Assert.Equal("enrol", entry.SourceEventId);
        Assert.Equal(1, state.Version);
        Assert.Equal(1, state.LedgerSequence);
    }

    [Fact]
    public void Enrolling_in_a_program_without_a_bonus_creates_the_member_with_no_ledger_entry()
    {
        var decision = Decider.Decide(null, Enrolled(), DecisionInputs.None, Program, T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Empty(decision.Entries);
        Assert.Equal(0, decision.State!.Balance);
        Assert.False(decision.State.SignUpBonusGranted);
        Assert.Equal(1, decision.State.Version);
    }

    [Fact]
    public void Enrolling_an_existing_member_merges_the_new_profile_fields_without_a_second_bonus()
    {
        var store = History(WithBonus, (Enrolled(new MemberProfile(Email: "ada@example.com")), T0));

        var decision = store.Decide(Enrolled(new MemberProfile(FirstName: "Ada"), eventId: "enrol-2"), T0.AddDays(1));

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Equal(new MemberProfile("ada@example.com", "Ada"), decision.State!.Profile);
        Assert.Empty(decision.Entries);
        Assert.Equal(50, decision.State.Balance);
        Assert.Equal(2, decision.State.Version);
    }

    [Fact]
    public void Enrolling_an_existing_member_with_nothing_new_is_already_applied()
    {
        var store = History(WithBonus, (Enrolled(), T0));

        var decision = store.Decide(Enrolled(eventId: "enrol-again"), T0.AddDays(1));

        Assert.Equal(DecisionOutcome.AlreadyApplied, decision.Outcome);
        Assert.Same(store.State, decision.State);
        Assert.Empty(decision.Entries);
    }

    [Fact]
    public void Purchase_by_an_unknown_member_enrols_them_with_the_bonus_entry_before_the_earning()
    {
        var decision = Decider.Decide(null, Purchase("o1", 20m, profile: new MemberProfile(Email: "bo@example.com")), DecisionInputs.None, WithBonus, T0);

        Assert.Equal(DecisionOutcome.Applied, decision.Outcome);
        Assert.Equal(2, decision.Entries.Count);
        Assert.Equal((1L, LedgerKinds.SignUpBonus, 50L, 50L), (decision.Entries[0].Sequence, decision.Entries[0].Kind, decision.Entries[0].Points, decision.Entries[0].BalanceAfter));
        Assert.Equal((2L, LedgerKinds.Earned, 20L, 70L), (decision.Entries[1].Sequence, decision.Entries[1].Kind, decision.Entries[1].Points, decision.Entries[1].BalanceAfter));
        Assert.Equal("bo@example.com", decision.State!.Profile.Email);
        Assert.True(decision.State.SignUpBonusGranted);
        Assert.Equal(70, decision.State.LifetimeEarned);
        Assert.Equal([new Lot(T0Expiry, 70)], decision.State.Lots);
        Assert.Equal(1, decision.State.Version);
    }

    [Fact]
    public void Purchase_by_an_existing_member_merges_the_profile_it_carries()
    {
        var store = History(Enrolled(new MemberProfile(Email: "ada@example.com")));

        var decision = store.Decide(Purchase("o1", 10m, profile: new MemberProfile(LastName: "Lovelace")), T0);

        Assert.Equal(new MemberProfile("ada@example.com", null, "Lovelace"), decision.State!.Profile);
    }
}

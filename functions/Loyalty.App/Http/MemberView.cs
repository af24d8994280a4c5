using Loyalty.Core;
using Loyalty.Storage;

namespace Loyalty.App.Http;

/// <summary>A member as <c>GET /api/members/{memberId}</c> shows it.</summary>
/// <param name="Balance">
/// Points the member can spend now; when the program allows a negative balance, points taken
/// back after they were spent show here as a negative number instead of as debt.
/// </param>
/// <param name="Debt">Points taken back after they were spent, to be recovered from later earnings.</param>
public sealed record MemberView(
    string MemberId,
    MemberProfile Profile,
    DateTimeOffset EnrolledAt,
    long Balance,
    long Debt,
    long LifetimeEarned,
    long LifetimeRedeemed,
    IReadOnlyList<Lot> Lots,
    IReadOnlyDictionary<string, int> Redemptions,
    long Version,
    MemberView.HistoryView History)
{
    /// <summary>Builds the view.</summary>
    public static MemberView From(MemberState state, HistoryPage page, LoyaltyProgram program) => new(
        state.MemberId,
        state.Profile,
        state.EnrolledAt,
        program.AllowNegativeBalance ? state.Balance : state.Spendable,
        program.AllowNegativeBalance ? 0 : state.Debt,
        state.LifetimeEarned,
        state.LifetimeRedeemed,
        state.Lots,
        state.Redemptions,
        state.Version,
        new HistoryView(page.Entries, page.ContinuationToken));

    /// <summary>One page of the ledger, newest first, with the token for the next page.</summary>
    public sealed record HistoryView(IReadOnlyList<LedgerEntry> Entries, string? ContinuationToken);
}

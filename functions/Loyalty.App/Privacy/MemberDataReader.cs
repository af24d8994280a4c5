using Loyalty.Core;
using Loyalty.Storage;

namespace Loyalty.App.Privacy;

/// <summary>Reads everything kept about one member from the member's partition only (the state, one prefix query each for orders, redemptions, notes and messages, and the whole ledger).</summary>
public static class MemberDataReader
{
    /// <summary>The data of the member whose state is <paramref name="state"/>, as of <paramref name="now"/>.</summary>
    public static async Task<MemberDataExport> BuildAsync(MemberStore store, MemberState state, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(state);
        var memberId = state.MemberId;
        var orders = store.GetOrdersAsync(memberId, ct);
        var redemptions = store.GetRedemptionsAsync(memberId, ct);
        var notes = store.GetNotesAsync(memberId, ct);
        var messages = store.GetMessagesAsync(memberId, ct);
        var ledger = store.GetLedgerAsync(memberId, ct);
        await Task.WhenAll(orders, redemptions, notes, messages, ledger);
        var all = await notes;
        return new MemberDataExport(
            memberId,
            now,
            state.Profile,
            state,
            await orders,
            await ledger,
            await redemptions,
            [.. (await ledger).Where(e => e.Kind == LedgerKinds.BenefitUsed)],
            [.. all.Where(n => n.Kind == "feedback")],
            [.. all.Where(n => n.Kind != "feedback")],
            await messages);
    }
}

/// <summary>One member's data: who they are, their standing, and every record kept beside them.</summary>
/// <param name="Benefits">Each benefit use (the ledger's <c>benefit_used</c> entries); the uses of the current periods are in the state.</param>
public sealed record MemberDataExport(
    string MemberId,
    DateTimeOffset ExportedAt,
    MemberProfile Profile,
    MemberState State,
    IReadOnlyList<OrderRecord> Orders,
    IReadOnlyList<LedgerEntry> Ledger,
    IReadOnlyList<RedemptionRecord> Redemptions,
    IReadOnlyList<LedgerEntry> Benefits,
    IReadOnlyList<MemberNote> Feedback,
    IReadOnlyList<MemberNote> ServiceRecords,
    IReadOnlyList<OutboxMessage> Messages);

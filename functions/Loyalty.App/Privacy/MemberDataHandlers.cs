using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Privacy;

/// <summary>
/// <c>GET /api/admin/members/{memberId}/export</c> (admin key or console session): everything
/// kept about one member, as JSON, to answer a customer's request to see their data. Read from
/// the member's partition only: the state, then one prefix query each for orders, redemptions,
/// notes and messages, and the whole ledger.
/// </summary>
public sealed class MemberDataHandlers(MemberStore store, IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<MemberDataHandlers> logger)
{
    /// <summary>The member's data, as a download.</summary>
    public async Task<IResult> ExportAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValidMemberId(memberId))
        {
            return Problems.InvalidId("memberId", rule: Keys.MemberIdRule);
        }

        var state = await store.GetStateAsync(memberId, ct);
        if (state is null)
        {
            return Problems.MemberNotFound();
        }

        var orders = store.GetOrdersAsync(memberId, ct);
        var redemptions = store.GetRedemptionsAsync(memberId, ct);
        var notes = store.GetNotesAsync(memberId, ct);
        var messages = store.GetMessagesAsync(memberId, ct);
        var ledger = store.GetLedgerAsync(memberId, ct);
        await Task.WhenAll(orders, redemptions, notes, messages, ledger);
        var all = await notes;
        var export = new MemberData(
            memberId,
            clock.GetUtcNow(),
            state.Profile,
            state,
            await orders,
            await ledger,
            await redemptions,
            [.. (await ledger).Where(e => e.Kind == LedgerKinds.BenefitUsed)],
            [.. all.Where(n => n.Kind == "feedback")],
            [.. all.Where(n => n.Kind != "feedback")],
            await messages);
        logger.LogInformation("Member data of {MemberId} exported", memberId);
        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"member-{memberId}.json\"";
        return Results.Json(export, EventEnvelope.Json);
    }

    /// <summary>One member's data: who they are, their standing, and every record kept beside them.</summary>
    /// <param name="Benefits">Each benefit use (the ledger's <c>benefit_used</c> entries); the uses of the current periods are in the state.</param>
    public sealed record MemberData(
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
}

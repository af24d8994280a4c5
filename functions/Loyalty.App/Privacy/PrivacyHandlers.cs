using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Privacy;

/// <summary>
/// A customer's requests about their data (admin key or console session).
/// <c>GET /api/admin/members/{memberId}/export</c>: everything kept about one member, as JSON,
/// read from the member's partition only (the state, one prefix query each for orders,
/// redemptions, notes and messages, and the whole ledger).
/// <c>POST /api/admin/members/{memberId}/erasure</c> <c>{ "reason" }</c>: erases the member's
/// personal data (<see cref="MemberErasure"/>).
/// </summary>
public sealed class PrivacyHandlers(MemberStore store, MemberErasure erasure, IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<PrivacyHandlers> logger)
{
    /// <summary>The erasure: 200 with the rows rewritten (again: 200, nothing more to do), 404 for no such member.</summary>
    public async Task<IResult> EraseAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValidMemberId(memberId))
        {
            return Problems.InvalidId("memberId", rule: Keys.MemberIdRule);
        }

        var (body, problem) = await RequestReading.ReadJsonAsync<ErasureRequest>(request, 1024, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Reason is not { } reason || !ErasureReasons.All.Contains(reason))
        {
            return Problems.Invalid("reason", $"reason: one of {string.Join(", ", ErasureReasons.All)}.");
        }

        return await erasure.EraseAsync(memberId, reason, ct) switch
        {
            null => Problems.MemberBusy(Processing.MemberCommands.RetryAfterSeconds),
            { Refusal.Code: RefusalCodes.UnknownMember } => Problems.MemberNotFound(),
            { Refusal: { } refusal } => Problems.Create(StatusCodes.Status422UnprocessableEntity, refusal.Code, "The erasure was refused.", refusal.Message),
            var done => Results.Json(new ErasureView(memberId, true, done.Outcome == DecisionOutcome.AlreadyApplied, done.RowsChanged), EventEnvelope.Json),
        };
    }

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

    private sealed record ErasureRequest(string? Reason);

    /// <summary>What an erasure answers: <paramref name="AlreadyErased"/> when an earlier request erased the state.</summary>
    public sealed record ErasureView(string MemberId, bool Erased, bool AlreadyErased, int RowsChanged);

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

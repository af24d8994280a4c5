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
/// <c>GET /api/admin/privacy-requests</c>: the shop's privacy requests and how far each is
/// (<see cref="ShopifyPrivacyJob"/>); <c>GET /api/admin/privacy-requests/{requestId}/export</c>: the
/// data prepared for a <c>customers/data_request</c>.
/// </summary>
public sealed class PrivacyHandlers(MemberStore store, MemberErasure erasure, PrivacyRequests requests, IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<PrivacyHandlers> logger)
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

        var export = await MemberDataReader.BuildAsync(store, state, clock.GetUtcNow(), ct);
        logger.LogInformation("Member data of {MemberId} exported", memberId);
        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"member-{memberId}.json\"";
        return Results.Json(export, EventEnvelope.Json);
    }

    /// <summary>Every privacy request, newest first.</summary>
    public async Task<IResult> ListRequestsAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        var all = await requests.ListAsync(ct);
        return Results.Json(new { requests = all.Select(r => new PrivacyRequestView(r, r.HasExport ? $"/api/admin/privacy-requests/{r.Id}/export" : null)) }, EventEnvelope.Json);
    }

    /// <summary>
    /// The data prepared for a data request: 404 for no such request or a request of another
    /// topic, 409 <c>export-not-ready</c> while it is queued.
    /// </summary>
    public async Task<IResult> GetRequestExportAsync(HttpRequest request, string requestId, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValid(requestId))
        {
            return Problems.InvalidId("requestId");
        }

        var found = await requests.GetAsync(requestId, ct);
        if (found is null || found.Topic != "customers/data_request")
        {
            return Problems.Create(StatusCodes.Status404NotFound, "privacy-request-not-found", "There is no such data request.", "No customers/data_request was received with this id.", "requestId");
        }

        if (!found.HasExport)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "export-not-ready", "The export is not ready yet.", "The request is queued; the ProcessPrivacyRequests job prepares it (every minute).", "requestId");
        }

        var members = new System.Text.Json.Nodes.JsonArray();
        foreach (var text in await requests.GetExportAsync(requestId, ct))
        {
            members.Add(System.Text.Json.Nodes.JsonNode.Parse(text));
        }

        logger.LogInformation("Data prepared for privacy request {RequestId} downloaded", requestId);
        request.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"data-request-{requestId}.json\"";
        return Results.Json(new { requestId, found.DataRequestId, found.ShopDomain, found.CustomerId, found.CompletedAt, members }, EventEnvelope.Json);
    }

    /// <summary>A privacy request as listed, with where its export is when it has one.</summary>
    public sealed record PrivacyRequestView(PrivacyRequest Request, string? ExportUrl);

    private sealed record ErasureRequest(string? Reason);

    /// <summary>What an erasure answers: <paramref name="AlreadyErased"/> when an earlier request erased the state.</summary>
    public sealed record ErasureView(string MemberId, bool Erased, bool AlreadyErased, int RowsChanged);
}

using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Operations;

/// <summary>
/// What waits for the operator (admin key): messages parked in the poison queue, listed and
/// replayed, and events held over the program's credit limits, approved or rejected. Nothing
/// parked or held expires, so nothing a shop sent is lost while nobody looks.
/// </summary>
public sealed class OperatorHandlers(
    EventQueue queue,
    HeldEvents held,
    MemberCommands commands,
    IOptions<LoyaltyOptions> options,
    TimeProvider clock,
    ILogger<OperatorHandlers> logger)
{
    private const int MaxHeldListed = 200;

    private const int DefaultReplayMax = 1000;
    private const int MaxReplay = 10_000;

    /// <summary><c>GET /api/admin/poison</c>: the first 32 parked messages, with why each was parked.</summary>
    public async Task<IResult> ListPoisonAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        var parked = await queue.PeekPoisonAsync(EventQueue.MaxReceiveCount, ct);
        return Results.Json(new PoisonList(parked.Count, EventQueue.MaxReceiveCount, parked), EventEnvelope.Json);
    }

    /// <summary>
    /// <c>POST /api/admin/poison/replays</c> <c>{ "max"? }</c>: moves parked messages back onto the
    /// events queue (after the cause is fixed: a missing order, a setting), at most <c>max</c>.
    /// </summary>
    public async Task<IResult> ReplayPoisonAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        var (body, problem) = await RequestReading.ReadOptionalJsonAsync(request, 1024, new ReplayRequest(null), ct);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Max is < 1 or > MaxReplay)
        {
            return Problems.Invalid("max", $"max is a whole number from 1 to {MaxReplay}.");
        }

        var replay = await queue.ReplayPoisonAsync(body.Max ?? DefaultReplayMax, ct);
        logger.LogWarning("Operator replayed {Replayed} parked message(s); {Kept} could not be replayed", replay.Replayed, replay.Kept);
        return Results.Json(replay, EventEnvelope.Json);
    }

    /// <summary><c>GET /api/admin/held-events?status=</c> (<c>pending</c> by default, <c>approved</c>, <c>rejected</c>): up to 200.</summary>
    public async Task<IResult> ListHeldAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        var asked = request.Query["status"].ToString();
        // Exactly one of the names: Enum.TryParse would also take "1" or "pending,approved".
        var status = Enum.GetValues<HeldStatus>().FirstOrDefault(s => string.Equals(s.ToString(), asked, StringComparison.OrdinalIgnoreCase));
        if (asked.Length > 0 && !string.Equals(status.ToString(), asked, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Invalid("status", "status is pending, approved or rejected.");
        }

        var rows = await held.ListAsync(status, MaxHeldListed, ct);
        return Results.Json(new HeldList(status.ToString().ToLowerInvariant(), rows.Count, rows.Select(View).ToList()), EventEnvelope.Json);
    }

    /// <summary>
    /// <c>POST /api/admin/held-events/{eventId}/approval</c> <c>{ "actor"?, "note"? }</c>: applies
    /// the held event as decided, past the limits, once (approving twice answers the same).
    /// </summary>
    public async Task<IResult> ApproveAsync(HttpRequest request, string eventId, CancellationToken ct)
    {
        var (row, decision, problem) = await ReadDecisionAsync(request, eventId, ct);
        if (problem is not null)
        {
            return problem;
        }

        switch (row!.Status)
        {
            case HeldStatus.Approved:
                return Results.Json(View(row), EventEnvelope.Json);
            case HeldStatus.Rejected:
                return Problems.Create(StatusCodes.Status409Conflict, "already-rejected", "The held event was rejected.", "A rejected event is never applied.");
        }

        if (!EventEnvelope.TryParse(row.Message, out var evt, out _) || evt is null)
        {
            throw new InvalidOperationException($"Held event {eventId} has a message that does not parse.");
        }

        if (await commands.TryApplyAsync(evt, ct, approvedOverLimit: true) is not { } result)
        {
            return Problems.MemberBusy(MemberCommands.RetryAfterSeconds);
        }

        if (result.Outcome is not (DecisionOutcome.Applied or DecisionOutcome.AlreadyApplied))
        {
            var refusal = result.Decision.Refusals.FirstOrDefault();
            return Problems.Create(StatusCodes.Status409Conflict, refusal?.Code ?? "not-applied", "The held event could not be applied.", refusal?.Message ?? $"It came out {result.Outcome}.");
        }

        // Applied first, recorded second: a crash in between leaves it pending, and approving
        // again finds it applied (its marker) and records it.
        await held.DecideAsync(row, HeldStatus.Approved, decision!.Actor ?? "admin", decision.Note, clock.GetUtcNow(), ct);
        logger.LogWarning("Held event {EventId} approved for member {MemberId}: {Points} points", row.EventId, row.MemberId, row.Points);
        return Results.Json(View(await held.FindAsync(eventId, ct) ?? row), EventEnvelope.Json);
    }

    /// <summary><c>POST /api/admin/held-events/{eventId}/rejection</c> <c>{ "actor"?, "note"? }</c>: the event is never applied.</summary>
    public async Task<IResult> RejectAsync(HttpRequest request, string eventId, CancellationToken ct)
    {
        var (row, decision, problem) = await ReadDecisionAsync(request, eventId, ct);
        if (problem is not null)
        {
            return problem;
        }

        switch (row!.Status)
        {
            case HeldStatus.Rejected:
                return Results.Json(View(row), EventEnvelope.Json);
            case HeldStatus.Approved:
                return Problems.Create(StatusCodes.Status409Conflict, "already-approved", "The held event was approved.", "It has been applied; take the points back with an adjustment if need be.");
        }

        if (!await held.DecideAsync(row, HeldStatus.Rejected, decision!.Actor ?? "admin", decision.Note, clock.GetUtcNow(), ct))
        {
            return Problems.Create(StatusCodes.Status409Conflict, "decided-meanwhile", "The held event was decided by another request.", "Read it again.");
        }

        logger.LogWarning("Held event {EventId} rejected for member {MemberId}", row.EventId, row.MemberId);
        return Results.Json(View(await held.FindAsync(eventId, ct) ?? row), EventEnvelope.Json);
    }

    private async Task<(HeldEvent? Row, DecisionRequest? Decision, IResult? Problem)> ReadDecisionAsync(HttpRequest request, string eventId, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return (null, null, refused);
        }

        if (!Keys.IsValid(eventId))
        {
            return (null, null, Problems.InvalidId("eventId"));
        }

        var (decision, problem) = await RequestReading.ReadOptionalJsonAsync(request, 4096, new DecisionRequest(null, null), ct);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        if (decision!.Actor is { } actor && (actor.Length is 0 or > 100 || actor.Any(char.IsControl)))
        {
            return (null, null, Problems.Invalid("actor", "actor is 1 to 100 characters, without control characters."));
        }

        if (decision.Note is { } note && (note.Length > 500 || note.Any(char.IsControl)))
        {
            return (null, null, Problems.Invalid("note", "note is at most 500 characters, without control characters."));
        }

        var row = await held.FindAsync(eventId, ct);
        return row is null
            ? (null, null, Problems.Create(StatusCodes.Status404NotFound, "held-event-not-found", "No such held event.", "No event with this id is held."))
            : (row, decision, null);
    }

    private static HeldView View(HeldEvent row) =>
        new(row.EventId, row.MemberId, row.Points, row.Reason, row.Status.ToString().ToLowerInvariant(), row.HeldAt, row.DecidedAt, row.DecidedBy, row.Note);

    private sealed record ReplayRequest(int? Max);

    private sealed record DecisionRequest(string? Actor, string? Note);

    /// <summary>A held event as the owner sees it.</summary>
    public sealed record HeldView(string EventId, string MemberId, long Points, string Reason, string Status, DateTimeOffset HeldAt, DateTimeOffset? DecidedAt, string? DecidedBy, string? Note);

    /// <summary>Held events of one status.</summary>
    public sealed record HeldList(string Status, int Count, IReadOnlyList<HeldView> Events);

    /// <summary>Parked messages, oldest first.</summary>
    /// <param name="Count">How many are listed.</param>
    /// <param name="Limit">At most this many are listed (the queue's peek limit).</param>
    /// <param name="Messages">The messages.</param>
    public sealed record PoisonList(int Count, int Limit, IReadOnlyList<ParkedMessage> Messages);
}

using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Operations;

/// <summary>
/// What waits for the operator (admin key): messages parked in the poison queue, listed and
/// replayed. Nothing parked expires, so nothing a shop sent is lost while nobody looks.
/// </summary>
public sealed class OperatorHandlers(EventQueue queue, IOptions<LoyaltyOptions> options, ILogger<OperatorHandlers> logger)
{
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

        var max = DefaultReplayMax;
        if (request.ContentLength is > 0 || request.Headers.ContentType.Count > 0)
        {
            var (body, problem) = await RequestReading.ReadJsonAsync<ReplayRequest>(request, 1024, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Max is { } asked)
            {
                if (asked is < 1 or > MaxReplay)
                {
                    return Problems.Invalid("max", $"max is a whole number from 1 to {MaxReplay}.");
                }

                max = asked;
            }
        }

        var replay = await queue.ReplayPoisonAsync(max, ct);
        logger.LogWarning("Operator replayed {Replayed} parked message(s); {Kept} could not be replayed", replay.Replayed, replay.Kept);
        return Results.Json(replay, EventEnvelope.Json);
    }

    private sealed record ReplayRequest(int? Max);

    /// <summary>Parked messages, oldest first.</summary>
    /// <param name="Count">How many are listed.</param>
    /// <param name="Limit">At most this many are listed (the queue's peek limit).</param>
    /// <param name="Messages">The messages.</param>
    public sealed record PoisonList(int Count, int Limit, IReadOnlyList<ParkedMessage> Messages);
}

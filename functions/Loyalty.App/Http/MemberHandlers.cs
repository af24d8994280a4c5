using System.Security.Cryptography;
using Loyalty.App.Configuration;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Http;

/// <summary>Member reads, redemptions and benefit uses (storefront key) and admin adjustments (admin key).</summary>
public sealed class MemberHandlers(
    MemberStore store,
    MemberCommands commands,
    Rewards.DiscountDispatcher discounts,
    LoyaltyProgram program,
    IOptions<LoyaltyOptions> options,
    TimeProvider clock,
    ILogger<MemberHandlers> logger)
{
    private const int MaxJsonBody = 16 * 1024;
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    /// <summary><c>GET /api/members/{memberId}</c>: profile, balance, lots and a page of history, newest first.</summary>
    public async Task<IResult> GetAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (Refuse(request, memberId) is { } refused)
        {
            return refused;
        }

        var pageSize = DefaultPageSize;
        if (request.Query.TryGetValue("pageSize", out var size) && (!int.TryParse(size, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return Problems.Invalid("pageSize", $"pageSize is a whole number from 1 to {MaxPageSize}.");
        }

        var continuation = request.Query["continuationToken"].ToString();
        if (continuation.Length > 1024)
        {
            return Problems.Invalid("continuationToken", "The continuation token is not one this service gave out.");
        }

        var state = await store.GetStateAsync(memberId, ct);
        if (state is null)
        {
            return Problems.MemberNotFound();
        }

        HistoryPage history;
        try
        {
            history = await store.GetHistoryAsync(memberId, pageSize, string.IsNullOrEmpty(continuation) ? null : continuation, ct);
        }
        catch (ArgumentException)
        {
            return Problems.Invalid("continuationToken", "The continuation token is not one this service gave out.");
        }

        return Results.Json(MemberView.From(state, history, program, clock.GetUtcNow()), EventEnvelope.Json);
    }

    /// <summary>
    /// <c>POST /api/members/{memberId}/redemptions</c> <c>{ rewardId, requestId }</c>: spends points
    /// now and answers with the code; the same requestId always answers with the same redemption.
    /// </summary>
    public async Task<IResult> RedeemAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        return Refuse(request, memberId) is { } refused ? refused : await RedeemWithoutKeyAsync(request, memberId, ct);
    }

    /// <summary>
    /// The redemption itself, for a caller already authorised for <paramref name="memberId"/> by
    /// other means (the member page's signed link); the member id must keep to the id rules.
    /// </summary>
    public async Task<IResult> RedeemWithoutKeyAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        var (body, problem) = await RequestReading.ReadJsonAsync<RedemptionRequest>(request, MaxJsonBody, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!Keys.IsValid(body!.RewardId))
        {
            return Problems.Invalid("rewardId", "rewardId is required: the id of a reward in the program.");
        }

        if (!Keys.IsValidRequestId(body.RequestId))
        {
            return Problems.InvalidId("requestId", "required, unique per redemption", Keys.Rule(Keys.MaxRequestIdLength));
        }

        var evt = new RedemptionRequested($"redeem:{memberId}:{body.RequestId}", memberId, clock.GetUtcNow(), body.RequestId!, body.RewardId!, NewCode());
        if (await commands.TryApplyAsync(evt, ct) is not { } result)
        {
            return Problems.MemberBusy(MemberCommands.RetryAfterSeconds);
        }

        switch (result.Outcome)
        {
            case DecisionOutcome.Applied or DecisionOutcome.AlreadyApplied when result.Decision.Redemption is { } redemption:
                if (result.Outcome == DecisionOutcome.Applied)
                {
                    logger.LogInformation("Member {MemberId} redeemed {RewardId} for {Points} points", memberId, redemption.RewardId, redemption.PointsSpent);
                }

                // The shop's discount: created now when the shop answers within the wait, else on its way.
                var discount = result.Outcome == DecisionOutcome.Applied ? result.Decision.Discount : await store.GetDiscountAsync(memberId, redemption.RequestId, ct);
                if (discount is not null)
                {
                    discount = await discounts.CreateNowAsync(memberId, discount, ct);
                }

                return Rewards.RedemptionAnswers.Answer(redemption, discount, result.Outcome == DecisionOutcome.Applied);
            case DecisionOutcome.Refused:
                return Refused(result.Decision.Refusals);
            default:
                throw new InvalidOperationException($"Unexpected outcome {result.Outcome} for a redemption.");
        }
    }

    /// <summary>
    /// <c>POST /api/admin/members/{memberId}/adjustments</c> <c>{ points, reason, requestId, actor? }</c>:
    /// adds or removes points, recorded with the reason and who did it.
    /// </summary>
    public async Task<IResult> AdjustAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (Refuse(request, memberId, admin: true) is { } refused)
        {
            return refused;
        }

        var (body, problem) = await RequestReading.ReadJsonAsync<AdjustmentRequest>(request, MaxJsonBody, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Points is null or 0 || Math.Abs(body.Points.Value) > 10_000_000)
        {
            return Problems.Invalid("points", "points is required: a whole number, not 0, at most 10000000 either way.");
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            return Problems.Invalid("reason", "reason is required: 1 to 500 characters.");
        }

        var actor = string.IsNullOrWhiteSpace(body.Actor) ? "admin" : body.Actor;
        if (actor.Length > 100)
        {
            return Problems.Invalid("actor", "actor is at most 100 characters.");
        }

        // Required, so that a retried adjustment (a timeout, a double click) is applied once.
        if (!Keys.IsValidRequestId(body.RequestId))
        {
            return Problems.InvalidId("requestId", "required, unique per adjustment", Keys.Rule(Keys.MaxRequestIdLength));
        }

        var requestId = body.RequestId!;
        var evt = new PointsAdjusted($"adjust:{memberId}:{requestId}", memberId, clock.GetUtcNow(), body.Points.Value, body.Reason, actor);
        if (await commands.TryApplyAsync(evt, ct) is not { } result)
        {
            return Problems.MemberBusy(MemberCommands.RetryAfterSeconds);
        }

        return result.Outcome switch
        {
            DecisionOutcome.Applied => Results.Json(new AdjustmentView(requestId, body.Points.Value, result.State!.Balance, result.State.Debt), EventEnvelope.Json, statusCode: StatusCodes.Status201Created),
            DecisionOutcome.AlreadyApplied => Results.Json(new AdjustmentView(requestId, body.Points.Value, result.State?.Balance ?? 0, result.State?.Debt ?? 0), EventEnvelope.Json, statusCode: StatusCodes.Status200OK),
            DecisionOutcome.Refused => Refused(result.Decision.Refusals),

            // Over the program's credit limits: nothing credited until approved (GET /api/admin/held-events).
            DecisionOutcome.Held => Results.Json(new HeldAdjustmentView(requestId, body.Points.Value, "held", evt.EventId, result.Decision.Refusals[0].Message), EventEnvelope.Json, statusCode: StatusCodes.Status202Accepted),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} for an adjustment."),
        };
    }

    /// <summary>
    /// <c>POST /api/members/{memberId}/benefits/{benefitId}/uses</c> <c>{ requestId, note? }</c>: records
    /// one use of a tier benefit (201), or the same use again (200), or refuses with the reason.
    /// </summary>
    public async Task<IResult> UseBenefitAsync(HttpRequest request, string memberId, string benefitId, CancellationToken ct)
    {
        if (Refuse(request, memberId) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValid(benefitId))
        {
            return Problems.InvalidId("benefitId");
        }

        var (body, problem) = await RequestReading.ReadJsonAsync<BenefitUseRequest>(request, MaxJsonBody, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!Keys.IsValidRequestId(body!.RequestId))
        {
            return Problems.InvalidId("requestId", "required, unique per use", Keys.Rule(Keys.MaxRequestIdLength));
        }

        if (body.Note is { Length: > 500 } || (body.Note?.Any(char.IsControl) ?? false))
        {
            return Problems.Invalid("note", "note is at most 500 characters, without control characters.");
        }

        var evt = new BenefitUsed($"benefit:{memberId}:{benefitId}:{body.RequestId}", memberId, clock.GetUtcNow(), body.RequestId!, benefitId, body.Note);
        if (await commands.TryApplyAsync(evt, ct) is not { } result)
        {
            return Problems.MemberBusy(MemberCommands.RetryAfterSeconds);
        }

        // A repeated request is refused by the rules once it has used up the quota itself; its
        // marker says it is in, so it answers as the first time did.
        if (result.Outcome == DecisionOutcome.Refused && await store.HasMarkerAsync(memberId, evt.EventId, ct))
        {
            result = result with { Outcome = DecisionOutcome.AlreadyApplied };
        }

        return result.Outcome switch
        {
            DecisionOutcome.Applied => Results.Json(BenefitUseView(result.State!, benefitId, body.RequestId!), EventEnvelope.Json, statusCode: StatusCodes.Status201Created),
            DecisionOutcome.AlreadyApplied => Results.Json(BenefitUseView(result.State!, benefitId, body.RequestId!), EventEnvelope.Json, statusCode: StatusCodes.Status200OK),
            DecisionOutcome.Refused => Refused(result.Decision.Refusals),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} for a benefit use."),
        };
    }

    /// <summary><c>GET /api/members/{memberId}/messages</c>: the member's outbox (reminders, birthday offers, tier notices), newest first.</summary>
    public async Task<IResult> GetMessagesAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (Refuse(request, memberId) is { } refused)
        {
            return refused;
        }

        if (await store.GetStateAsync(memberId, ct) is null)
        {
            return Problems.MemberNotFound();
        }

        return Results.Json(new MessagesView(memberId, await store.GetMessagesAsync(memberId, ct)), EventEnvelope.Json);
    }

    private BenefitUseResult BenefitUseView(MemberState state, string benefitId, string requestId)
    {
        var benefit = MemberView.BenefitsOf(state, program, clock.GetUtcNow()).First(b => b.BenefitId == benefitId);
        return new BenefitUseResult(requestId, benefit);
    }

    // Every member route needs a key (the storefront key, or the admin key for what mints or
    // removes points) and a member id that keeps to the key rules.
    /// <summary>
    /// <c>POST /api/members/{memberId}/redemptions/{requestId}/reversal</c> <c>{ reason }</c> (admin key):
    /// undoes a redemption through the one writer path: the points go back to the lots they came
    /// from and the shop's discount is deleted by the discount dispatcher. Idempotent: a reversed
    /// redemption answers 200 as it stands. 404 for an unknown redemption, 409 when its code was used.
    /// </summary>
    public async Task<IResult> ReverseAsync(HttpRequest request, string memberId, string requestId, CancellationToken ct)
    {
        if (Refuse(request, memberId, admin: true) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValidRequestId(requestId))
        {
            return Problems.InvalidId("requestId", "the redemption's request id", Keys.Rule(Keys.MaxRequestIdLength));
        }

        var (body, problem) = await RequestReading.ReadJsonAsync<ReversalRequest>(request, MaxJsonBody, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Reason) || body.Reason.Length > 500)
        {
            return Problems.Invalid("reason", "reason is required: 1 to 500 characters.");
        }

        var evt = new RedemptionReversed($"reverse:{memberId}:{requestId}", memberId, clock.GetUtcNow(), requestId, body.Reason);
        if (await commands.TryApplyAsync(evt, ct) is not { } result)
        {
            return Problems.MemberBusy(MemberCommands.RetryAfterSeconds);
        }

        if (result.Outcome == DecisionOutcome.Refused)
        {
            return Refused(result.Decision.Refusals);
        }

        var rows = (await store.LoadAsync(memberId, null, requestId, null, requestId, ct)).Inputs;
        var (redemption, discount) = (rows.Redemption!, rows.Discount);
        return Results.Json(new RedemptionView(requestId, redemption.RewardId, redemption.Code, redemption.PointsSpent, redemption.BalanceAfter, redemption.RedeemedAt, redemption.Reversed, discount is null ? null : Rewards.DiscountView.From(discount)), EventEnvelope.Json);
    }

    /// <summary>
    /// <c>POST /api/members/{memberId}/redemptions/{requestId}/use</c> (admin key, no body): the owner
    /// honoured the redemption's code (a service rendered, a gift handed over, a code taken at the
    /// till) and marks it used, through the one writer path, as an order naming the code does. 200
    /// with the redemption (<c>usedAt</c>); the same again answers the same; 404 for an unknown
    /// redemption, 409 <c>redemption-reversed</c> for a reversed one.
    /// </summary>
    public async Task<IResult> MarkUsedAsync(HttpRequest request, string memberId, string requestId, CancellationToken ct)
    {
        if (Refuse(request, memberId, admin: true) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValidRequestId(requestId))
        {
            return Problems.InvalidId("requestId", "the redemption's request id", Keys.Rule(Keys.MaxRequestIdLength));
        }

        var evt = new CodeUsed(CodeUsed.IdFor(requestId), memberId, clock.GetUtcNow(), requestId, null);
        if (await commands.TryApplyAsync(evt, ct) is not { } result)
        {
            return Problems.MemberBusy(MemberCommands.RetryAfterSeconds);
        }

        if (result.Outcome == DecisionOutcome.Refused)
        {
            return Refused(result.Decision.Refusals);
        }

        var rows = (await store.LoadAsync(memberId, null, requestId, null, requestId, ct)).Inputs;
        var (redemption, discount) = (rows.Redemption!, rows.Discount);
        logger.LogInformation("Redemption {RequestId} of member {MemberId} marked used by the owner: {Outcome}", requestId, memberId, result.Outcome);
        return Results.Json(new RedemptionView(requestId, redemption.RewardId, redemption.Code, redemption.PointsSpent, redemption.BalanceAfter, redemption.RedeemedAt, redemption.Reversed, discount is null ? null : Rewards.DiscountView.From(discount), redemption.UsedAt, redemption.UsedOrderId), EventEnvelope.Json);
    }

    private IResult? Refuse(HttpRequest request, string memberId, bool admin = false) =>
        (admin ? AdminKey.Refuse(request, options.Value, logger) : StorefrontKey.Refuse(request, options.Value, logger))
        ?? (!Keys.IsValidMemberId(memberId) ? Problems.InvalidId("memberId", rule: Keys.MemberIdRule) : null);

    private static IResult Refused(IReadOnlyList<Refusal> refusals)
    {
        var refusal = refusals.Count > 0 ? refusals[0] : new Refusal(RefusalCodes.Invalid, "Refused.");
        if (refusal.Code == RefusalCodes.UnknownMember)
        {
            // One problem type per meaning: every route answers an unknown member the same way.
            return Problems.MemberNotFound();
        }

        var status = refusal.Code switch
        {
            RefusalCodes.UnknownBenefit or RefusalCodes.UnknownRedemption => StatusCodes.Status404NotFound,
            RefusalCodes.RedemptionUsed or RefusalCodes.RedemptionReversed => StatusCodes.Status409Conflict,
            RefusalCodes.InsufficientPoints or RefusalCodes.LimitReached or RefusalCodes.QuotaUsedUp or RefusalCodes.NotInTier => StatusCodes.Status409Conflict,
            RefusalCodes.RewardNotInTier or RefusalCodes.SoldOut => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        return Problems.Create(status, refusal.Code, "The request was refused.", refusal.Message);
    }

    // Codes are handed to the shop's checkout: random, unambiguous characters, never derived from ids.
    private static string NewCode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        Span<char> chars = stackalloc char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return "LOY-" + new string(chars);
    }

    private sealed record RedemptionRequest(string? RewardId, string? RequestId);

    private sealed record ReversalRequest(string? Reason);

    private sealed record AdjustmentRequest(long? Points, string? Reason, string? Actor, string? RequestId);

    private sealed record BenefitUseRequest(string? RequestId, string? Note);

    /// <summary>A recorded benefit use and where the benefit stands after it.</summary>
    public sealed record BenefitUseResult(string RequestId, MemberView.BenefitView Benefit);

    /// <summary>The member's outbox.</summary>
    public sealed record MessagesView(string MemberId, IReadOnlyList<OutboxMessage> Messages);

    /// <summary>A redemption as the API shows it.</summary>
    /// <param name="Code">The code to use at the shop's checkout; null while the shop's discount is on its way.</param>
    /// <param name="Discount">The discount in the shop, when the member's shop has a channel.</param>
    /// <param name="UsedAt">When an order used the code or the owner marked it used (shown by the route that marks it).</param>
    /// <param name="UsedOrderId">The order that used it; null when the owner marked it.</param>
    public sealed record RedemptionView(string RequestId, string RewardId, string? Code, long PointsSpent, long Balance, DateTimeOffset RedeemedAt, bool Reversed, Rewards.DiscountView? Discount = null, DateTimeOffset? UsedAt = null, string? UsedOrderId = null);

    /// <summary>An adjustment held over the credit limits, waiting for approval of <paramref name="EventId"/>.</summary>
    public sealed record HeldAdjustmentView(string RequestId, long Points, string Status, string EventId, string Reason);

    /// <summary>An adjustment as the API shows it.</summary>
    public sealed record AdjustmentView(string RequestId, long Points, long Balance, long Debt);
}

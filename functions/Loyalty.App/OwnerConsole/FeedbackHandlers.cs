using System.Globalization;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.OwnerConsole;

/// <summary>
/// Feedback and service records (through the one writer path: an event, the decider, one
/// commit) and the member's activity for the member page: orders, redemptions, feedback,
/// service records, messages, spend by month and by category, and the segment the last
/// <c>SegmentMembers</c> run wrote onto the member's directory row. Admin key or console session.
/// </summary>
public sealed class FeedbackHandlers(
    MemberStore store,
    MemberDirectory directory,
    MemberCommands commands,
    LoyaltyProgram program,
    IOptions<LoyaltyOptions> options,
    TimeProvider clock,
    ILogger<FeedbackHandlers> logger)
{
    private const int MaxJsonBody = 16 * 1024;

    /// <summary><c>POST /api/members/{memberId}/feedback</c> <c>{ requestId, satisfaction?, nps?, text?, orderId? }</c>: 201, or 200 for the same requestId.</summary>
    public async Task<IResult> SubmitFeedbackAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (Refuse(request, memberId) is { } refused)
        {
            return refused;
        }

        var (body, problem) = await RequestReading.ReadJsonAsync<FeedbackRequest>(request, MaxJsonBody, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!Keys.IsValidRequestId(body!.RequestId))
        {
            return Problems.InvalidId("requestId", "required, unique per feedback", Keys.Rule(Keys.MaxRequestIdLength));
        }

        if (body.OrderId is not null && !Keys.IsValidOrderId(body.OrderId))
        {
            return Problems.InvalidId("orderId", rule: Keys.OrderIdRule);
        }

        if (TextProblem(body.Text) is { } textProblem)
        {
            return Problems.Invalid("text", "text " + textProblem);
        }

        var evt = new FeedbackSubmitted($"feedback:{memberId}:{body.RequestId}", memberId, clock.GetUtcNow(), body.Satisfaction, body.Nps, body.Text, body.OrderId);
        if (Decider.FeedbackProblem(evt) is { } scores)
        {
            var field = scores[..scores.IndexOf(':', StringComparison.Ordinal)];
            return Problems.Invalid(field.Contains(',', StringComparison.Ordinal) ? "body" : field, scores);
        }

        return Answer(await commands.ApplyAsync(evt, ct), body.RequestId!);
    }

    /// <summary><c>POST /api/members/{memberId}/service-records</c> <c>{ requestId, kind, summary, status }</c>: 201, or 200 for the same requestId.</summary>
    public async Task<IResult> RecordServiceAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (Refuse(request, memberId) is { } refused)
        {
            return refused;
        }

        var (body, problem) = await RequestReading.ReadJsonAsync<ServiceRequest>(request, MaxJsonBody, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!Keys.IsValidRequestId(body!.RequestId))
        {
            return Problems.InvalidId("requestId", "required, unique per record", Keys.Rule(Keys.MaxRequestIdLength));
        }

        if (body.Kind is null || !ServiceRecordKinds.Kinds.Contains(body.Kind))
        {
            return Problems.Invalid("kind", $"kind is one of {string.Join(", ", ServiceRecordKinds.Kinds)}.");
        }

        if (body.Status is null || !ServiceRecordKinds.Statuses.Contains(body.Status))
        {
            return Problems.Invalid("status", $"status is one of {string.Join(", ", ServiceRecordKinds.Statuses)}.");
        }

        if (string.IsNullOrWhiteSpace(body.Summary) || TextProblem(body.Summary) is not null)
        {
            return Problems.Invalid("summary", $"summary is required: 1 to {EventValidation.MaxFeedbackLength} characters, no control characters but line breaks.");
        }

        var evt = new ServiceRecorded($"service:{memberId}:{body.RequestId}", memberId, clock.GetUtcNow(), body.Kind, body.Summary, body.Status);
        return Answer(await commands.ApplyAsync(evt, ct), body.RequestId!);
    }

    /// <summary><c>GET /api/members/{memberId}/activity</c>: what the member page shows besides <c>GET /api/members/{memberId}</c>.</summary>
    public async Task<IResult> GetActivityAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (Refuse(request, memberId) is { } refused)
        {
            return refused;
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

        // The segment lives on the directory row (one point read), not in the member's partition.
        var entry = directory.GetAsync(memberId, ct);
        await Task.WhenAll(orders, redemptions, notes, messages, entry);
        var view = ActivityView.From(state, await orders, await redemptions, await notes, await messages, program, clock.GetUtcNow());
        return Results.Json(view with { Segment = (await entry)?.Segment }, EventEnvelope.Json);
    }

    private static IResult Answer(ApplyResult result, string requestId) => result.Outcome switch
    {
        DecisionOutcome.Applied => Results.Json(new RecordedView(requestId, result.Decision.Note?.NoteId), EventEnvelope.Json, statusCode: StatusCodes.Status201Created),
        DecisionOutcome.AlreadyApplied => Results.Json(new RecordedView(requestId, null), EventEnvelope.Json, statusCode: StatusCodes.Status200OK),
        DecisionOutcome.Refused when result.Decision.Refusals.Any(r => r.Code == RefusalCodes.UnknownMember) => Problems.MemberNotFound(),
        DecisionOutcome.Refused => Problems.Create(StatusCodes.Status422UnprocessableEntity, RefusalCodes.Invalid, "The request was refused.", result.Decision.Refusals[0].Message),
        _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome}."),
    };

    // Free text may hold line breaks; no other control characters.
    private static string? TextProblem(string? text) =>
        text is null ? null
        : text.Length > EventValidation.MaxFeedbackLength ? $"is at most {EventValidation.MaxFeedbackLength} characters."
        : text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) ? "must not contain control characters other than line breaks."
        : null;

    private IResult? Refuse(HttpRequest request, string memberId) =>
        AdminKey.Refuse(request, options.Value, logger)
        ?? (!Keys.IsValidMemberId(memberId) ? Problems.InvalidId("memberId", rule: Keys.MemberIdRule) : null);

    private sealed record FeedbackRequest(string? RequestId, int? Satisfaction, int? Nps, string? Text, string? OrderId);

    private sealed record ServiceRequest(string? RequestId, string? Kind, string? Summary, string? Status);

    /// <summary>What a feedback or service record request answers.</summary>
    public sealed record RecordedView(string RequestId, string? NoteId);
}

/// <summary>The member page's activity: orders, redemptions, feedback, service records, messages, and the two charts' figures.</summary>
public sealed record ActivityView(
    string MemberId,
    IReadOnlyList<ActivityView.OrderView> Orders,
    IReadOnlyList<ActivityView.MonthSpend> SpendByMonth,
    IReadOnlyList<ActivityView.CategorySpend> SpendByCategory,
    IReadOnlyList<RedemptionRecord> Redemptions,
    IReadOnlyList<MemberNote> Feedback,
    IReadOnlyList<MemberNote> ServiceRecords,
    IReadOnlyList<OutboxMessage> Messages,
    IReadOnlyList<ActivityView.ExpiryWindow> Expiring,
    string? ReferredBy,
    int? LastSatisfaction,
    int? LastNps)
{
    /// <summary>The member's segment as of the last <c>SegmentMembers</c> run (from the directory row), or null before the member's first scoring.</summary>
    public MemberSegment? Segment { get; init; }

    /// <summary>Builds the view as of <paramref name="now"/>.</summary>
    public static ActivityView From(MemberState state, IReadOnlyList<OrderRecord> orders, IReadOnlyList<RedemptionRecord> redemptions, IReadOnlyList<MemberNote> notes, IReadOnlyList<OutboxMessage> messages, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(program);
        var today = program.LocalDate(now);
        var placed = orders.Select(o => (Order: o, Day: program.LocalDate(o.PlacedAt ?? o.CreditedAt))).OrderByDescending(o => o.Day).ThenByDescending(o => o.Order.OrderId, StringComparer.Ordinal).ToList();
        var net = (OrderRecord o) => o.Cancelled ? 0m : decimal.Round(o.Merchandise * (1m - o.RefundedShare), 2);
        var months = Enumerable.Range(0, 12).Select(i => new DateOnly(today.Year, today.Month, 1).AddMonths(i - 11)).ToList();
        return new(
            state.MemberId,
            [.. placed.Select(p => new OrderView(p.Order.OrderId, p.Day, p.Order.OrderTotal, p.Order.Merchandise, p.Order.PointsEarned, p.Order.PointsTakenBack, p.Order.RefundedShare, p.Order.Cancelled))],
            [.. months.Select(m => new MonthSpend(m.ToString("yyyy-MM", CultureInfo.InvariantCulture), placed.Where(p => p.Day.Year == m.Year && p.Day.Month == m.Month).Sum(p => net(p.Order))))],
            [.. orders.Where(o => !o.Cancelled)
                .SelectMany(o => o.Lines.Select(l => (Category: l.Category ?? "-", Spend: decimal.Round(l.Merchandise * (1m - o.RefundedShare), 2))))
                .GroupBy(l => l.Category, StringComparer.Ordinal)
                .Select(g => new CategorySpend(g.Key, g.Sum(l => l.Spend)))
                .OrderByDescending(c => c.Spend)],
            [.. redemptions.OrderByDescending(r => r.RedeemedAt)],
            [.. notes.Where(n => n.Kind == "feedback").OrderByDescending(n => n.At)],
            [.. notes.Where(n => n.Kind != "feedback").OrderByDescending(n => n.At)],
            messages,
            [.. new[] { 30, 60, 90 }.Select(d => new ExpiryWindow(d, state.Lots.Where(l => l.ExpiresOn <= today.AddDays(d)).Sum(l => l.Points)))],
            state.ReferredBy,
            state.LastSatisfaction,
            state.LastNps);
    }

    /// <summary>One order as the member page lists it.</summary>
    public sealed record OrderView(string OrderId, DateOnly PlacedOn, decimal OrderTotal, decimal Merchandise, long PointsEarned, long PointsTakenBack, decimal RefundedShare, bool Cancelled);

    /// <summary>Merchandise bought in one month (net of refunds).</summary>
    public sealed record MonthSpend(string Month, decimal Spend);

    /// <summary>Merchandise bought in one category (net of refunds).</summary>
    public sealed record CategorySpend(string Category, decimal Spend);

    /// <summary>Points expiring within <paramref name="Days"/> days (end of that program-local day).</summary>
    public sealed record ExpiryWindow(int Days, long Points);
}

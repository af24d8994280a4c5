using Loyalty.App;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.App.Import;
using Loyalty.App.MemberPage;
using Loyalty.App.Messaging;
using Loyalty.App.Operations;
using Loyalty.App.OwnerConsole;
using Loyalty.App.Privacy;
using Loyalty.App.Reports;
using Microsoft.Extensions.Options;

namespace Loyalty.Local;

/// <summary>Maps every route of <see cref="HostContract.HttpRoutes"/> to its shared handler.</summary>
public static class LocalEndpoints
{
    /// <summary>Maps the API under <c>/api</c>.</summary>
    public static IEndpointRouteBuilder MapLoyaltyApi(this IEndpointRouteBuilder app)
    {
        foreach (var route in HostContract.HttpRoutes)
        {
            app.MapMethods($"/{HostContract.RoutePrefix}/{route.Template}", [route.Method], Handler(route.Name)).WithName(route.Name);
        }

        foreach (var route in HostContract.ConsoleRoutes)
        {
            app.MapMethods($"/{route.Template}", [route.Method], Handler(route.Name)).WithName(route.Name);
        }

        return app;
    }

    /// <summary>
    /// <c>POST /_local/clock</c> <c>{ "now": "2027-02-28T12:00:00Z" }</c> (admin key): moves the
    /// test clock. Outside <c>/api</c> and mapped only with <c>Loyalty:Local:TestClock</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapTestClock(this IEndpointRouteBuilder app)
    {
        app.MapPost("/_local/clock", async (HttpRequest request, TimeProvider clock, IOptions<LoyaltyOptions> options, ILogger<LocalClock> logger, CancellationToken ct) =>
        {
            if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
            {
                return refused;
            }

            var (body, problem) = await RequestReading.ReadJsonAsync<ClockRequest>(request, 1024, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Now is not { } now)
            {
                return Problems.Invalid("now", "now is required: an ISO 8601 instant.");
            }

            ((LocalClock)clock).Set(now);
            return Results.Json(new ClockRequest(clock.GetUtcNow()));
        });
        return app;
    }

    private sealed record ClockRequest(DateTimeOffset? Now);

    private static Delegate Handler(string name) => name switch
    {
        "ShopifyWebhook" => (HttpRequest r, WebhookHandlers h, CancellationToken ct) => h.ShopifyAsync(r, ct),
        "WooCommerceWebhook" => (HttpRequest r, WebhookHandlers h, CancellationToken ct) => h.WooCommerceAsync(r, ct),
        "IngestEvent" => (HttpRequest r, WebhookHandlers h, CancellationToken ct) => h.EventsAsync(r, ct),
        "GetProgram" => (ProgramHandlers h) => h.Get(),
        "GetMember" => (HttpRequest r, string memberId, MemberHandlers h, CancellationToken ct) => h.GetAsync(r, memberId, ct),
        "RedeemReward" => (HttpRequest r, string memberId, MemberHandlers h, CancellationToken ct) => h.RedeemAsync(r, memberId, ct),
        "AdjustPoints" => (HttpRequest r, string memberId, MemberHandlers h, CancellationToken ct) => h.AdjustAsync(r, memberId, ct),
        "ReverseRedemption" => (HttpRequest r, string memberId, string requestId, MemberHandlers h, CancellationToken ct) => h.ReverseAsync(r, memberId, requestId, ct),
        "MarkRedemptionUsed" => (HttpRequest r, string memberId, string requestId, MemberHandlers h, CancellationToken ct) => h.MarkUsedAsync(r, memberId, requestId, ct),
        "UseBenefit" => (HttpRequest r, string memberId, string benefitId, MemberHandlers h, CancellationToken ct) => h.UseBenefitAsync(r, memberId, benefitId, ct),
        "GetMemberMessages" => (HttpRequest r, string memberId, MemberHandlers h, CancellationToken ct) => h.GetMessagesAsync(r, memberId, ct),
        "RunJob" => (HttpRequest r, string job, JobHandlers h, CancellationToken ct) => h.RunAsync(r, job, ct),
        "ListMembers" => (HttpRequest r, DirectoryHandlers h, CancellationToken ct) => h.ListAsync(r, ct),
        "GetMemberActivity" => (HttpRequest r, string memberId, FeedbackHandlers h, CancellationToken ct) => h.GetActivityAsync(r, memberId, ct),
        "SubmitFeedback" => (HttpRequest r, string memberId, FeedbackHandlers h, CancellationToken ct) => h.SubmitFeedbackAsync(r, memberId, ct),
        "RecordServiceRecord" => (HttpRequest r, string memberId, FeedbackHandlers h, CancellationToken ct) => h.RecordServiceAsync(r, memberId, ct),
        "ConsoleHome" => (HttpRequest r, ConsolePages h) => h.Home(r),
        "ConsoleSignInPage" => (HttpRequest r, ConsolePages h) => h.SignInPage(r),
        "ConsoleSignIn" => (HttpRequest r, ConsolePages h, CancellationToken ct) => h.SignInAsync(r, ct),
        "ConsoleSignOut" => (HttpRequest r, ConsolePages h) => h.SignOut(r),
        "ConsoleMembersPage" => (HttpRequest r, ConsolePages h) => h.MembersPage(r),
        "ConsoleMemberPage" => (HttpRequest r, string memberId, ConsolePages h) => h.MemberPage(r, memberId),
        "ConsoleImportPage" => (HttpRequest r, ConsolePages h) => h.ImportPage(r),
        "ConsoleAsset" => (HttpRequest r, string name, ConsolePages h) => h.Asset(r, name),
        "UnsubscribePage" => (HttpRequest r, MessageHandlers h) => h.UnsubscribePage(r),
        "Unsubscribe" => (HttpRequest r, MessageHandlers h, CancellationToken ct) => h.UnsubscribeAsync(r, ct),
        "SetConsent" => (HttpRequest r, string memberId, MessageHandlers h, CancellationToken ct) => h.SetConsentAsync(r, memberId, ct),
        "PreviewMessage" => (HttpRequest r, string memberId, string messageId, MessageHandlers h, CancellationToken ct) => h.PreviewAsync(r, memberId, messageId, ct),
        "ListPoison" => (HttpRequest r, OperatorHandlers h, CancellationToken ct) => h.ListPoisonAsync(r, ct),
        "ReplayPoison" => (HttpRequest r, OperatorHandlers h, CancellationToken ct) => h.ReplayPoisonAsync(r, ct),
        "ListHeldEvents" => (HttpRequest r, OperatorHandlers h, CancellationToken ct) => h.ListHeldAsync(r, ct),
        "ApproveHeldEvent" => (HttpRequest r, string eventId, OperatorHandlers h, CancellationToken ct) => h.ApproveAsync(r, eventId, ct),
        "RejectHeldEvent" => (HttpRequest r, string eventId, OperatorHandlers h, CancellationToken ct) => h.RejectAsync(r, eventId, ct),
        "ImportMembers" => (HttpRequest r, ImportHandlers h, CancellationToken ct) => h.ImportAsync(r, ct),
        "ExportMembers" => (HttpRequest r, ImportHandlers h, CancellationToken ct) => h.ExportAsync(r, ct),
        "ExportMemberData" => (HttpRequest r, string memberId, PrivacyHandlers h, CancellationToken ct) => h.ExportAsync(r, memberId, ct),
        "EraseMember" => (HttpRequest r, string memberId, PrivacyHandlers h, CancellationToken ct) => h.EraseAsync(r, memberId, ct),
        "GetReports" => (HttpRequest r, ReportHandlers h, CancellationToken ct) => h.GetAsync(r, ct),
        "ListPrivacyRequests" => (HttpRequest r, PrivacyHandlers h, CancellationToken ct) => h.ListRequestsAsync(r, ct),
        "GetPrivacyRequestExport" => (HttpRequest r, string requestId, PrivacyHandlers h, CancellationToken ct) => h.GetRequestExportAsync(r, requestId, ct),
        "ConsoleReportsPage" => (HttpRequest r, ConsolePages h) => h.ReportsPage(r),
        "MemberPage" => (HttpRequest r, string memberId, MemberPageHandlers h) => h.Page(r, memberId),
        "GetMemberPageSummary" => (HttpRequest r, string memberId, MemberPageHandlers h, CancellationToken ct) => h.SummaryAsync(r, memberId, ct),
        "RedeemOnMemberPage" => (HttpRequest r, string memberId, MemberPageHandlers h, CancellationToken ct) => h.RedeemAsync(r, memberId, ct),
        "CreateMemberPageLink" => (HttpRequest r, string memberId, MemberPageHandlers h, CancellationToken ct) => h.CreateLinkAsync(r, memberId, ct),
        "ShopifyProxyMemberPage" => (HttpRequest r, MemberPageHandlers h) => h.ProxyPage(r),
        "GetShopifyProxyMemberPageSummary" => (HttpRequest r, MemberPageHandlers h, CancellationToken ct) => h.ProxySummaryAsync(r, ct),
        "RedeemOnShopifyProxyMemberPage" => (HttpRequest r, MemberPageHandlers h, CancellationToken ct) => h.ProxyRedeemAsync(r, ct),
        _ => throw new InvalidOperationException($"Route {name} has no local handler."),
    };
}

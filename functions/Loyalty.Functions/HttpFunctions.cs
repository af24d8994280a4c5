using Loyalty.App.Http;
using Loyalty.App.Import;
using Loyalty.App.MemberPage;
using Loyalty.App.Messaging;
using Loyalty.App.Operations;
using Loyalty.App.OwnerConsole;
using Loyalty.App.Privacy;
using Loyalty.App.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Loyalty.Functions;

/// <summary>
/// Every HTTP route, each a line that hands the ASP.NET Core request to the handler the local
/// host uses too. Anonymous at the host: the handlers check signatures and the admin key themselves.
/// Routes carry the <c>api/</c> prefix themselves (host.json's routePrefix is empty) because the
/// Functions host refuses routes that start with <c>admin</c>, and the API has <c>/api/admin/...</c>.
/// </summary>
public sealed class HttpFunctions(
    WebhookHandlers webhooks,
    ProgramHandlers program,
    MemberHandlers members,
    JobHandlers jobs,
    DirectoryHandlers directory,
    FeedbackHandlers feedback,
    MessageHandlers messages,
    OperatorHandlers operators,
    ImportHandlers imports,
    PrivacyHandlers memberData,
    ReportHandlers reports,
    MemberPageHandlers memberPage)
{
    [Function("ShopifyWebhook")]
    public Task<IResult> ShopifyWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/shopify")] HttpRequest request, CancellationToken ct) =>
        webhooks.ShopifyAsync(request, ct);

    [Function("WooCommerceWebhook")]
    public Task<IResult> WooCommerceWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/woocommerce")] HttpRequest request, CancellationToken ct) =>
        webhooks.WooCommerceAsync(request, ct);

    [Function("IngestEvent")]
    public Task<IResult> IngestEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/events")] HttpRequest request, CancellationToken ct) =>
        webhooks.EventsAsync(request, ct);

    [Function("GetProgram")]
    public IResult GetProgram([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/program")] HttpRequest request) =>
        program.Get();

    [Function("GetMember")]
    public Task<IResult> GetMember([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/members/{memberId}")] HttpRequest request, string memberId, CancellationToken ct) =>
        members.GetAsync(request, memberId, ct);

    [Function("RedeemReward")]
    public Task<IResult> RedeemReward([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/members/{memberId}/redemptions")] HttpRequest request, string memberId, CancellationToken ct) =>
        members.RedeemAsync(request, memberId, ct);

    [Function("ReverseRedemption")]
    public Task<IResult> ReverseRedemption([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/members/{memberId}/redemptions/{requestId}/reversal")] HttpRequest request, string memberId, string requestId, CancellationToken ct) =>
        members.ReverseAsync(request, memberId, requestId, ct);

    [Function("MarkRedemptionUsed")]
    public Task<IResult> MarkRedemptionUsed([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/members/{memberId}/redemptions/{requestId}/use")] HttpRequest request, string memberId, string requestId, CancellationToken ct) =>
        members.MarkUsedAsync(request, memberId, requestId, ct);

    [Function("AdjustPoints")]
    public Task<IResult> AdjustPoints([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/members/{memberId}/adjustments")] HttpRequest request, string memberId, CancellationToken ct) =>
        members.AdjustAsync(request, memberId, ct);

    [Function("UseBenefit")]
    public Task<IResult> UseBenefit([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/members/{memberId}/benefits/{benefitId}/uses")] HttpRequest request, string memberId, string benefitId, CancellationToken ct) =>
        members.UseBenefitAsync(request, memberId, benefitId, ct);

    [Function("GetMemberMessages")]
    public Task<IResult> GetMemberMessages([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/members/{memberId}/messages")] HttpRequest request, string memberId, CancellationToken ct) =>
        members.GetMessagesAsync(request, memberId, ct);

    [Function("RunJob")]
    public Task<IResult> RunJob([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/jobs/{job}/runs")] HttpRequest request, string job, CancellationToken ct) =>
        jobs.RunAsync(request, job, ct);

    [Function("ListMembers")]
    public Task<IResult> ListMembers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/members")] HttpRequest request, CancellationToken ct) =>
        directory.ListAsync(request, ct);

    [Function("GetMemberActivity")]
    public Task<IResult> GetMemberActivity([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/members/{memberId}/activity")] HttpRequest request, string memberId, CancellationToken ct) =>
        feedback.GetActivityAsync(request, memberId, ct);

    [Function("SubmitFeedback")]
    public Task<IResult> SubmitFeedback([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/members/{memberId}/feedback")] HttpRequest request, string memberId, CancellationToken ct) =>
        feedback.SubmitFeedbackAsync(request, memberId, ct);

    [Function("RecordServiceRecord")]
    public Task<IResult> RecordServiceRecord([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/members/{memberId}/service-records")] HttpRequest request, string memberId, CancellationToken ct) =>
        feedback.RecordServiceAsync(request, memberId, ct);

    [Function("UnsubscribePage")]
    public IResult UnsubscribePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/messages/unsubscribe")] HttpRequest request) =>
        messages.UnsubscribePage(request);

    [Function("Unsubscribe")]
    public Task<IResult> Unsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/messages/unsubscribe")] HttpRequest request, CancellationToken ct) =>
        messages.UnsubscribeAsync(request, ct);

    [Function("SetConsent")]
    public Task<IResult> SetConsent([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/members/{memberId}/consent")] HttpRequest request, string memberId, CancellationToken ct) =>
        messages.SetConsentAsync(request, memberId, ct);

    [Function("PreviewMessage")]
    public Task<IResult> PreviewMessage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/members/{memberId}/messages/{messageId}/preview")] HttpRequest request, string memberId, string messageId, CancellationToken ct) =>
        messages.PreviewAsync(request, memberId, messageId, ct);

    [Function("ListPoison")]
    public Task<IResult> ListPoison([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/poison")] HttpRequest request, CancellationToken ct) =>
        operators.ListPoisonAsync(request, ct);

    [Function("ReplayPoison")]
    public Task<IResult> ReplayPoison([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/poison/replays")] HttpRequest request, CancellationToken ct) =>
        operators.ReplayPoisonAsync(request, ct);

    [Function("ListHeldEvents")]
    public Task<IResult> ListHeldEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/held-events")] HttpRequest request, CancellationToken ct) =>
        operators.ListHeldAsync(request, ct);

    [Function("ApproveHeldEvent")]
    public Task<IResult> ApproveHeldEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/held-events/{eventId}/approval")] HttpRequest request, string eventId, CancellationToken ct) =>
        operators.ApproveAsync(request, eventId, ct);

    [Function("RejectHeldEvent")]
    public Task<IResult> RejectHeldEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/held-events/{eventId}/rejection")] HttpRequest request, string eventId, CancellationToken ct) =>
        operators.RejectAsync(request, eventId, ct);

    [Function("ImportMembers")]
    public Task<IResult> ImportMembers([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/imports")] HttpRequest request, CancellationToken ct) =>
        imports.ImportAsync(request, ct);

    [Function("ExportMembers")]
    public Task<IResult> ExportMembers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/exports/members")] HttpRequest request, CancellationToken ct) =>
        imports.ExportAsync(request, ct);

    [Function("ExportMemberData")]
    public Task<IResult> ExportMemberData([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/members/{memberId}/export")] HttpRequest request, string memberId, CancellationToken ct) =>
        memberData.ExportAsync(request, memberId, ct);

    [Function("EraseMember")]
    public Task<IResult> EraseMember([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/members/{memberId}/erasure")] HttpRequest request, string memberId, CancellationToken ct) =>
        memberData.EraseAsync(request, memberId, ct);

    [Function("GetReports")]
    public Task<IResult> GetReports([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/reports")] HttpRequest request, CancellationToken ct) =>
        reports.GetAsync(request, ct);

    [Function("MemberPage")]
    public IResult MemberPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/member-page/{memberId}")] HttpRequest request, string memberId) =>
        memberPage.Page(request, memberId);

    [Function("GetMemberPageSummary")]
    public Task<IResult> GetMemberPageSummary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/member-page/{memberId}/summary")] HttpRequest request, string memberId, CancellationToken ct) =>
        memberPage.SummaryAsync(request, memberId, ct);

    [Function("RedeemOnMemberPage")]
    public Task<IResult> RedeemOnMemberPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/member-page/{memberId}/redemptions")] HttpRequest request, string memberId, CancellationToken ct) =>
        memberPage.RedeemAsync(request, memberId, ct);

    [Function("ShopifyProxyMemberPage")]
    public IResult ShopifyProxyMemberPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/shopify-proxy/member-page")] HttpRequest request) =>
        memberPage.ProxyPage(request);

    [Function("GetShopifyProxyMemberPageSummary")]
    public Task<IResult> GetShopifyProxyMemberPageSummary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/shopify-proxy/member-page/summary")] HttpRequest request, CancellationToken ct) =>
        memberPage.ProxySummaryAsync(request, ct);

    [Function("RedeemOnShopifyProxyMemberPage")]
    public Task<IResult> RedeemOnShopifyProxyMemberPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/shopify-proxy/member-page/redemptions")] HttpRequest request, CancellationToken ct) =>
        memberPage.ProxyRedeemAsync(request, ct);

    [Function("CreateMemberPageLink")]
    public Task<IResult> CreateMemberPageLink([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/members/{memberId}/page-links")] HttpRequest request, string memberId, CancellationToken ct) =>
        memberPage.CreateLinkAsync(request, memberId, ct);

    [Function("ListPrivacyRequests")]
    public Task<IResult> ListPrivacyRequests([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/privacy-requests")] HttpRequest request, CancellationToken ct) =>
        memberData.ListRequestsAsync(request, ct);

    [Function("GetPrivacyRequestExport")]
    public Task<IResult> GetPrivacyRequestExport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/privacy-requests/{requestId}/export")] HttpRequest request, string requestId, CancellationToken ct) =>
        memberData.GetRequestExportAsync(request, requestId, ct);
}

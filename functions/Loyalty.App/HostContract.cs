using Loyalty.App.Jobs;
using Loyalty.App.Messaging;
using Loyalty.App.Reports;
using Loyalty.App.Rewards;

namespace Loyalty.App;

/// <summary>An HTTP route both hosts serve, under <see cref="HostContract.RoutePrefix"/>.</summary>
public sealed record HttpRoute(string Name, string Method, string Template);

/// <summary>A queue both hosts consume; <paramref name="QueueSetting"/> names the setting holding the queue name.</summary>
public sealed record QueueRoute(string Name, string QueueSetting);

/// <summary>
/// A timer both hosts run. <paramref name="ScheduleSetting"/> names the setting holding its
/// six-field NCRONTAB schedule (<c>%Setting%</c> in the function app); schedules are in UTC, so
/// each job runs hourly and works out which program-local dates are due.
/// </summary>
public sealed record TimerRoute(string Name, string ScheduleSetting, string DefaultSchedule);

/// <summary>
/// What each host must offer: the routes, queues and timers. The local host maps
/// from this table; tests/Loyalty.Functions.Tests holds the function app's generated functions.metadata against it.
/// </summary>
public static class HostContract
{
    /// <summary>The prefix of every route (the function app writes it into each route; see HttpFunctions).</summary>
    public const string RoutePrefix = "api";

    /// <summary>Setting that holds the events queue name (<c>%EventsQueue%</c> in the function app).</summary>
    public const string EventsQueueSetting = "EventsQueue";

    /// <summary>
    /// The poison queue of a queue: the Functions host moves messages it gives up on to
    /// <c>{queue}-poison</c>, so the handler parks its own failures there too.
    /// </summary>
    public static string PoisonQueueOf(string queue) => queue + "-poison";

    /// <summary>Every HTTP route.</summary>
    public static IReadOnlyList<HttpRoute> HttpRoutes { get; } =
    [
        new("ShopifyWebhook", "POST", "webhooks/shopify"),
        new("WooCommerceWebhook", "POST", "webhooks/woocommerce"),
        new("IngestEvent", "POST", "events"),
        new("GetProgram", "GET", "program"),
        new("GetMember", "GET", "members/{memberId}"),
        new("RedeemReward", "POST", "members/{memberId}/redemptions"),
        new("ReverseRedemption", "POST", "members/{memberId}/redemptions/{requestId}/reversal"),
        new("MarkRedemptionUsed", "POST", "members/{memberId}/redemptions/{requestId}/use"),
        new("AdjustPoints", "POST", "admin/members/{memberId}/adjustments"),
        new("UseBenefit", "POST", "members/{memberId}/benefits/{benefitId}/uses"),
        new("GetMemberMessages", "GET", "members/{memberId}/messages"),
        new("RunJob", "POST", "admin/jobs/{job}/runs"),
        new("ListMembers", "GET", "members"),
        new("GetMemberActivity", "GET", "members/{memberId}/activity"),
        new("SubmitFeedback", "POST", "members/{memberId}/feedback"),
        new("RecordServiceRecord", "POST", "members/{memberId}/service-records"),
        new("UnsubscribePage", "GET", "messages/unsubscribe"),
        new("Unsubscribe", "POST", "messages/unsubscribe"),
        new("SetConsent", "PUT", "members/{memberId}/consent"),
        new("PreviewMessage", "GET", "admin/members/{memberId}/messages/{messageId}/preview"),
        new("ListPoison", "GET", "admin/poison"),
        new("ReplayPoison", "POST", "admin/poison/replays"),
        new("ListHeldEvents", "GET", "admin/held-events"),
        new("ApproveHeldEvent", "POST", "admin/held-events/{eventId}/approval"),
        new("RejectHeldEvent", "POST", "admin/held-events/{eventId}/rejection"),
        new("ImportMembers", "POST", "admin/imports"),
        new("ExportMembers", "GET", "admin/exports/members"),
        new("ExportMemberData", "GET", "admin/members/{memberId}/export"),
        new("EraseMember", "POST", "admin/members/{memberId}/erasure"),
        new("GetReports", "GET", "admin/reports"),
        new("MemberPage", "GET", "member-page/{memberId}"),
        new("GetMemberPageSummary", "GET", "member-page/{memberId}/summary"),
        new("RedeemOnMemberPage", "POST", "member-page/{memberId}/redemptions"),
        new("CreateMemberPageLink", "POST", "admin/members/{memberId}/page-links"),
        new("ShopifyProxyMemberPage", "GET", "shopify-proxy/member-page"),
        new("GetShopifyProxyMemberPageSummary", "GET", "shopify-proxy/member-page/summary"),
        new("RedeemOnShopifyProxyMemberPage", "POST", "shopify-proxy/member-page/redemptions"),
        new("ListPrivacyRequests", "GET", "admin/privacy-requests"),
        new("GetPrivacyRequestExport", "GET", "admin/privacy-requests/{requestId}/export"),
    ];

    /// <summary>
    /// The owner's console: pages and their assets, each template the full path (outside
    /// <see cref="RoutePrefix"/>, and not under <c>admin</c>, which the Functions host refuses).
    /// </summary>
    public static IReadOnlyList<HttpRoute> ConsoleRoutes { get; } =
    [
        new("ConsoleHome", "GET", "console"),
        new("ConsoleSignInPage", "GET", "console/sign-in"),
        new("ConsoleSignIn", "POST", "console/sign-in"),
        new("ConsoleSignOut", "POST", "console/sign-out"),
        new("ConsoleMembersPage", "GET", "console/members"),
        new("ConsoleMemberPage", "GET", "console/members/{memberId}"),
        new("ConsoleImportPage", "GET", "console/import"),
        new("ConsoleAsset", "GET", "console/assets/{name}"),
        new("ConsoleReportsPage", "GET", "console/reports"),
    ];

    /// <summary>Every queue trigger.</summary>
    public static IReadOnlyList<QueueRoute> Queues { get; } =
    [
        new("ProcessEvent", EventsQueueSetting),
    ];

    /// <summary>Every timer, staggered through the hour so they do not start together.</summary>
    public static IReadOnlyList<TimerRoute> Timers { get; } =
    [
        new(ScheduledJobs.ActivatePendingPoints, "ActivatePendingPointsSchedule", "0 5 * * * *"),
        new(ScheduledJobs.ExpirePoints, "ExpirePointsSchedule", "0 15 * * * *"),
        new(ScheduledJobs.RemindExpiringPoints, "RemindExpiringPointsSchedule", "0 25 * * * *"),
        new(ScheduledJobs.BirthdayOffers, "BirthdayOffersSchedule", "0 35 * * * *"),
        new(ScheduledJobs.ReviewTiers, "ReviewTiersSchedule", "0 45 * * * *"),
        new(MessageDispatcher.Job, "DispatchMessagesSchedule", "0 * * * * *"),
        new(DiscountDispatcher.Job, "CreateDiscountsSchedule", "30 * * * * *"),
        new(ReportHandlers.RollUpJob, "RollUpReportsSchedule", "0 50 * * * *"),
        new(Privacy.ShopifyPrivacyJob.Job, "ProcessPrivacyRequestsSchedule", "40 * * * * *"),
        new(Segments.SegmentJob.Job, "SegmentMembersSchedule", "0 55 3 * * *"),
    ];
}

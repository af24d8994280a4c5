using Loyalty.App.Http;
using Loyalty.App.Jobs;
using Loyalty.App.Messaging;
using Loyalty.App.Reports;
using Loyalty.App.Rewards;
using Microsoft.Azure.Functions.Worker;

namespace Loyalty.Functions;

/// <summary>
/// The timer jobs, on <c>%Setting%</c> schedules (UTC on Linux, so each runs hourly and the job
/// works out which program-local days are due). RunOnStartup stays off: a job runs on its
/// schedule or through <c>POST /api/admin/jobs/{job}/runs</c>, never on every cold start.
/// </summary>
public sealed class TimerFunctions(JobHandlers jobs)
{
    [Function(ScheduledJobs.ActivatePendingPoints)]
    public Task ActivatePendingPoints([TimerTrigger("%ActivatePendingPointsSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(ScheduledJobs.ActivatePendingPoints, ct);

    [Function(ScheduledJobs.ExpirePoints)]
    public Task ExpirePoints([TimerTrigger("%ExpirePointsSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(ScheduledJobs.ExpirePoints, ct);

    [Function(ScheduledJobs.RemindExpiringPoints)]
    public Task RemindExpiringPoints([TimerTrigger("%RemindExpiringPointsSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(ScheduledJobs.RemindExpiringPoints, ct);

    [Function(ScheduledJobs.BirthdayOffers)]
    public Task BirthdayOffers([TimerTrigger("%BirthdayOffersSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(ScheduledJobs.BirthdayOffers, ct);

    [Function(ScheduledJobs.ReviewTiers)]
    public Task ReviewTiers([TimerTrigger("%ReviewTiersSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(ScheduledJobs.ReviewTiers, ct);

    [Function(MessageDispatcher.Job)]
    public Task DispatchMessages([TimerTrigger("%DispatchMessagesSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(MessageDispatcher.Job, ct);

    [Function(DiscountDispatcher.Job)]
    public Task CreateDiscounts([TimerTrigger("%CreateDiscountsSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(DiscountDispatcher.Job, ct);
    [Function(ReportHandlers.RollUpJob)]
    public Task RollUpReports([TimerTrigger("%RollUpReportsSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(ReportHandlers.RollUpJob, ct);

    [Function(Loyalty.App.Privacy.ShopifyPrivacyJob.Job)]
    public Task ProcessPrivacyRequests([TimerTrigger("%ProcessPrivacyRequestsSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(Loyalty.App.Privacy.ShopifyPrivacyJob.Job, ct);

    [Function(Loyalty.App.Segments.SegmentJob.Job)]
    public Task SegmentMembers([TimerTrigger("%SegmentMembersSchedule%")] TimerInfo timer, CancellationToken ct) =>
        jobs.RunScheduledAsync(Loyalty.App.Segments.SegmentJob.Job, ct);
}

using Loyalty.App.Configuration;
using Loyalty.App.Jobs;
using Loyalty.App.Messaging;
using Loyalty.App.Reports;
using Loyalty.App.Rewards;
using Loyalty.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Http;

/// <summary><c>POST /api/admin/jobs/{job}/runs</c>: runs a timer job now, as its timer would (admin key).</summary>
public sealed class JobHandlers(ScheduledJobs jobs, MessageDispatcher dispatcher, DiscountDispatcher discounts, ReportHandlers reports, Privacy.ShopifyPrivacyJob privacy, Segments.SegmentJob segments, IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<JobHandlers> logger)
{
    /// <summary>Runs <paramref name="job"/> as of now and answers with the days it finished and the events it queued.</summary>
    public async Task<IResult> RunAsync(HttpRequest request, string job, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        if (job == MessageDispatcher.Job)
        {
            return Results.Json(await dispatcher.RunAsync(ct), EventEnvelope.Json);
        }

        if (job == DiscountDispatcher.Job)
        {
            return Results.Json(await discounts.RunAsync(ct), EventEnvelope.Json);
        }

        if (job == ReportHandlers.RollUpJob)
        {
            return Results.Json(await reports.RollUpAsync(ct), EventEnvelope.Json);
        }

        if (job == Privacy.ShopifyPrivacyJob.Job)
        {
            return Results.Json(await privacy.RunAsync(ct), EventEnvelope.Json);
        }

        if (job == Segments.SegmentJob.Job)
        {
            return Results.Json(await segments.RunAsync(ct), EventEnvelope.Json);
        }

        if (!ScheduledJobs.Names.Contains(job))
        {
            return Problems.Create(StatusCodes.Status404NotFound, "unknown-job", "There is no such job.", $"The jobs are {string.Join(", ", ScheduledJobs.Names.Append(MessageDispatcher.Job).Append(DiscountDispatcher.Job).Append(ReportHandlers.RollUpJob).Append(Privacy.ShopifyPrivacyJob.Job).Append(Segments.SegmentJob.Job))}.", "job");
        }

        var run = await jobs.RunAsync(job, clock.GetUtcNow(), ct);
        return Results.Json(run, EventEnvelope.Json);
    }

    /// <summary>The timer entry point of both hosts.</summary>
    public async Task<JobRun> RunScheduledAsync(string job, CancellationToken ct)
    {
        if (job == DiscountDispatcher.Job)
        {
            var created = await discounts.RunAsync(ct);
            return new JobRun(job, created.At, [], 0);
        }

        if (job == ReportHandlers.RollUpJob)
        {
            var rolled = await reports.RollUpAsync(ct);
            return new JobRun(job, clock.GetUtcNow(), rolled.Through is { } through ? [through] : [], 0);
        }

        if (job == Privacy.ShopifyPrivacyJob.Job)
        {
            var done = await privacy.RunAsync(ct);
            return new JobRun(job, done.At, [], 0);
        }

        if (job == Segments.SegmentJob.Job)
        {
            var scored = await segments.RunAsync(ct);
            return new JobRun(job, clock.GetUtcNow(), [scored.Today], 0);
        }

        if (job != MessageDispatcher.Job)
        {
            return await jobs.RunAsync(job, clock.GetUtcNow(), ct);
        }

        var run = await dispatcher.RunAsync(ct);
        return new JobRun(job, run.At, [], 0);
    }
}

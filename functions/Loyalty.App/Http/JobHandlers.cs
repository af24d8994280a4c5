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

/// <summary>
/// <c>POST /api/admin/jobs/{job}/runs</c>: runs a timer job now, as its timer would (admin key);
/// and the timers' entry point. The day jobs run through <see cref="ScheduledJobs"/>; every other
/// job is one entry of a table that serves both the route (its own run, as JSON) and the timer
/// (that run as a <see cref="JobRun"/>).
/// </summary>
public sealed class JobHandlers(ScheduledJobs jobs, MessageDispatcher dispatcher, DiscountDispatcher discounts, ReportHandlers reports, Privacy.ShopifyPrivacyJob privacy, Segments.SegmentJob segments, IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<JobHandlers> logger)
{
    // The jobs that are not day jobs, in the order the unknown-job problem names them.
    private readonly IReadOnlyList<(string Name, OtherJob Job)> _others =
    [
        (MessageDispatcher.Job, OtherJob.Of(dispatcher.RunAsync, run => new JobRun(MessageDispatcher.Job, run.At, [], 0))),
        (DiscountDispatcher.Job, OtherJob.Of(discounts.RunAsync, created => new JobRun(DiscountDispatcher.Job, created.At, [], 0))),
        (ReportHandlers.RollUpJob, OtherJob.Of(reports.RollUpAsync, rolled => new JobRun(ReportHandlers.RollUpJob, clock.GetUtcNow(), rolled.Through is { } through ? [through] : [], 0))),
        (Privacy.ShopifyPrivacyJob.Job, OtherJob.Of(privacy.RunAsync, done => new JobRun(Privacy.ShopifyPrivacyJob.Job, done.At, [], 0))),
        (Segments.SegmentJob.Job, OtherJob.Of(segments.RunAsync, scored => new JobRun(Segments.SegmentJob.Job, clock.GetUtcNow(), [scored.Today], 0))),
    ];

    /// <summary>Runs <paramref name="job"/> as of now and answers with what it did (a day job: the days it finished and the events it queued).</summary>
    public async Task<IResult> RunAsync(HttpRequest request, string job, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        if (Other(job) is { } other)
        {
            return await other.AnswerAsync(ct);
        }

        if (!ScheduledJobs.Names.Contains(job))
        {
            return Problems.Create(StatusCodes.Status404NotFound, "unknown-job", "There is no such job.", $"The jobs are {string.Join(", ", ScheduledJobs.Names.Concat(_others.Select(o => o.Name)))}.", "job");
        }

        var run = await jobs.RunAsync(job, clock.GetUtcNow(), ct);
        return Results.Json(run, EventEnvelope.Json);
    }

    /// <summary>The timer entry point of both hosts.</summary>
    public Task<JobRun> RunScheduledAsync(string job, CancellationToken ct) =>
        Other(job) is { } other ? other.RunScheduledAsync(ct) : jobs.RunAsync(job, clock.GetUtcNow(), ct);

    private OtherJob? Other(string job) => _others.FirstOrDefault(o => o.Name == job).Job;

    // One job that is not a day job: its run answered as JSON on the route, or as a JobRun to the timer.
    private sealed record OtherJob(Func<CancellationToken, Task<IResult>> AnswerAsync, Func<CancellationToken, Task<JobRun>> RunScheduledAsync)
    {
        public static OtherJob Of<TRun>(Func<CancellationToken, Task<TRun>> run, Func<TRun, JobRun> scheduled) => new(
            async ct => Results.Json(await run(ct), EventEnvelope.Json),
            async ct => scheduled(await run(ct)));
    }
}

using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;

namespace Loyalty.App.Jobs;

/// <summary>What one run of a job did.</summary>
/// <param name="Days">The program-local days it finished in this run, oldest first (none when it was up to date).</param>
/// <param name="EventsQueued">Per-member events it sent to the events queue.</param>
public sealed record JobRun(string Job, DateTimeOffset At, IReadOnlyList<DateOnly> Days, int EventsQueued);

/// <summary>
/// The five timer jobs, shared by both hosts. A run at any instant works out which
/// program-local days are due (timers fire in UTC), takes them from the day after the last
/// one finished, reads only each day's index partition, and sends one event per member
/// through the queue and the one processor path. Event ids are derived from the member and
/// the day, so a second run, an overlapping run or a replayed day changes nothing.
/// </summary>
public sealed class ScheduledJobs(ScheduleIndex index, EventQueue queue, LoyaltyProgram program, ILogger<ScheduledJobs> logger)
{
    /// <summary>Expires lots whose expiry day has ended.</summary>
    public const string ExpirePoints = nameof(ExpirePoints);

    /// <summary>Reminds members of points expiring in each of the program's lead days.</summary>
    public const string RemindExpiringPoints = nameof(RemindExpiringPoints);

    /// <summary>Birthday bonus and offer.</summary>
    public const string BirthdayOffers = nameof(BirthdayOffers);

    /// <summary>Makes pending points spendable.</summary>
    public const string ActivatePendingPoints = nameof(ActivatePendingPoints);

    /// <summary>Reviews tiers for downgrades.</summary>
    public const string ReviewTiers = nameof(ReviewTiers);

    /// <summary>Sends due messages: the timer of <see cref="Messaging.MessageDispatcher"/>, run through the same route.</summary>
    public const string DispatchMessages = Messaging.MessageDispatcher.Job;

    /// <summary>The discount dispatcher's timer (<see cref="Rewards.DiscountDispatcher"/>), not a day job either.</summary>
    public const string CreateDiscounts = Rewards.DiscountDispatcher.Job;

    /// <summary>Sums the reports' finished days into months: the timer of <see cref="Reports.ReportHandlers"/>, run through the same route.</summary>
    public const string RollUpReports = Reports.ReportHandlers.RollUpJob;

    /// <summary>Works through the shop's privacy requests (not a day job: see <see cref="Privacy.ShopifyPrivacyJob"/>).</summary>
    public const string ProcessPrivacyRequests = Privacy.ShopifyPrivacyJob.Job;

    /// <summary>Recomputes every member's segment from the directory (not a day job: see <see cref="Segments.SegmentJob"/>).</summary>
    public const string SegmentMembers = Segments.SegmentJob.Job;

    /// <summary>Days a job catches up at most after a gap (and looks back on its very first run).</summary>
    public const int MaxCatchUpDays = 62;

    /// <summary>Days looked back on a job's first run, for index rows written before it ever ran.</summary>
    public const int FirstRunLookbackDays = 7;

    /// <summary>The job names (the timers of <see cref="HostContract"/>).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. HostContract.Timers.Select(t => t.Name).Where(n => n is not (DispatchMessages or CreateDiscounts or RollUpReports or ProcessPrivacyRequests or SegmentMembers))];

    /// <summary>Runs <paramref name="job"/> as of <paramref name="at"/>.</summary>
    public async Task<JobRun> RunAsync(string job, DateTimeOffset at, CancellationToken ct)
    {
        if (!Names.Contains(job))
        {
            throw new ArgumentException($"No job '{job}'; the jobs are {string.Join(", ", Names)}.", nameof(job));
        }

        var lastDue = LastDueDay(job, program.LocalDate(at));
        var last = await index.LastFinishedAsync(job, ct);
        var first = last?.AddDays(1) ?? lastDue.AddDays(-FirstRunLookbackDays);
        if (lastDue.DayNumber - first.DayNumber >= MaxCatchUpDays)
        {
            logger.LogWarning("Job {Job} is {Days} days behind; catching up the last {MaxDays} only", job, lastDue.DayNumber - first.DayNumber + 1, MaxCatchUpDays);
            first = lastDue.AddDays(1 - MaxCatchUpDays);
        }

        var days = new List<DateOnly>();
        var queued = 0;
        for (var day = first; day <= lastDue; day = day.AddDays(1))
        {
            var events = new List<LoyaltyEvent>();
            foreach (var (entry, make) in Partitions(job, day))
            {
                foreach (var memberId in await index.MembersAsync(entry, ct))
                {
                    events.Add(make(memberId, at));
                }
            }

            await queue.SendAsync(events, ct);
            await index.FinishAsync(job, day, events.Count, ct);
            logger.LogInformation("Job {Job} finished {Day} with {Events} events", job, day, events.Count);
            days.Add(day);
            queued += events.Count;
        }

        return new JobRun(job, at, days, queued);
    }

    /// <summary>
    /// The last day due at local day <paramref name="today"/>: expiry waits for the day to end
    /// (points are good to the end of their expiry day); the others act on the day itself.
    /// </summary>
    public static DateOnly LastDueDay(string job, DateOnly today) => job == ExpirePoints ? today.AddDays(-1) : today;

    /// <summary>The index partitions a job reads for <paramref name="day"/>, and the event it sends each member listed.</summary>
    private IEnumerable<(ScheduleEntry Entry, Func<string, DateTimeOffset, LoyaltyEvent> Make)> Partitions(string job, DateOnly day)
    {
        var key = Schedule.DayKey(day);
        switch (job)
        {
            case ExpirePoints:
                yield return (new(ScheduleKinds.Expiry, key), (m, at) => new PointsExpiryDue($"expire:{m}:{key}", m, at, day));
                break;
            case RemindExpiringPoints:
                // Reminders read the expiry index ahead, so they need no index of their own.
                foreach (var lead in program.ReminderLeadDays)
                {
                    var expiresOn = day.AddDays(lead);
                    var expiryKey = Schedule.DayKey(expiresOn);
                    yield return (new(ScheduleKinds.Expiry, expiryKey), (m, at) => new ExpiryReminderDue($"remind:{m}:{expiryKey}:{lead}", m, at, expiresOn, lead));
                }

                break;
            case BirthdayOffers:
                foreach (var birthdayKey in Schedule.BirthdayKeysOn(day))
                {
                    yield return (new(ScheduleKinds.Birthday, birthdayKey), (m, at) => new BirthdayDue($"birthday:{m}:{key}", m, at, day));
                }

                break;
            case ActivatePendingPoints:
                yield return (new(ScheduleKinds.Pending, key), (m, at) => new PendingActivationDue($"activate:{m}:{key}", m, at, day));
                break;
            case ReviewTiers:
                yield return (new(ScheduleKinds.Review, key), (m, at) => new TierReviewDue($"review:{m}:{key}", m, at, day));
                break;
        }
    }
}

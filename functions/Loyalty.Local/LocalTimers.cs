using Cronos;
using Loyalty.App;
using Loyalty.App.Http;
using Microsoft.Extensions.Options;

namespace Loyalty.Local;

/// <summary>
/// The timers of <see cref="HostContract.Timers"/>, on the same six-field NCRONTAB schedules
/// (in UTC) as the function app's <c>%Setting%</c> timer triggers; each fires its job through
/// the handler the function app calls. A job that fails is logged and tried at its next tick.
/// </summary>
public sealed class LocalTimers : BackgroundService
{
    private readonly IReadOnlyList<(string Job, CronExpression Schedule)> _timers;
    private readonly JobHandlers _jobs;
    private readonly TimeProvider _clock;
    private readonly bool _enabled;
    private readonly ILogger<LocalTimers> _logger;

    /// <summary>Reads and checks every schedule; a bad one stops start-up naming its setting.</summary>
    public LocalTimers(IConfiguration configuration, JobHandlers jobs, IOptions<LocalOptions> options, TimeProvider clock, ILogger<LocalTimers> logger)
    {
        _timers = [.. HostContract.Timers.Select(t => (t.Name, Parse(t, configuration[t.ScheduleSetting] ?? t.DefaultSchedule)))];
        _jobs = jobs;
        _clock = clock;
        _enabled = options.Value.RunTimers;
        _logger = logger;
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _enabled ? Task.WhenAll(_timers.Select(t => RunAsync(t.Job, t.Schedule, stoppingToken))) : Task.CompletedTask;

    private async Task RunAsync(string job, CronExpression schedule, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var now = _clock.GetUtcNow();
            if (schedule.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }

            try
            {
                await Task.Delay(next - now.UtcDateTime, _clock, ct);
                var run = await _jobs.RunScheduledAsync(job, ct);
                _logger.LogInformation("Timer {Job} finished {Days} days and queued {Events} events", job, run.Days.Count, run.EventsQueued);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed run is retried at the next tick, as the Functions host does.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Timer {Job} failed", job);
            }
        }
    }

    private static CronExpression Parse(TimerRoute timer, string value)
    {
        try
        {
            return CronExpression.Parse(value, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidOperationException($"{timer.ScheduleSetting}: not a six-field NCRONTAB schedule such as '{timer.DefaultSchedule}' ({ex.Message}).", ex);
        }
    }
}

/// <summary>
/// A clock that tests can move (<c>Loyalty:Local:TestClock</c>), so a year of timers runs in
/// seconds. Local only: the function app always runs on the system clock.
/// </summary>
public sealed class LocalClock : TimeProvider
{
    private long _offsetTicks;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock so that now is <paramref name="now"/>.</summary>
    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _offsetTicks, (now - base.GetUtcNow()).Ticks);
}

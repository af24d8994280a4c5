using System.Globalization;

namespace Loyalty.Core;

/// <summary>The kinds of index partition the timer jobs read (docs/ARCHITECTURE.md, "schedule").</summary>
public static class ScheduleKinds
{
    /// <summary><c>expiry|{yyyyMMdd}</c>: members with a lot expiring at the end of that day (reminders read it too, ahead).</summary>
    public const string Expiry = "expiry";

    /// <summary><c>pending|{yyyyMMdd}</c>: members with pending points activating that day.</summary>
    public const string Pending = "pending";

    /// <summary><c>review|{yyyyMMdd}</c>: members whose tier review or grace ends that day.</summary>
    public const string Review = "review";

    /// <summary><c>birthday|{MMdd}</c>: members born on that day of the year.</summary>
    public const string Birthday = "birthday";
}

/// <summary>One index row: the partition <c>{Kind}|{Key}</c> lists the member.</summary>
public sealed record ScheduleEntry(string Kind, string Key)
{
    /// <summary>The index partition key.</summary>
    public string Partition => Kind + "|" + Key;
}

/// <summary>
/// Which index rows a member's state needs, so that each timer job reads only the members due
/// on its day. Rows are only added: a stale one is harmless, because the job's event re-checks
/// the member and changes nothing when nothing is due.
/// </summary>
public static class Schedule
{
    /// <summary>Every index row <paramref name="state"/> needs.</summary>
    public static IReadOnlySet<ScheduleEntry> Of(MemberState? state)
    {
        var entries = new HashSet<ScheduleEntry>();
        if (state is null)
        {
            return entries;
        }

        foreach (var lot in state.Lots.Where(l => l.ExpiresOn != DateOnly.MaxValue))
        {
            entries.Add(new(ScheduleKinds.Expiry, DayKey(lot.ExpiresOn)));
        }

        foreach (var pending in state.Pending)
        {
            entries.Add(new(ScheduleKinds.Pending, DayKey(pending.ActivatesOn)));
        }

        foreach (var day in new[] { state.ReviewOn, state.GraceUntil }.OfType<DateOnly>())
        {
            entries.Add(new(ScheduleKinds.Review, DayKey(day)));
        }

        if (state.Profile.Birthday is { } birthday)
        {
            entries.Add(new(ScheduleKinds.Birthday, BirthdayKey(birthday)));
        }

        return entries;
    }

    /// <summary>The rows <paramref name="after"/> needs that <paramref name="before"/> did not: write these before the commit.</summary>
    public static IReadOnlyList<ScheduleEntry> Added(MemberState? before, MemberState? after) =>
        [.. Of(after).Except(Of(before)).OrderBy(e => e.Partition, StringComparer.Ordinal)];

    /// <summary><c>yyyyMMdd</c>.</summary>
    public static string DayKey(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary><c>MMdd</c> of a birthday.</summary>
    public static string BirthdayKey(DateOnly birthday) => birthday.ToString("MMdd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The birthday partitions due on <paramref name="day"/>: its own, and in a common year's
    /// 28 February also 29 February's, so those members are not skipped for three years.
    /// </summary>
    public static IReadOnlyList<string> BirthdayKeysOn(DateOnly day) =>
        day.Month == 2 && day.Day == 28 && !DateTime.IsLeapYear(day.Year) ? ["0228", "0229"] : [BirthdayKey(day)];

    /// <summary>Whether a member born on <paramref name="birthday"/> celebrates on <paramref name="day"/>.</summary>
    public static bool IsBirthday(DateOnly birthday, DateOnly day) =>
        BirthdayKeysOn(day).Contains(BirthdayKey(birthday));
}

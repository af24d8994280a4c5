namespace Loyalty.Core.Tests;

/// <summary>
/// A clock that only moves forward, set in the program's wall-clock time, so a test reads as a
/// sequence of instants ("12 Feb 2027, noon in New York") and each decision is taken at one.
/// </summary>
internal sealed class TestClock(LoyaltyProgram program)
{
    private readonly TimeZoneInfo _zone = program.Zone;

    /// <summary>The current instant.</summary>
    public DateTimeOffset Now { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>The program-local day of <see cref="Now"/>.</summary>
    public DateOnly Today => program.LocalDate(Now);

    /// <summary>The day before <see cref="Today"/>: the day a job running now has seen end.</summary>
    public DateOnly Yesterday => Today.AddDays(-1);

    /// <summary>Moves to a program-local wall-clock time; refuses to go back.</summary>
    public DateTimeOffset Set(int year, int month, int day, int hour = 12, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        var next = new DateTimeOffset(local, _zone.GetUtcOffset(local));
        if (next < Now)
        {
            throw new InvalidOperationException($"The test clock runs forward only: {next:O} is before {Now:O}.");
        }

        Now = next;
        return Now;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Loyalty.Core;

/// <summary>Quiet hours in the program's time zone, <see cref="Start"/> to <see cref="End"/> (may wrap past midnight); equal times mean none.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>21:00 to 09:00.</summary>
    public static QuietHours Default { get; } = new(new TimeOnly(21, 0), new TimeOnly(9, 0));

    /// <summary>No quiet hours.</summary>
    public static QuietHours None { get; } = new(TimeOnly.MinValue, TimeOnly.MinValue);

    /// <summary>Parses <c>HH:mm-HH:mm</c> (<c>21:00-09:00</c>), or <c>none</c>.</summary>
    public static bool TryParse(string? text, out QuietHours hours)
    {
        hours = None;
        if (string.Equals(text?.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var parts = (text ?? string.Empty).Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
        {
            hours = new(start, end);
            return true;
        }

        return false;
    }

    /// <summary>The first instant at or after <paramref name="now"/> outside quiet hours in <paramref name="zone"/>.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (Start == End)
        {
            return now;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = Start < End ? time >= Start && time < End : time >= Start || time < End;
        if (!quiet)
        {
            return now;
        }

        // The end of this quiet spell: today's End if it is still ahead, else tomorrow's.
        var endDate = time < End ? local.Date : local.Date.AddDays(1);
        var endLocal = endDate + End.ToTimeSpan();
        while (zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(30);
        }

        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal));
    }

    /// <inheritdoc/>
    public override string ToString() => Start == End ? "none" : $"{Start:HH\\:mm}-{End:HH\\:mm}";
}

/// <summary>
/// How messages go out (<c>Loyalty:Messaging</c>): which kinds are marketing, quiet hours, the
/// weekly marketing cap, retries, and which channels are on. Pure data; the rules are in the decider.
/// </summary>
public sealed record MessagingRules
{
    /// <summary>Kinds that need consent and count against the cap; every other kind is a service message.</summary>
    public IReadOnlyList<string> MarketingKinds { get; init; } = [MessageKinds.ExpiryReminder, MessageKinds.BirthdayOffer];

    /// <summary>Hours in the program's time zone when nothing is sent; a message due then waits until they end.</summary>
    public QuietHours QuietHours { get; init; } = QuietHours.Default;

    /// <summary>Marketing messages per member in any 7 days; service messages are never capped.</summary>
    public int WeeklyMarketingCap { get; init; } = 2;

    /// <summary>Whether a points-earned receipt is written for each order that earns.</summary>
    public bool PointsEarnedReceipt { get; init; }

    /// <summary>Attempts before a message that keeps failing transiently is given up on.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>Wait after the first transient failure; doubles with each attempt, at most 6 hours.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a claimed message is left to its dispatcher: if no outcome is recorded by then
    /// (the dispatcher died between sending and recording), it is sent again, with the same ids.
    /// </summary>
    public TimeSpan SendLease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>E-mail is on (an SMTP host is set).</summary>
    public bool Email { get; init; }

    /// <summary>The outbound webhook is on (a URL is set).</summary>
    public bool Webhook { get; init; }

    /// <summary>
    /// Kinds that answer something the member just did (a redemption, an order, joining): sent at
    /// once, even in quiet hours. Every other kind waits for quiet hours to end.
    /// </summary>
    public static IReadOnlyList<string> ImmediateKinds { get; } = [MessageKinds.RedemptionReceipt, MessageKinds.PointsEarned, MessageKinds.Welcome];

    /// <summary>The category of <paramref name="kind"/>.</summary>
    public string CategoryOf(string kind) =>
        MarketingKinds.Contains(kind, StringComparer.Ordinal) ? MessageCategories.Marketing : MessageCategories.Service;

    /// <summary>The wait after transient failure number <paramref name="attempt"/> (1, 2, ...).</summary>
    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(6).Ticks, RetryDelay.Ticks * (1L << Math.Clamp(attempt - 1, 0, 20))));

    /// <summary>Problems with these rules, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MarketingKinds.Any(k => !MessageKinds.All.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add($"Messaging:MarketingKinds: each one of {string.Join(", ", MessageKinds.All)}.");
        }

        if (WeeklyMarketingCap is < 0 or > 100)
        {
            errors.Add("Messaging:WeeklyMarketingCap: must be between 0 and 100.");
        }

        if (MaxAttempts is < 1 or > 50)
        {
            errors.Add("Messaging:MaxAttempts: must be between 1 and 50.");
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > TimeSpan.FromHours(6))
        {
            errors.Add("Messaging:RetryDelaySeconds: must be more than 0 and at most 21600.");
        }

        if (SendLease < TimeSpan.FromSeconds(1) || SendLease > TimeSpan.FromHours(1))
        {
            errors.Add("Messaging:SendLeaseSeconds: must be between 1 and 3600.");
        }

        return errors;
    }
}

/// <summary>Pure helpers the dispatcher and the decider share.</summary>
public static class Outbox
{
    /// <summary>
    /// A short stable id of one message of one member (24 hex digits of SHA-256): the same on
    /// every resend, so it makes the <c>Message-ID</c>, the webhook delivery id and the dispatch event ids.
    /// </summary>
    public static string DeliveryId(string memberId, string messageId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(memberId + "|" + messageId)))[..24];

    /// <summary>The event id of the claim of a message found due at <paramref name="dueAt"/> (one per index row).</summary>
    public static string DueEventId(string memberId, string messageId, DateTimeOffset dueAt) =>
        string.Create(CultureInfo.InvariantCulture, $"msgdue:{DeliveryId(memberId, messageId)}:{dueAt.UtcTicks}");

    /// <summary>The event id of the outcome of attempt <paramref name="attempt"/>.</summary>
    public static string DeliveredEventId(string memberId, string messageId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"msgsent:{DeliveryId(memberId, messageId)}:{attempt}");

    /// <summary>Whether the member agreed to marketing and has not withdrawn it.</summary>
    public static bool MayMarket(MemberState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return !state.Unsubscribed && state.Profile.MarketingConsent == true;
    }

    /// <summary>The member's e-mail address unless it bounced.</summary>
    public static string? WorkingEmail(MemberState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var email = state.Profile.Email;
        return string.IsNullOrWhiteSpace(email) || string.Equals(email, state.BouncedEmail, StringComparison.OrdinalIgnoreCase) ? null : email;
    }

    /// <summary>Marketing claims inside the 7 days before <paramref name="now"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> InCapWindow(MemberState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.MarketingSentAt.Where(t => t > now.AddDays(-7) && t <= now).Order()];
    }
}

namespace Loyalty.Core;

/// <summary>
/// Pure operations on a member's open lots (sorted by expiry day, oldest first, one lot per
/// day, every lot above zero). Each returns the new lots and the changes it made, so the
/// changes can go on the ledger entry as they are.
/// </summary>
public static class Lots
{
    /// <summary>The expiry day of points earned at <paramref name="now"/>: the program-local day plus the lifetime, or never.</summary>
    public static DateOnly ExpiryFor(LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(program);
        return program.PointsLifetimeDays == 0
            ? DateOnly.MaxValue
            : program.LocalDate(now).AddDays(program.PointsLifetimeDays);
    }

    /// <summary>Adds points to the lot of each change's day (positive changes only), keeping the lots sorted and merged.</summary>
    public static IReadOnlyList<Lot> Add(IReadOnlyList<Lot> lots, IEnumerable<LotChange> additions)
    {
        ArgumentNullException.ThrowIfNull(lots);
        ArgumentNullException.ThrowIfNull(additions);
        var byDay = new SortedDictionary<DateOnly, long>();
        foreach (var lot in lots)
        {
            byDay[lot.ExpiresOn] = byDay.GetValueOrDefault(lot.ExpiresOn) + lot.Points;
        }

        foreach (var add in additions)
        {
            if (add.Points <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(additions), add.Points, "Lots only grow by positive points.");
            }

            byDay[add.ExpiresOn] = checked(byDay.GetValueOrDefault(add.ExpiresOn) + add.Points);
        }

        return [.. byDay.Where(d => d.Value > 0).Select(d => new Lot(d.Key, d.Value))];
    }

    /// <summary>
    /// Takes up to <paramref name="points"/> from the lots, the earliest expiry first (FIFO).
    /// Returns the remaining lots, what was taken from each day (negative points), and the
    /// part the lots could not cover.
    /// </summary>
    public static (IReadOnlyList<Lot> Lots, IReadOnlyList<LotChange> Taken, long Shortfall) Take(IReadOnlyList<Lot> lots, long points)
    {
        ArgumentNullException.ThrowIfNull(lots);
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        var remaining = new List<Lot>(lots.Count);
        var taken = new List<LotChange>();
        var left = points;
        foreach (var lot in lots.OrderBy(l => l.ExpiresOn))
        {
            var take = Math.Min(left, lot.Points);
            left -= take;
            if (take > 0)
            {
                taken.Add(new LotChange(lot.ExpiresOn, -take));
            }

            if (lot.Points - take > 0)
            {
                remaining.Add(lot with { Points = lot.Points - take });
            }
        }

        return (remaining, taken, left);
    }

    /// <summary>Whether the lots are sorted by strictly increasing expiry day and all above zero.</summary>
    public static bool IsWellFormed(IReadOnlyList<Lot> lots)
    {
        ArgumentNullException.ThrowIfNull(lots);
        for (var i = 0; i < lots.Count; i++)
        {
            if (lots[i].Points <= 0 || (i > 0 && lots[i - 1].ExpiresOn >= lots[i].ExpiresOn))
            {
                return false;
            }
        }

        return true;
    }
}

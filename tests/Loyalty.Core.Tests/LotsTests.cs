
namespace Loyalty.Core.Tests;

public sealed class LotsTests
{
    private static readonly DateOnly D1 = new(2026, 1, 1);
    private static readonly DateOnly D2 = new(2026, 2, 1);
    private static readonly DateOnly D3 = new(2026, 3, 1);

    [Fact]
    public void Add_merges_points_of_one_day_and_keeps_the_lots_sorted()
    {
        var lots = Lots.Add([new Lot(D1, 5), new Lot(D3, 7)], [new LotChange(D2, 3), new LotChange(D1, 2)]);

        Assert.Equal([new Lot(D1, 7), new Lot(D2, 3), new Lot(D3, 7)], lots);
        Assert.True(Lots.IsWellFormed(lots));
    }

    [Fact]
    public void Add_refuses_non_positive_points()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Lots.Add([], [new LotChange(D1, 0)]));
    }

    [Fact]
    public void Take_empties_the_earliest_lots_first_and_reports_the_shortfall()
    {
        var (lots, taken, shortfall) = Lots.Take([new Lot(D1, 5), new Lot(D2, 3), new Lot(D3, 7)], 10);

        Assert.Equal([new Lot(D3, 5)], lots);
        Assert.Equal([new LotChange(D1, -5), new LotChange(D2, -3), new LotChange(D3, -2)], taken);
        Assert.Equal(0, shortfall);

        var (none, all, missing) = Lots.Take([new Lot(D1, 5)], 8);
        Assert.Empty(none);
        Assert.Equal([new LotChange(D1, -5)], all);
        Assert.Equal(3, missing);
    }

    [Fact]
    public void Well_formed_lots_are_sorted_merged_and_positive()
    {
        Assert.False(Lots.IsWellFormed([new Lot(D2, 1), new Lot(D1, 1)]));
        Assert.False(Lots.IsWellFormed([new Lot(D1, 1), new Lot(D1, 1)]));
        Assert.False(Lots.IsWellFormed([new Lot(D1, 0)]));
        Assert.True(Lots.IsWellFormed([]));
    }
}

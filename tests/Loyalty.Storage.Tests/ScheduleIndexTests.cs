using Loyalty.Core;

namespace Loyalty.Storage.Tests;

public sealed class ScheduleIndexTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_partition_lists_exactly_the_members_added_to_it_once_each()
    {
        var index = new ScheduleIndex(await fixture.NewClientsAsync());
        var day = new ScheduleEntry(ScheduleKinds.Expiry, "20271130");
        var other = new ScheduleEntry(ScheduleKinds.Expiry, "20271201");

        await index.AddAsync("m-1", [day, other], Ct);
        await index.AddAsync("m-2", [day], Ct);
        await index.AddAsync("m-1", [day], Ct);

        Assert.Equal(["m-1", "m-2"], (await index.MembersAsync(day, Ct)).Order(StringComparer.Ordinal));
        Assert.Equal(["m-1"], await index.MembersAsync(other, Ct));
        Assert.Empty(await index.MembersAsync(new ScheduleEntry(ScheduleKinds.Pending, "20271130"), Ct));
    }

    [Fact]
    public async Task Reading_a_partition_costs_one_request_whatever_the_other_partitions_hold()
    {
        var clients = await fixture.NewClientsAsync();
        var index = new ScheduleIndex(clients);
        for (var i = 0; i < 50; i++)
        {
            await index.AddAsync($"m-{i}", [new ScheduleEntry(ScheduleKinds.Expiry, i < 5 ? "20271130" : "20271201")], Ct);
        }

        var before = clients.Counter.Snapshot();
        var due = await index.MembersAsync(new ScheduleEntry(ScheduleKinds.Expiry, "20271130"), Ct);

        Assert.Equal(5, due.Count);
        Assert.Equal(1, (clients.Counter.Snapshot() - before).Table);
    }

    [Fact]
    public async Task A_job_cursor_starts_empty_and_only_moves_forward()
    {
        var index = new ScheduleIndex(await fixture.NewClientsAsync());

        Assert.Null(await index.LastFinishedAsync("ExpirePoints", Ct));
        await index.FinishAsync("ExpirePoints", new DateOnly(2027, 3, 2), 4, Ct);
        await index.FinishAsync("ExpirePoints", new DateOnly(2027, 3, 1), 7, Ct);

        Assert.Equal(new DateOnly(2027, 3, 2), await index.LastFinishedAsync("ExpirePoints", Ct));
        Assert.Null(await index.LastFinishedAsync("ReviewTiers", Ct));
        var days = await index.FinishedAsync("ExpirePoints", 10, Ct);
        Assert.Equal([(new DateOnly(2027, 3, 2), 4), (new DateOnly(2027, 3, 1), 7)], days.Select(d => (d.Day, d.Members)));
    }
}

using Loyalty.Core;

namespace Loyalty.Storage.Tests;

/// <summary>A reward's global limit in its shared row: exact under concurrency, idempotent per request, and what each step costs.</summary>
public sealed class RewardSlotsTests(AzuriteFixture fixture, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifty_claimers_at_once_get_exactly_the_limit_and_the_count_equals_the_claim_rows()
    {
        var clients = await fixture.NewClientsAsync();
        var slots = new RewardSlots(clients);
        var reward = new Reward("print", "Signed print", RewardKind.Service, 100, GlobalLimit: 10);

        var claims = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => slots.ClaimAsync(reward, $"m{i:D2}", "q1", Now, Ct)));
        var requests = clients.Counter.Snapshot().Table;
        output.WriteLine($"50 claimers, limit 10: {requests} table requests in all, {requests / 50.0:F1} per claimer (2 without contention)");

        Assert.Equal(10, claims.Count(c => c.Granted));
        Assert.All(claims.Where(c => c.Granted), c => Assert.True(c.Fresh));
        Assert.Equal(10, await slots.TakenAsync("print", Ct));
        var holders = await slots.ClaimsAsync("print", Ct);
        Assert.Equal(10, holders.Count);
        Assert.Equal(10, holders.Select(h => h.MemberId).Distinct().Count());
    }

    [Fact]
    public async Task A_retry_keeps_its_slot_a_release_gives_it_back_once_and_each_step_costs_two_requests()
    {
        var clients = await fixture.NewClientsAsync();
        var slots = new RewardSlots(clients);
        var reward = new Reward("print", "Signed print", RewardKind.Service, 100, GlobalLimit: 1);

        var before = clients.Counter.Snapshot();
        var first = await slots.ClaimAsync(reward, "m1", "q1", Now, Ct);
        Assert.Equal((true, true, 1L), (first.Granted, first.Fresh, first.Taken));
        Assert.Equal(2, (clients.Counter.Snapshot() - before).Table);

        // The same request at the limit: its own claim row answers, no second slot (2 point reads).
        before = clients.Counter.Snapshot();
        var retry = await slots.ClaimAsync(reward, "m1", "q1", Now, Ct);
        Assert.Equal((true, false), (retry.Granted, retry.Fresh));
        Assert.Equal(2, (clients.Counter.Snapshot() - before).Table);

        before = clients.Counter.Snapshot();
        var other = await slots.ClaimAsync(reward, "m2", "q1", Now, Ct);
        Assert.False(other.Granted);
        Assert.Equal(2, (clients.Counter.Snapshot() - before).Table);
        Assert.Equal(1, await slots.TakenAsync("print", Ct));

        before = clients.Counter.Snapshot();
        Assert.True(await slots.ReleaseAsync("print", "m1", "q1", Ct));
        Assert.Equal(2, (clients.Counter.Snapshot() - before).Table);
        Assert.False(await slots.ReleaseAsync("print", "m1", "q1", Ct));
        Assert.Equal(0, await slots.TakenAsync("print", Ct));

        Assert.True((await slots.ClaimAsync(reward, "m2", "q1", Now, Ct)).Granted);
        Assert.Equal(1, await slots.TakenAsync("print", Ct));
    }

    [Fact]
    public async Task A_slot_held_by_a_request_below_the_limit_is_found_again_not_taken_twice()
    {
        var clients = await fixture.NewClientsAsync();
        var slots = new RewardSlots(clients);
        var reward = new Reward("print", "Signed print", RewardKind.Service, 100, GlobalLimit: 5);

        Assert.True((await slots.ClaimAsync(reward, "m1", "q1", Now, Ct)).Fresh);
        var again = await slots.ClaimAsync(reward, "m1", "q1", Now, Ct);

        Assert.Equal((true, false), (again.Granted, again.Fresh));
        Assert.Equal(1, await slots.TakenAsync("print", Ct));
        Assert.Single(await slots.ClaimsAsync("print", Ct));
    }
}

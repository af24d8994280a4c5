namespace Loyalty.Storage.Tests;

public sealed class DeliveryLogTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_delivery_is_seen_once_recorded_and_each_step_costs_one_table_request()
    {
        var clients = await fixture.NewClientsAsync();
        var log = new DeliveryLog(clients);
        var key = $"shopify:acme.myshopify.com:webhook:{Guid.NewGuid()}";

        var before = clients.Counter.Snapshot();
        Assert.False(await log.SeenAsync(key, Ct));
        Assert.Equal(1, (clients.Counter.Snapshot() - before).Table);

        before = clients.Counter.Snapshot();
        await log.RecordAsync(key, ["shopify:acme.myshopify.com:order:1:paid"], DateTimeOffset.UnixEpoch, Ct);
        Assert.Equal(1, (clients.Counter.Snapshot() - before).Table);

        Assert.True(await log.SeenAsync(key, Ct));
        Assert.False(await log.SeenAsync($"shopify:acme.myshopify.com:webhook:{Guid.NewGuid()}", Ct));

        // Recording again (a repeat that raced the first) is harmless.
        await log.RecordAsync(key, ["shopify:acme.myshopify.com:order:1:paid"], DateTimeOffset.UnixEpoch, Ct);
        Assert.True(await log.SeenAsync(key, Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("shopify:a/b")]
    [InlineData("x@y")]
    public async Task A_key_that_breaks_the_key_rules_is_never_sent(string key)
    {
        var clients = await fixture.NewClientsAsync();
        var log = new DeliveryLog(clients);

        await Assert.ThrowsAsync<ArgumentException>(() => log.SeenAsync(key, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => log.RecordAsync(key, [], DateTimeOffset.UnixEpoch, Ct));
        Assert.Equal(0, clients.Counter.Snapshot().Table);
    }
}

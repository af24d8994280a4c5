namespace Loyalty.Storage.Tests;

public sealed class RequestCounterTests
{
    [Fact]
    public async Task Every_attempt_is_counted_including_retries()
    {
        // A port nothing listens on: each attempt fails to connect and the SDK retries. The table
        // side alone proves the policy sits after the retry policy (the queue side, with the
        // storage SDK's longer retry schedule, would only add ~20 s).
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new StorageOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Loyalty.Testing.Azurite.AccountKey};" +
                $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
        };
        var clients = new StorageClients(options, new RequestCounter());

        await Assert.ThrowsAnyAsync<Exception>(() => new MemberStore(clients).GetStateAsync("shopify-1", TestContext.Current.CancellationToken));

        Assert.Equal(new RequestCounts(1 + new Azure.Data.Tables.TableClientOptions().Retry.MaxRetries, 0), clients.Counter.Snapshot());
        Assert.True(clients.Counter.TableRequests > 1);
    }

    [Fact]
    public void Counts_subtract_and_reset()
    {
        var counter = new RequestCounter();
        Assert.Equal(new RequestCounts(0, 0), counter.Snapshot());
        Assert.Equal(new RequestCounts(1, 2), new RequestCounts(5, 7) - new RequestCounts(4, 5));
        counter.Reset();
        Assert.Equal(0, counter.TableRequests + counter.QueueRequests);
    }
}

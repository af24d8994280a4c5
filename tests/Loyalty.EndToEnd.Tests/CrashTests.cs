using Azure.Data.Tables;
using Azure.Storage.Queues;
using Loyalty.App.Operations;
using Loyalty.Core;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// 2,000 queued purchases, the host killed with SIGKILL in the middle of them and started
/// again: every event must be applied exactly once. Its own Azurite and host processes.
/// </summary>
public sealed partial class CrashTests
{
    private const int Members = 100;
    private const int OrdersPerMember = 20;

    [Fact]
    public async Task Events_survive_a_killed_host_and_are_applied_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var azurite = await Azurite.StartAsync(ct);
        var settings = new Dictionary<string, string>
        {
            // A short visibility timeout so messages the killed host held come back within the test.
            ["Loyalty__Local__VisibilityTimeoutSeconds"] = "8",
            ["Loyalty__Local__QueueConcurrency"] = "4",
        };
        var queue = new QueueClient(azurite.ConnectionString, "loyalty-events");
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);
        var expected = new Dictionary<string, long>();
        var events = new List<string>();
        for (var m = 0; m < Members; m++)
        {
            var memberId = $"crash-{m:D3}";
            expected[memberId] = 50;
            for (var o = 0; o < OrdersPerMember; o++)
            {
                var price = 10m + o + (m % 7);
                expected[memberId] += (long)price;
                events.Add(EventEnvelope.Serialize(new PurchaseCompleted(
                    $"crash:{memberId}:order:{o}:paid", memberId, DateTimeOffset.UtcNow, $"{memberId}-{o}", "USD",
                    [new OrderLine("1", "SKU", null, 1, price, 0m)], price + 3m)));
            }
        }

        // Interleave members so that concurrent workers contend on the same partitions.
        var ordered = events.Select((body, i) => (body, key: (i % OrdersPerMember * Members) + (i / OrdersPerMember))).OrderBy(e => e.key).Select(e => e.body).ToList();
        await Parallel.ForEachAsync(ordered, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (body, token) => await queue.SendMessageAsync(body, token));

        var first = await LocalHost.StartAsync(azurite.ConnectionString, settings, ct);
        var deadline = DateTime.UtcNow.AddSeconds(240);
        while ((await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount > 1_400 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        first.Kill();
        var depthAtKill = (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
        await first.DisposeAsync();
        Assert.InRange(depthAtKill, 1, 1_999);

        await using var second = await LocalHost.StartAsync(azurite.ConnectionString, settings, ct);
        while ((await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, ct);
        }

        Assert.Equal(0, (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount);
        var poison = new QueueClient(azurite.ConnectionString, "loyalty-events-poison");
        Assert.False((await poison.ExistsAsync(ct)).Value && (await poison.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount > 0, "nothing should be parked");

        var table = new TableClient(azurite.ConnectionString, "members");
        var balances = new Dictionary<string, long>();
        var earned = new Dictionary<string, int>();
        var markers = new Dictionary<string, int>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            if (row.RowKey == "state")
            {
                balances[row.PartitionKey] = row.GetInt64("Balance") ?? -1;
            }
            else if (row.RowKey.StartsWith("tx|", StringComparison.Ordinal) && row.GetString("Kind") == "earned")
            {
                earned[row.PartitionKey] = earned.GetValueOrDefault(row.PartitionKey) + 1;
            }
            else if (row.RowKey.StartsWith("evt|", StringComparison.Ordinal))
            {
                markers[row.PartitionKey] = markers.GetValueOrDefault(row.PartitionKey) + 1;
            }
        }

        Assert.Equal(Members, balances.Count);
        foreach (var (memberId, balance) in expected)
        {
            Assert.Equal(balance, balances[memberId]);
            Assert.Equal(OrdersPerMember, earned[memberId]);
            Assert.Equal(OrdersPerMember, markers[memberId]);
        }

        Assert.Empty(MemberAudit.Inconsistencies(await MemberAudit.ReadAsync(azurite.ConnectionString, ct: ct)));

        // The operator's audit: a kill between a commit and the directory or report write was mended by the redelivery.
        using var audit = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Loyalty.Local.AuditCommand.RunAsync([$"--Loyalty:Storage:ConnectionString={azurite.ConnectionString}"], audit) == 0, audit.ToString());
    }

    [Fact]
    public async Task A_graceful_stop_finishes_the_message_in_hand_and_releases_the_rest()
    {
        const int total = 500;
        var ct = TestContext.Current.CancellationToken;
        await using var azurite = await Azurite.StartAsync(ct);
        var queue = new QueueClient(azurite.ConnectionString, "loyalty-events");
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);
        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            await queue.SendMessageAsync(
                EventEnvelope.Serialize(new PurchaseCompleted($"stop:{i}:paid", $"stop-{i % 50:D2}", DateTimeOffset.UtcNow, $"o{i}", "USD", [new OrderLine("1", null, null, 1, 20m, 0m)], 20m)),
                token));

        // A long visibility timeout: a message held by the stopped host and not released would stay hidden for the rest of the test.
        var host = await LocalHost.StartAsync(azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Loyalty__Local__VisibilityTimeoutSeconds"] = "600",
            ["Loyalty__Local__QueueConcurrency"] = "2",
            ["Loyalty__Local__QueueBatchSize"] = "32",
        }, ct);
        var table = new TableClient(azurite.ConnectionString, "members");
        while (await CountMarkersAsync(table, ct) < 50)
        {
            await Task.Delay(20, ct);
        }

        await host.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(host.HasExited);
        await host.DisposeAsync();

        var applied = await CountMarkersAsync(table, ct);
        var visible = 0;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10), ct)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            visible += batch.Length;
        }

        Assert.InRange(applied, 50, total - 1);
        Assert.Equal(total, applied + visible);

        // The operator's audit: what the stopped host applied is whole in the directory and the reports too.
        var (code, output) = await LocalHost.AuditAsync(azurite.ConnectionString, ct: ct);
        Assert.True(code == 0, output);
    }

    private static async Task<int> CountMarkersAsync(TableClient table, CancellationToken ct)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.RowKey.CompareTo("evt|") >= 0 && e.RowKey.CompareTo("evt}") < 0, select: ["RowKey"], cancellationToken: ct))
        {
            count++;
        }

        return count;
    }
}

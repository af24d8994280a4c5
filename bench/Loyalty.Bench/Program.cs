using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Loyalty.Bench;
using Loyalty.Local;
using Loyalty.Storage;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

// `expiry`: the ExpirePoints job at 100,000 and 10,000 members with the same members due
// (ExpiryBench.cs; bench/README.md).
if (args.Length > 0 && args[0] == "expiry")
{
    return await ExpiryBench.RunAsync(args[1..]);
}

// `console`: the owner's console and its read models in table requests (ConsoleBench.cs).
if (args.Length > 0 && args[0] == "console")
{
    return await ConsoleBench.RunAsync(args[1..]);
}

// `reports`: the reports read and a segment recomputation at 10,000 and 100,000 members (ReportsBench.cs).
if (args.Length > 0 && args[0] == "reports")
{
    return await ReportsBench.RunAsync(args[1..]);
}

// `import`: rows per second of moving in from a spreadsheet (ImportBench.cs).
if (args.Length > 0 && args[0] == "import")
{
    return await ImportBench.RunAsync(args[1..]);
}

// Otherwise: purchase events through the local host on Azurite, against the same work done by
// bare SDK calls in the same run. Both feed the queue at a bounded depth: Azurite's queue slows
// down sharply as messages pile up, which would measure the backlog rather than the service.
var events = Arg("--events", 5_000);
var members = Arg("--members", 500);
var depth = Arg("--depth", 200);
var workers = Arg("--concurrency", 4);
var progress = args.Contains("--progress");
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

Console.WriteLine($"Loyalty benchmark: {events} purchase events over {members} members, queue depth kept under {depth}, {workers} workers, {Environment.ProcessorCount} cores");
await using var azurite = await Azurite.StartAsync();

var bare = await BareSdkAsync(azurite.ConnectionString);
var host = await LocalHostAsync(azurite.ConnectionString);

Console.WriteLine();
Console.WriteLine($"{"",-34}{"events/s",10}{"table req/event",18}{"queue req/event",18}");
Console.WriteLine($"{"bare SDK (send,receive,read,batch,delete)",-34}{bare.Rate,10:F1}{bare.TablePerEvent,18:F2}{bare.QueuePerEvent,18:F2}");
Console.WriteLine($"{"local host (HTTP intake → processor)",-34}{host.Rate,10:F1}{host.TablePerEvent,18:F2}{host.QueuePerEvent,18:F2}");
var ratio = host.Rate / bare.Rate;
Console.WriteLine();
Console.WriteLine($"host / bare SDK rate: {ratio:F2} (target ≥ 0.50: {(ratio >= 0.5 ? "met" : "NOT met")})");
Console.WriteLine($"table requests per purchase event: {host.TablePerEvent:F2} (target ≤ 2: {(host.TablePerEvent <= 2.0 ? "met" : "NOT met")})");
return host.Audited ? 0 : 1;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

async Task<Result> BareSdkAsync(string connectionString)
{
    var counter = new RequestCounter();
    var clients = new StorageClients(new StorageOptions { ConnectionString = connectionString, MembersTable = "barebench", EventsQueue = "bare-events", PoisonQueue = "bare-poison" }, counter);
    await clients.EnsureCreatedAsync(CancellationToken.None);
    var table = clients.Members;
    var queue = clients.Events;
    counter.Reset();
    long done = 0;
    var sw = Stopwatch.StartNew();
    var feeder = Task.Run(async () =>
    {
        for (var i = 0; i < events; i++)
        {
            while (i - Interlocked.Read(ref done) >= depth)
            {
                await Task.Delay(2);
            }

            await queue.SendMessageAsync(JsonSerializer.Serialize(new { eventId = $"bare:{i}", memberId = $"m{i % members}", points = 10 + (i % 50) }));
        }
    });
    var consumers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Read(ref done) < events)
        {
            var batch = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(120))).Value;
            if (batch.Length == 0)
            {
                await Task.Delay(20);
                continue;
            }

            foreach (var message in batch)
            {
                using var doc = JsonDocument.Parse(message.MessageText);
                var eventId = doc.RootElement.GetProperty("eventId").GetString()!;
                var memberId = doc.RootElement.GetProperty("memberId").GetString()!;
                var points = doc.RootElement.GetProperty("points").GetInt64();
                for (var attempt = 0; ; attempt++)
                {
                    var current = await table.GetEntityIfExistsAsync<TableEntity>(memberId, "state");
                    var state = current.HasValue ? current.Value! : new TableEntity(memberId, "state") { ["Balance"] = 0L, ["Version"] = 0L };
                    var version = (state.GetInt64("Version") ?? 0) + 1;
                    state["Balance"] = (state.GetInt64("Balance") ?? 0) + points;
                    state["Version"] = version;
                    var actions = new List<TableTransactionAction>
                    {
                        current.HasValue ? new(TableTransactionActionType.UpdateReplace, state, state.ETag) : new(TableTransactionActionType.Add, state),
                        new(TableTransactionActionType.Add, new TableEntity(memberId, "evt|" + eventId)),
                        new(TableTransactionActionType.Add, new TableEntity(memberId, $"tx|{999_999_999_999 - version:D12}") { ["Points"] = points }),
                    };
                    try
                    {
                        await table.SubmitTransactionAsync(actions);
                        break;
                    }
                    catch (TableTransactionFailedException) when (attempt < 10)
                    {
                        // A concurrent worker changed the member: read and try again, as the service does.
                    }
                }

                try
                {
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
                catch (RequestFailedException)
                {
                    // Handed out again meanwhile; the marker makes the redelivery harmless.
                }

                Interlocked.Increment(ref done);
            }
        }
    })).ToList();
    await Task.WhenAll(consumers.Append(feeder));
    sw.Stop();
    var counts = counter.Snapshot();
    // The bare SDK writes a table of its own, not the service's: there is nothing to audit.
    return new Result(events / sw.Elapsed.TotalSeconds, counts.Table / (double)events, counts.Queue / (double)events, true);
}

async Task<Result> LocalHostAsync(string connectionString)
{
    var port = FreePort();
    var app = LocalApp.Create([], new Dictionary<string, string?>
    {
        ["Urls"] = $"http://127.0.0.1:{port}",
        ["Loyalty:Storage:ConnectionString"] = connectionString,
        ["Loyalty:Local:StartAzurite"] = "false",
        ["Loyalty:Local:SeedDemo"] = "false",
        ["Loyalty:Local:QueueConcurrency"] = workers.ToString(CultureInfo.InvariantCulture),
        ["Loyalty:Api:SigningSecret"] = Purchases.ApiSecret,
        ["Loyalty:AdminKey"] = "bench-admin-key-not-for-production",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Loyalty:Local:PrintHints"] = "false",
    });
    await app.StartAsync();
    var counter = app.Services.GetRequiredService<RequestCounter>();
    var pump = app.Services.GetRequiredService<QueuePump>();
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    counter.Reset();
    var handledAtStart = pump.Handled;
    var sw = Stopwatch.StartNew();
    var posting = Purchases.PostAsync(http, pump, 0, events, members, senders: 8, depth);
    using var ticker = progress ? new Timer(_ => Console.Error.WriteLine($"  {sw.Elapsed.TotalSeconds,6:F1}s handled {pump.Handled - handledAtStart}, table {counter.TableRequests}, queue {counter.QueueRequests}"), null, 5000, 5000) : null;
    await posting;
    while (pump.Handled - handledAtStart < events)
    {
        await Task.Delay(5);
    }

    sw.Stop();
    var counts = counter.Snapshot();
    var audited = await BenchAudit.RunAsync(app.Services);
    await app.StopAsync();
    await app.DisposeAsync();
    return new Result(events / sw.Elapsed.TotalSeconds, counts.Table / (double)events, counts.Queue / (double)events, audited);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

internal sealed record Result(double Rate, double TablePerEvent, double QueuePerEvent, bool Audited);

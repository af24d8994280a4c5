using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Loyalty.App.Http;
using Loyalty.App.Reports;
using Loyalty.App.Segments;
using Loyalty.Core;
using Loyalty.Local;
using Loyalty.Storage;
using Loyalty.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Bench;

/// <summary>
/// <c>reports</c> mode: what the reports read (<c>GET /api/admin/reports</c>, JSON and CSV) and
/// one segment recomputation (the <c>SegmentMembers</c> job through the jobs route) cost in table
/// requests as the program grows. For each size, fresh storage and a local host: generated
/// members are written straight into the directory and their report delta rows into the day
/// partitions with entity-group transactions (the member path would take hours here), the days
/// are rolled up into months, a few members buy through the member path, and then both are
/// measured. Requests are counted per table by <see cref="PartitionRecorder"/>.
/// </summary>
internal static class ReportsBench
{
    public const string Usage = """
        dotnet run -c Release --project bench/Loyalty.Bench -- reports [options]

          --members 10000,100000  generated members, each size on fresh storage
          --buyers 20             members who also buy through the member path (in the figures and the audit)
          --fill-concurrency 16   transactions written at once while filling (timed, not counted)

        Exits 1 when a check fails.
        """;

    private const string AdminKeyValue = "bench-admin-key-not-for-production";
    private const int Batch = 100;
    private const int QueryPage = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var sizes = Args.IntList(args, "--members", [10_000, 100_000]);
        var buyers = Args.Int(args, "--buyers", 20);
        var concurrency = Args.Int(args, "--fill-concurrency", 16);
        var checks = new List<string>();
        var recorder = PartitionRecorder.Install();
        Console.WriteLine($"Reports and segments benchmark: {string.Join(", ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} generated members (each on fresh storage) and {buyers} through the member path; {Environment.ProcessorCount} cores");

        var results = new List<SizeResult>();
        foreach (var size in sizes)
        {
            results.Add(await RunSizeAsync(recorder, size, buyers, concurrency, checks));
        }

        Console.WriteLine();
        Console.WriteLine("Table requests (counted under the SDK; every request of the phase, all tables):");
        var header = $"   {"",-46}" + string.Concat(results.Select(r => $"{r.Members.ToString("N0", CultureInfo.InvariantCulture) + " members",18}"));
        if (results.Count > 1)
        {
            header += $"{"ratio last/first",20}";
        }

        Console.WriteLine(header);
        Row("reports, JSON (GET /api/admin/reports)", r => r.Json.Requests);
        Row("reports, CSV (format=csv)", r => r.Csv.Requests);
        Row("segments, measured (SegmentMembers job)", r => r.Segments.Requests);
        Row("segments, expected ⌈n/1,000⌉ + ⌈n/100⌉", r => r.ExpectedSegments);
        Row("  of which directory requests", r => r.Segments.ByTable.GetValueOrDefault("directory"));
        Console.WriteLine();
        Console.WriteLine("Wall time (ms; Azurite, not Azure, and a shared machine: compare requests, not times):");
        Console.WriteLine($"   {"",-46}" + string.Concat(results.Select(r => $"{r.Members.ToString("N0", CultureInfo.InvariantCulture) + " members",18}")));
        Time("reports, JSON", r => r.Json.Millis);
        Time("reports, CSV", r => r.Csv.Millis);
        Time("segments", r => r.Segments.Millis);
        if (results.Count > 1)
        {
            var (first, last) = (results[0], results[^1]);
            var growth = last.Listed / (double)first.Listed;
            Console.WriteLine();
            Console.WriteLine($"   directory {last.Listed:N0} / {first.Listed:N0} rows = {growth:F2}x; segment requests {last.Segments.Requests / (double)first.Segments.Requests:F2}x; reports {last.Json.Requests / (double)first.Json.Requests:F2}x (target 1.00 ± 0.05: {Met(Math.Abs((last.Json.Requests / (double)first.Json.Requests) - 1) <= 0.05 && Math.Abs((last.Csv.Requests / (double)first.Csv.Requests) - 1) <= 0.05)})");
            if (Math.Abs((last.Json.Requests / (double)first.Json.Requests) - 1) > 0.05 || Math.Abs((last.Csv.Requests / (double)first.Csv.Requests) - 1) > 0.05)
            {
                checks.Add("the reports' requests differ by more than 5% between the sizes");
            }
        }

        Console.WriteLine();
        foreach (var failed in checks)
        {
            Console.WriteLine($"FAILED: {failed}");
        }

        Console.WriteLine(checks.Count == 0 ? "All checks passed." : $"{checks.Count} check(s) FAILED.");
        return checks.Count == 0 ? 0 : 1;

        void Row(string name, Func<SizeResult, long> value)
        {
            var line = $"   {name,-46}" + string.Concat(results.Select(r => $"{value(r),18:N0}"));
            if (results.Count > 1)
            {
                line += $"{value(results[^1]) / (double)Math.Max(1, value(results[0])),20:F2}";
            }

            Console.WriteLine(line);
        }

        void Time(string name, Func<SizeResult, double> value) =>
            Console.WriteLine($"   {name,-46}" + string.Concat(results.Select(r => $"{value(r),18:F0}")));
    }

    private static async Task<SizeResult> RunSizeAsync(PartitionRecorder recorder, int size, int buyers, int concurrency, List<string> checks)
    {
        Console.WriteLine();
        Console.WriteLine($"{size:N0} generated members:");
        await using var azurite = await Azurite.StartAsync();
        await using var app = LocalApp.Create([], new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Loyalty:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Loyalty:Local:StartAzurite"] = "false",
            ["Loyalty:Local:SeedDemo"] = "false",
            ["Loyalty:Local:RunTimers"] = "false",
            ["Loyalty:Local:PrintHints"] = "false",
            ["Loyalty:AdminKey"] = AdminKeyValue,
            ["Loyalty:DirectoryKey"] = "bench-directory-key-not-for-production",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        var clients = app.Services.GetRequiredService<StorageClients>();
        var program = app.Services.GetRequiredService<LoyaltyProgram>();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add(AdminKey.Header, AdminKeyValue);
        recorder.Start(clients.TableService.Uri, clients.Members.Name);

        // Generated members: a directory row and the delta row their first purchase would have written.
        var now = DateTimeOffset.UtcNow;
        var today = program.LocalDate(now);
        var clock = Stopwatch.StartNew();
        var members = Enumerable.Range(0, size).Select(i => Generate(i, now, today)).ToList();
        var directoryRows = members.Select(m => DirectoryRow(m.State)).ToList();
        await WriteAsync(clients.Directory, [.. directoryRows.Chunk(Batch)], concurrency);
        var fillDirectory = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var deltaRows = members.Select(m => DeltaRow(m, program)).ToList();
        await WriteAsync(clients.Reports, [.. deltaRows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(Batch))], concurrency);
        var fillReports = clock.Elapsed.TotalSeconds;
        recorder.Next();
        clock.Restart();
        using (var rolled = JsonDocument.Parse(await SendAsync(http, HttpMethod.Post, $"api/admin/jobs/{ReportHandlers.RollUpJob}/runs")))
        {
            var months = rolled.RootElement.GetProperty("months").GetArrayLength();
            var rollUp = recorder.Next();
            Console.WriteLine($"   filled the directory with {size:N0} rows in {fillDirectory:F0} s and the reports with {deltaRows.Count:N0} day rows in {fillReports:F0} s (transactions of {Batch}, {concurrency} at once)");
            Console.WriteLine($"   rolled up {months} months in {clock.Elapsed.TotalSeconds:F0} s ({rollUp.TableRequests:N0} requests: the timer reads every new day row once; not a read path)");
        }

        // A few members through the member path, today: their partitions are what the audit checks.
        var commands = app.Services.GetRequiredService<Loyalty.App.Processing.MemberCommands>();
        for (var b = 0; b < buyers; b++)
        {
            var price = 20m + b;
            var lines = new[] { new OrderLine("1", "SKU", "category", 1, price, 0) };
            await commands.ApplyAsync(new PurchaseCompleted($"api:buyer-{b}:paid", $"buyer-{b}", now, $"b{b}", "USD", lines, price + 5, new MemberProfile(Email: $"buyer-{b}@bench.example")), CancellationToken.None);
        }

        var listed = size + buyers;
        recorder.Next();

        // The reports, JSON then CSV.
        var json = await MeasureAsync(http, recorder, HttpMethod.Get, "api/admin/reports");
        using (var report = JsonDocument.Parse(json.Body))
        {
            var reported = report.RootElement.GetProperty("members").GetInt64();
            var liability = report.RootElement.GetProperty("liabilityPoints").GetInt64();
            var expectedLiability = members.Sum(m => m.State.Balance) + (await BuyersBalanceAsync(clients, buyers));
            if (reported != listed || liability != expectedLiability)
            {
                checks.Add($"{size}: the report shows {reported} members and {liability} points, not {listed} and {expectedLiability}");
            }
        }

        var csv = await MeasureAsync(http, recorder, HttpMethod.Get, "api/admin/reports?format=csv");
        if (!csv.Body.Contains($"members,{listed}", StringComparison.Ordinal))
        {
            checks.Add($"{size}: the CSV does not show members,{listed}");
        }

        // One segment recomputation, through the jobs route.
        var segments = await MeasureAsync(http, recorder, HttpMethod.Post, $"api/admin/jobs/{SegmentJob.Job}/runs");
        using (var run = JsonDocument.Parse(segments.Body))
        {
            var scored = run.RootElement.GetProperty("members").GetInt32();
            var written = run.RootElement.GetProperty("written").GetInt32();
            if (scored != listed || written != listed)
            {
                checks.Add($"{size}: the segment job scored {scored} and wrote {written} members, not {listed}");
            }
        }

        var expected = Ceiling(listed, QueryPage) + Ceiling(listed, Batch);
        Console.WriteLine($"   reports: JSON {json.Requests} requests ({PerTable(json.ByTable)}), CSV {csv.Requests}; segments: {segments.Requests:N0} requests ({PerTable(segments.ByTable)}), expected {expected:N0} = {Ceiling(listed, QueryPage)} query pages + {Ceiling(listed, Batch)} transactions for {listed:N0} directory rows");
        if (segments.Requests != expected)
        {
            checks.Add($"{size}: the segment job made {segments.Requests} table requests, not {expected}");
        }

        if (json.ByTable.Keys.Any(t => t != clients.Reports.Name) || segments.ByTable.Keys.Any(t => t != clients.Directory.Name))
        {
            checks.Add($"{size}: the reports read a table other than {clients.Reports.Name}, or the segment job one other than {clients.Directory.Name}");
        }

        recorder.Stop();
        var generated = members.Select(m => m.State.MemberId).ToHashSet(StringComparer.Ordinal);
        var agrees = await BenchAudit.RunAsync(
            app.Services,
            d => d.StartsWith("reports: ", StringComparison.Ordinal) || (d.Split(':')[0] is var id && generated.Contains(id) && d == $"{id}: directory row without a member"),
            "each generated member's directory row has no member partition, and the generated report rows none behind them (written outside the member path)");
        if (!agrees)
        {
            checks.Add($"{size}: the audit found disagreements other than the generated rows'");
        }

        await app.StopAsync();
        return new SizeResult(size, listed, json, csv, segments, expected);
    }

    // The buyers' balances, read from their partitions (they went through the member path).
    private static async Task<long> BuyersBalanceAsync(StorageClients clients, int buyers)
    {
        long sum = 0;
        for (var b = 0; b < buyers; b++)
        {
            var row = await clients.Members.GetEntityIfExistsAsync<TableEntity>($"buyer-{b}", "state", ["Balance"]);
            sum += row.HasValue ? row.Value!.GetInt64("Balance") ?? 0 : 0;
        }

        return sum;
    }

    // Member i: joined 1 to 730 days ago with one purchase that day (a lot expiring in 30 to 329 days), the last one within the year.
    private static Generated Generate(int i, DateTimeOffset now, DateOnly today)
    {
        var id = "g" + i.ToString("D7", CultureInfo.InvariantCulture);
        var joined = now.AddDays(-1 - (i % 730));
        var points = 100 + (i % 900);
        var spend = 10m + (i % 500);
        var profile = new MemberProfile(Email: id + "@bench.example", FirstName: "Member", LastName: id);
        var state = MemberState.New(id, profile, joined) with
        {
            Lots = [new Lot(today.AddDays(30 + (i % 300)), points)],
            LastPurchaseAt = now.AddDays(-1 - (i % 365)) is var last && last > joined ? last : joined,
            PaidOrders = 1 + (i % 20),
            LifetimeSpend = spend,
            Version = 1,
        };
        return new Generated(state, joined, points, spend);
    }

    // The directory row the member path writes for a state (MemberDirectory.RecordAsync), without lookup rows.
    private static TableEntity DirectoryRow(MemberState state)
    {
        var row = new TableEntity(MemberDirectory.Partition, "m|" + state.MemberId)
        {
            ["Version"] = state.Version,
            ["Balance"] = state.Balance,
            ["Data"] = JsonSerializer.Serialize(DirectoryEntry.From(state), EventEnvelope.Json),
        };
        if (state.LastPurchaseAt is { } last)
        {
            row["LastPurchaseAt"] = last;
        }

        return row;
    }

    // The delta row the member's first purchase writes (ReportStore.RecordAsync): day partition of its shard, RowKey the event id.
    private static TableEntity DeltaRow(Generated m, LoyaltyProgram program)
    {
        var day = program.LocalDate(m.Joined);
        var tier = TierMath.Find(program, m.State.TierId)?.Id;
        var figures = new ReportFigures
        {
            Earned = m.Points,
            Liability = m.Points,
            Spend = m.Spend,
            Orders = 1,
            Joined = 1,
            Tiers = tier is null ? new Dictionary<string, long>() : new Dictionary<string, long> { [tier] = 1 },
            Expiring = new Dictionary<string, long> { [ReportFigures.MonthKey(m.State.Lots[0].ExpiresOn)] = m.Points },
        };
        return new TableEntity($"day|{day:yyyyMMdd}|{ReportStore.ShardOf(m.State.MemberId).ToString(CultureInfo.InvariantCulture)}", $"api:{m.State.MemberId}:paid")
        {
            ["MemberId"] = m.State.MemberId,
            ["Data"] = JsonSerializer.Serialize(figures, EventEnvelope.Json),
        };
    }

    private static async Task WriteAsync(TableClient table, IReadOnlyList<TableEntity[]> batches, int concurrency)
    {
        long done = 0;
        var clock = Stopwatch.StartNew();
        using var ticker = new Timer(_ => Console.Error.WriteLine($"   {table.Name}: {Interlocked.Read(ref done):N0} of {batches.Count:N0} transactions after {clock.Elapsed.TotalSeconds:F0} s"), null, 15_000, 15_000);
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (batch, ct) =>
        {
            await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
            Interlocked.Increment(ref done);
        });
    }

    private static async Task<Measured> MeasureAsync(HttpClient http, PartitionRecorder recorder, HttpMethod method, string path)
    {
        recorder.Next();
        var clock = Stopwatch.StartNew();
        var body = await SendAsync(http, method, path);
        clock.Stop();
        var touched = recorder.Next();
        return new Measured(touched.TableRequests, touched.ByTable, clock.Elapsed.TotalMilliseconds, body);
    }

    private static async Task<string> SendAsync(HttpClient http, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK ? body : throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {body}");
    }

    private static long Ceiling(long n, int per) => (n + per - 1) / per;

    private static string Met(bool met) => met ? "met" : "NOT met";

    private static string PerTable(IReadOnlyDictionary<string, long> byTable) => string.Join(", ", byTable.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}"));

    private sealed record Generated(MemberState State, DateTimeOffset Joined, long Points, decimal Spend);

    private sealed record Measured(long Requests, IReadOnlyDictionary<string, long> ByTable, double Millis, string Body);

    private sealed record SizeResult(int Members, int Listed, Measured Json, Measured Csv, Measured Segments, long ExpectedSegments);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Loyalty.App.Http;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Local;
using Loyalty.Storage;
using Loyalty.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Bench;

/// <summary>
/// <c>console</c> mode: what the owner's console and its read models cost in table requests,
/// on the local host over Azurite. (1) Purchases once warm, split by table: the member table
/// (member path), the schedule table (timer indexes, outbox partition included) and the
/// directory (member row and lookup rows). (2) The member page's first screen for a member
/// with 500 orders and 2,000 ledger entries. (3) A members-list page and exact lookups at each
/// directory size. Requests are counted per table by <see cref="PartitionRecorder"/>.
/// </summary>
internal static class ConsoleBench
{
    public const string Usage = """
        dotnet run -c Release --project bench/Loyalty.Bench -- console [options]

          --purchases 1000       purchase events measured once warm
          --buyers 100           members they are spread over (each buys once before, not measured)
          --workers 4            processor workers (the local host's QueueConcurrency)
          --members 10000,100000 directory sizes, filled in this order into the same directory
          --fill-concurrency 32  directory rows written at once while filling (timed, not counted)

        Exits 1 when a check fails.
        """;

    private const string AdminKeyValue = "bench-admin-key-not-for-production";
    private const string Heavy = "heavy-1";
    private const int HeavyOrders = 500;
    private const int HeavyLedger = 2_000;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var purchases = Args.Int(args, "--purchases", 1_000);
        var buyers = Args.Int(args, "--buyers", 100);
        var workers = Args.Int(args, "--workers", 4);
        var sizes = Args.IntList(args, "--members", [10_000, 100_000]);
        var fillConcurrency = Args.Int(args, "--fill-concurrency", 32);
        var checks = new List<string>();

        // Before any client exists: every client built later sends through the recorder.
        var recorder = PartitionRecorder.Install();
        Console.WriteLine($"Console benchmark: {purchases:N0} purchases over {buyers} members; member page with {HeavyOrders} orders and {HeavyLedger:N0} ledger entries; directory at {string.Join(", ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} members; {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        await using var app = LocalApp.Create([], new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Loyalty:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Loyalty:Local:StartAzurite"] = "false",
            ["Loyalty:Local:SeedDemo"] = "false",
            ["Loyalty:Local:RunTimers"] = "false",
            ["Loyalty:Local:QueueConcurrency"] = workers.ToString(CultureInfo.InvariantCulture),
            ["Loyalty:Local:PrintHints"] = "false",
            ["Loyalty:Api:SigningSecret"] = Purchases.ApiSecret,
            ["Loyalty:AdminKey"] = AdminKeyValue,
            ["Loyalty:DirectoryKey"] = "bench-directory-key-not-for-production",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        var clients = app.Services.GetRequiredService<StorageClients>();
        var pump = app.Services.GetRequiredService<QueuePump>();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address + "/") };
        http.DefaultRequestHeaders.Add(AdminKey.Header, AdminKeyValue);
        recorder.Start(clients.TableService.Uri, clients.Members.Name);

        // 1. Purchases once warm.
        await PostPurchasesAsync(http, pump, 0, buyers, buyers);
        var rowsBefore = await ScheduleRowsAsync(clients);
        recorder.Next();
        var clock = Stopwatch.StartNew();
        await PostPurchasesAsync(http, pump, buyers, purchases, buyers);
        var warm = recorder.Next();
        var rowsAfter = await ScheduleRowsAsync(clients);
        Console.WriteLine();
        Console.WriteLine($"1. Table requests per purchase once warm: {purchases:N0} signed POST /api/events over {buyers} members who had bought once, through the queue and {workers} processor workers ({clock.Elapsed.TotalSeconds:F1} s)");
        var parts = new (string Part, string Table)[]
        {
            ("member path (state read + transaction)", clients.Members.Name),
            ("timer indexes (schedule rows, outbox)", clients.Schedule.Name),
            ("read models (directory row + lookups)", clients.Directory.Name),
            ("order claims (shop webhooks only)", clients.Orders.Name),
        };
        var others = warm.ByTable.Keys.Except(parts.Select(p => p.Table), StringComparer.OrdinalIgnoreCase).Select(t => ($"other: {t}", t));
        Console.WriteLine($"   {"part",-42}{"table",-12}{"requests",10}{"per purchase",14}");
        foreach (var (part, table) in parts.Concat(others))
        {
            var n = warm.ByTable.GetValueOrDefault(table);
            Console.WriteLine($"   {part,-42}{table,-12}{n,10:N0}{n / (double)purchases,14:F2}");
        }

        Console.WriteLine($"   the schedule table gained {rowsAfter.Timers - rowsBefore.Timers} timer rows and {rowsAfter.Outbox - rowsBefore.Outbox} outbox rows meanwhile (one upsert each)");
        var member = warm.ByTable.GetValueOrDefault(clients.Members.Name) / (double)purchases;
        var total = warm.TableRequests / (double)purchases;
        Console.WriteLine($"   {"total",-42}{"",-12}{warm.TableRequests,10:N0}{total,14:F2}");
        Console.WriteLine($"   member path {member:F2} per purchase (target ≤ 2: {Met(member <= 2)}); all together {total:F2} (target ≤ 4: {Met(total <= 4)})");

        // 2. The member page of a member with a long history, written through MemberCommands.
        clock.Restart();
        var commands = app.Services.GetRequiredService<MemberCommands>();
        var ledger = await BuildHeavyMemberAsync(commands, app.Services.GetRequiredService<MemberStore>());
        Console.WriteLine();
        Console.WriteLine($"2. Member page, first screen, of a member with {HeavyOrders} orders and {ledger:N0} ledger entries (written one event at a time through MemberCommands in {clock.Elapsed.TotalSeconds:F1} s)");
        recorder.Next();
        var page = await MemberPageAsync(http, recorder, checks);
        Console.WriteLine($"   GET /api/program, /api/members/{Heavy}?pageSize=100 and /activity together: {page.Requests} table requests ({PerTable(page.ByTable)}), {page.Millis:F0} ms");
        if (ledger != HeavyLedger)
        {
            checks.Add($"the heavy member has {ledger} ledger entries, not {HeavyLedger}");
        }

        // 3. The members list and exact lookups as the directory grows.
        Console.WriteLine();
        Console.WriteLine("3. Members list and exact lookups. The directory is filled straight through MemberDirectory.RecordAsync with generated members");
        Console.WriteLine("   (filling it through the full member path would take hours here); the members above are in it too.");
        var directory = app.Services.GetRequiredService<MemberDirectory>();
        var results = new List<SizeResult>();
        var filled = 0;
        foreach (var size in sizes)
        {
            clock.Restart();
            await FillAsync(directory, filled, size, fillConcurrency);
            Console.WriteLine($"   filled {filled:N0} → {size:N0} generated members in {clock.Elapsed.TotalSeconds:F0} s ({(size - filled) / clock.Elapsed.TotalSeconds:F0} members/s)");
            filled = size;
            var listed = size + buyers + 1;
            var probe = size / 2;
            recorder.Next();
            results.Add(new SizeResult(
                size,
                await MeasureAsync(http, recorder, "api/members?page=1&pageSize=50", listed, null, checks),
                await MeasureAsync(http, recorder, $"api/members?q={Uri.EscapeDataString(Email(probe))}", 1, Id(probe), checks),
                await MeasureAsync(http, recorder, $"api/members?q={Order(probe)}", 1, Id(probe), checks),
                await MemberPageAsync(http, recorder, checks)));
        }

        Console.WriteLine();
        Console.WriteLine($"   {"generated members",-20}{"list page (50)",24}{"lookup by e-mail",24}{"lookup by order no.",24}{"member page",24}");
        foreach (var r in results)
        {
            Console.WriteLine($"   {r.Members,-20:N0}{Cell(r.List),24}{Cell(r.Email),24}{Cell(r.Order),24}{Cell(r.Page),24}");
        }

        if (results.Count > 1)
        {
            var (first, last) = (results[0], results[^1]);
            Console.WriteLine();
            Console.WriteLine($"   {last.Members:N0} / {first.Members:N0} members ({last.Members / (double)first.Members:F0}x), requests: list {Ratio(last.List, first.List)}, e-mail lookup {Ratio(last.Email, first.Email)}, order lookup {Ratio(last.Order, first.Order)}, member page {Ratio(last.Page, first.Page)}");
            Console.WriteLine($"   wall time: list {last.List.Millis / first.List.Millis:F2}x, e-mail lookup {last.Email.Millis / first.Email.Millis:F2}x, order lookup {last.Order.Millis / first.Order.Millis:F2}x, member page {last.Page.Millis / first.Page.Millis:F2}x");
        }

        Console.WriteLine("   The member page and the exact lookups are point reads and single-range queries: they do not grow with the members.");
        Console.WriteLine("   The list reads every directory member row to filter and sort (1 request per 1,000 rows): it grows with the members.");
        recorder.Stop();

        // The operator's audit: the generated members are directory rows only.
        var generated = sizes.Count == 0 ? 0 : sizes.Max();
        if (!await BenchAudit.RunAsync(
            app.Services,
            d => d.Split(':')[0] is var id && id.Length == 8 && id[0] == 'd' && int.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < generated && d == $"{id}: directory row without a member",
            "each generated member is a directory row without a member partition (written outside the member path)"))
        {
            checks.Add("the audit found disagreements other than the generated directory rows'");
        }

        await app.StopAsync();

        Console.WriteLine();
        foreach (var failed in checks)
        {
            Console.WriteLine($"FAILED: {failed}");
        }

        Console.WriteLine(checks.Count == 0 ? "All checks passed." : $"{checks.Count} check(s) FAILED.");
        return checks.Count == 0 ? 0 : 1;
    }

    // Signed generic-API purchases, at most 100 waiting in the queue (Azurite's queue slows as
    // messages pile up), then waits until the processor has handled them all.
    private static async Task PostPurchasesAsync(HttpClient http, QueuePump pump, int from, int count, int buyers)
    {
        var handledAtStart = pump.Handled;
        await Purchases.PostAsync(http, pump, from, count, buyers, senders: 4, depth: 100);
        while (pump.Handled - handledAtStart < count)
        {
            await Task.Delay(5);
        }
    }

    // 500 purchases (the first enrols the member), then adjustments of 1 point until the ledger
    // holds 2,000 entries: each event is applied and committed on its own, as the processor does.
    private static async Task<int> BuildHeavyMemberAsync(MemberCommands commands, MemberStore store)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-364);
        var profile = new MemberProfile(Email: "heavy@bench.example", FirstName: "Hedda", LastName: "Heavy");
        for (var i = 0; i < HeavyOrders; i++)
        {
            var price = 20 + (i % 80);
            var lines = new[] { new OrderLine("1", "SKU-" + (i % 7), "category-" + (i % 4), 1, price, 0) };
            await commands.ApplyAsync(new PurchaseCompleted($"api:heavy:{i}:paid", Heavy, start.AddHours(i * 17), $"h{i}", "USD", lines, price + 5, i == 0 ? profile : null), CancellationToken.None);
        }

        var ledger = (await store.GetLedgerAsync(Heavy, CancellationToken.None)).Count;
        for (var j = ledger; j < HeavyLedger; j++)
        {
            await commands.ApplyAsync(new PointsAdjusted($"api:heavy:adjust:{j}", Heavy, DateTimeOffset.UtcNow, 1, "benchmark", "bench"), CancellationToken.None);
        }

        return (await store.GetLedgerAsync(Heavy, CancellationToken.None)).Count;
    }

    // What console.js memberPage() asks for: the program, then the member and its activity together.
    private static async Task<Measured> MemberPageAsync(HttpClient http, PartitionRecorder recorder, List<string> checks)
    {
        var clock = Stopwatch.StartNew();
        await GetAsync(http, "api/program");
        var pages = await Task.WhenAll(GetAsync(http, $"api/members/{Heavy}?pageSize=100"), GetAsync(http, $"api/members/{Heavy}/activity"));
        clock.Stop();
        var touched = recorder.Next();
        using var member = JsonDocument.Parse(pages[0]);
        using var activity = JsonDocument.Parse(pages[1]);
        var entries = member.RootElement.GetProperty("history").GetProperty("entries").GetArrayLength();
        var orders = activity.RootElement.GetProperty("orders").GetArrayLength();
        if (entries != 100 || orders != HeavyOrders)
        {
            checks.Add($"member page showed {entries} history entries and {orders} orders, not 100 and {HeavyOrders}");
        }

        return new Measured(touched.TableRequests, touched.ByTable, clock.Elapsed.TotalMilliseconds);
    }

    // One members-list request, checked for its total (and the member it should find).
    private static async Task<Measured> MeasureAsync(HttpClient http, PartitionRecorder recorder, string path, int total, string? memberId, List<string> checks)
    {
        var clock = Stopwatch.StartNew();
        var body = await GetAsync(http, path);
        clock.Stop();
        var touched = recorder.Next();
        using var doc = JsonDocument.Parse(body);
        var found = doc.RootElement.GetProperty("total").GetInt32();
        var first = doc.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("memberId").GetString()).FirstOrDefault();
        if (found != total || (memberId is not null && first != memberId))
        {
            checks.Add($"{path.Split('?')[0]}: total {found} (expected {total}), first {first} (expected {memberId ?? "any"})");
        }

        return new Measured(touched.TableRequests, touched.ByTable, clock.Elapsed.TotalMilliseconds);
    }

    // Rows of the schedule table: the outbox partition, and the timer jobs' rows.
    private static async Task<(int Outbox, int Timers)> ScheduleRowsAsync(StorageClients clients)
    {
        var (outbox, timers) = (0, 0);
        await foreach (var row in clients.Schedule.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            if (row.PartitionKey == OutboxIndex.Partition)
            {
                outbox++;
            }
            else
            {
                timers++;
            }
        }

        return (outbox, timers);
    }

    private static async Task<string> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK ? body : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
    }

    private static async Task FillAsync(MemberDirectory directory, int from, int to, int concurrency)
    {
        var at = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(at.UtcDateTime);
        long done = 0;
        var clock = Stopwatch.StartNew();
        using var ticker = new Timer(_ => Console.Error.WriteLine($"   filling: {from + Interlocked.Read(ref done):N0} of {to:N0} after {clock.Elapsed.TotalSeconds:F0} s"), null, 15_000, 15_000);
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var profile = new MemberProfile(Email: Email(i), FirstName: FirstNames[i % FirstNames.Length], LastName: LastNames[i / FirstNames.Length % LastNames.Length], Phone: "+1555" + i.ToString("D7", CultureInfo.InvariantCulture));
            var state = MemberState.New(Id(i), profile, at.AddDays(-(i % 700))) with
            {
                Lots = [new Lot(today.AddDays(30 + (i % 300)), 100 + (i % 900))],
                LastPurchaseAt = at.AddDays(-(i % 365)),
                PaidOrders = 1 + (i % 20),
                LifetimeSpend = 10 + (i % 500),
                Version = 1,
            };
            await directory.RecordAsync(state, Order(i), ct);
            Interlocked.Increment(ref done);
        });
    }

    private static readonly string[] FirstNames = ["Ada", "Bo", "Chloé", "Dev", "Emeka", "Fatima", "Grace", "Hiro", "Ines", "Jun", "小明", "美玲"];

    private static readonly string[] LastNames = ["Ng", "Okafor", "Müller", "Silva", "Kowalski", "Haddad", "王", "李", "Smith", "García"];

    private static string Id(int i) => "d" + i.ToString("D7", CultureInfo.InvariantCulture);

    private static string Email(int i) => Id(i) + "@bench.example";

    private static string Order(int i) => (5_000_000 + i).ToString(CultureInfo.InvariantCulture);

    private static string Met(bool met) => met ? "met" : "NOT met";

    private static string Cell(Measured m) => $"{m.Requests} req, {m.Millis:F0} ms";

    private static string Ratio(Measured a, Measured b) => $"{a.Requests}/{b.Requests} = {a.Requests / (double)b.Requests:F2}";

    private static string PerTable(IReadOnlyDictionary<string, long> byTable) => string.Join(", ", byTable.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}"));

    private sealed record Measured(long Requests, IReadOnlyDictionary<string, long> ByTable, double Millis);

    private sealed record SizeResult(int Members, Measured List, Measured Email, Measured Order, Measured Page);
}

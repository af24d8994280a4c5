using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A host of its own whose clock the test moves, with timers off.</summary>
public sealed class ReportsFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>
    {
        ["Loyalty__Local__TestClock"] = "true",
        ["Loyalty__Local__RunTimers"] = "false",
    };
}

/// <summary>
/// The reports through the local host on Azurite: two months of enrolments, purchases, a refund,
/// redemptions, adjustments, feedback and a tier move; the report's
/// figures against what summing every member's ledger, notes and state gives, read straight from
/// the members table; the same after the roll-up and after a second one; the CSV against the JSON;
/// a delta row lost after its commit written again by the redelivered event.
/// </summary>
public sealed class ReportsTests(ReportsFixture service) : IClassFixture<ReportsFixture>
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public async Task Report_figures_equal_the_sums_of_every_members_ledger_before_and_after_the_roll_up_and_the_csv_says_the_same()
    {
        // March 2027: five members join and buy; one redeems, one is refunded, one gets an adjustment, two give feedback.
        await At("2027-03-10T15:00:00Z");
        string[] members = ["rp-ann", "rp-bo", "rp-cy", "rp-di", "rp-ed"];
        foreach (var m in members)
        {
            await Send(Envelope($"{m}:enrol", "member.enrolled", m, "2027-03-10T14:00:00Z", new { profile = new { email = $"{m}@example.com" } }));
        }

        await Send(Purchase("rp-ann", "a1", 120m));
        await Send(Purchase("rp-ann", "a0", 10m));
        await Send(Purchase("rp-bo", "b1", 640m));
        await Send(Purchase("rp-cy", "c1", 75m));
        await Send(Purchase("rp-di", "d1", 210m));
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(HttpStatusCode.Created, await Redeem("rp-bo", "usd-5-off", "r1"));
        Assert.Equal(HttpStatusCode.Created, await Adjust("rp-cy", 40, "goodwill", "j1"));
        Assert.Equal(HttpStatusCode.Created, await Adjust("rp-ed", -20, "correction", "j2"));
        await Send(Envelope("rp-di:refund", "order.refunded", "rp-di", "2027-03-10T14:30:00Z", new { orderId = "d1", refundId = "rf1", lines = new[] { new { lineId = "1", quantity = 1, amount = 100m } } }));
        await Send(Envelope("rp-ann:fb1", "feedback.submitted", "rp-ann", "2027-03-10T14:40:00Z", new { satisfaction = 4, nps = 9 }));
        await Send(Envelope("rp-bo:fb1", "feedback.submitted", "rp-bo", "2027-03-10T14:41:00Z", new { satisfaction = 2, nps = 5 }));
        await service.WaitForQueueDrainedAsync();

        // April: more purchases, a second redemption, and rp-ann reaches Silver (500.00 of spend).
        await At("2027-04-06T15:00:00Z");
        await Send(Purchase("rp-ann", "a2", 400m));
        await Send(Purchase("rp-ed", "e1", 150m));
        await Send(Envelope("rp-cy:fb2", "feedback.submitted", "rp-cy", "2027-04-06T14:00:00Z", new { satisfaction = 5, nps = 10 }));
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(HttpStatusCode.Created, await Redeem("rp-ann", "free-shipping", "r2"));

        var live = await ReportAsync();
        await AssertEqualsLedgerAsync(live, new DateOnly(2027, 4, 6));

        // The roll-up sums the finished days into month rows; the report reads the same, and a second run changes nothing.
        var run = await RunJob("RollUpReports");
        Assert.Equal(["2027-03", "2027-04"], run["months"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("2027-04-05", run["through"]!.GetValue<string>());
        var rolled = await ReportAsync();
        Assert.Equal(live.ToJsonString(), rolled.ToJsonString());
        var again = await RunJob("RollUpReports");
        Assert.Equal("2027-04-05", again["through"]!.GetValue<string>());
        Assert.Empty(again["months"]!.AsArray());
        Assert.Equal(live.ToJsonString(), (await ReportAsync()).ToJsonString());

        // The CSV holds the same figures (UTF-8 with BOM).
        var csv = await CsvAsync();
        Assert.Contains($"liabilityPoints,{live["liabilityPoints"]}", csv, StringComparison.Ordinal);
        Assert.Contains($"members,{live["members"]}", csv, StringComparison.Ordinal);
        var monthsTable = csv.Split("\r\n\r\n")[1].Split("\r\n");
        Assert.StartsWith("month,earned,imported,redeemed", monthsTable[0], StringComparison.Ordinal);
        foreach (var month in live["months"]!.AsArray())
        {
            var line = monthsTable.Single(l => l.StartsWith(month!["month"]!.GetValue<string>() + ",", StringComparison.Ordinal));
            var cells = line.Split(',');
            Assert.Equal(month!["earned"]!.ToString(), cells[1]);
            Assert.Equal(month["redeemed"]!.ToString(), cells[3]);
            Assert.Equal(month["expired"]!.ToString(), cells[5]);
            Assert.Equal(month["adjusted"]!.ToString(), cells[6]);
        }

        // Active members: rp-ann's two March orders count her once; the April orders were placed in March but credited in April.
        Assert.Equal((4L, 2L), (Month(live, "2027-03")["activeMembers"]!.GetValue<long>(), Month(live, "2027-04")["activeMembers"]!.GetValue<long>()));
        foreach (var month in live["months"]!.AsArray())
        {
            Assert.Equal(month!["activeMembers"]!.ToString(), monthsTable.Single(l => l.StartsWith(month["month"]!.GetValue<string>() + ",", StringComparison.Ordinal)).Split(',')[18]);
        }

        // Segment sizes: none before the first segment run; then the run's sizes, which the members list filtered by segment gives too.
        Assert.Null(live["segments"]);
        var segmentRun = await RunJob("SegmentMembers");
        var report = await ReportAsync();
        var segments = report["segments"]!.AsObject();
        Assert.Equal("2027-04-06", segments["asOf"]!.GetValue<string>());
        Assert.Equal(segmentRun["sizes"]!["members"]!.GetValue<long>(), segments["members"]!.GetValue<long>());
        Assert.Equal((await ListAsync(string.Empty))["total"]!.GetValue<long>(), segments["members"]!.GetValue<long>());
        var sections = (await CsvAsync()).Split("\r\n\r\n");
        var csvSegments = sections[^1].Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("segment,members", csvSegments[0]);
        Assert.Contains("segmentsAsOf,2027-04-06", sections[0], StringComparison.Ordinal);
        foreach (var (field, query, key) in new[]
        {
            ("high", "value=high", "high"), ("medium", "value=medium", "medium"), ("low", "value=low", "low"),
            ("active", "behaviour=active", "active"), ("atRisk", "behaviour=at-risk", "at-risk"), ("lapsed", "behaviour=lapsed", "lapsed"),
        })
        {
            var size = segments[field]!.GetValue<long>();
            Assert.Equal(segmentRun["sizes"]![field]!.GetValue<long>(), size);
            Assert.Equal((await ListAsync(query))["total"]!.GetValue<long>(), size);
            Assert.Contains($"{key},{size}", csvSegments);
        }

        Assert.Equal(segments["members"]!.GetValue<long>(), segments["high"]!.GetValue<long>() + segments["medium"]!.GetValue<long>() + segments["low"]!.GetValue<long>());

        // The operator's audit agrees: members, directory and reports.
        var (code, output) = await AuditAsync();
        Assert.True(code == 0, output);
        Assert.Contains("Everything agrees.", output, StringComparison.Ordinal);
    }

    private static JsonObject Month(JsonObject report, string month) =>
        report["months"]!.AsArray().Single(m => m!["month"]!.GetValue<string>() == month)!.AsObject();

    private async Task<JsonObject> ListAsync(string query)
    {
        using var request = Admin(HttpMethod.Get, "api/members?pageSize=1&" + query, null);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task The_audit_exits_non_zero_and_names_a_report_row_and_a_directory_row_that_disagree_with_the_members()
    {
        await At("2027-05-03T15:00:00Z");
        await Send(Envelope("rp-audit:enrol", "member.enrolled", "rp-audit", "2027-05-03T14:00:00Z", new { profile = new { email = "audit@example.com" } }));
        await Send(Purchase("rp-audit", "x1", 60m));
        await service.WaitForQueueDrainedAsync();
        var clean = await AuditAsync();
        Assert.True(clean.Code == 0, clean.Output);

        // A delta row that claims 5 points more than the ledger, and a directory row with a wrong balance.
        var reports = new TableClient(service.Azurite.ConnectionString, "reports");
        var row = Assert.Single(await reports.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"api:rp-audit:x1"}")).ToListAsync());
        var data = JsonNode.Parse(row.GetString("Data")!)!.AsObject();
        data["earned"] = data["earned"]!.GetValue<long>() + 5;
        row["Data"] = data.ToJsonString();
        await reports.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        var directory = new TableClient(service.Azurite.ConnectionString, "directory");
        var entry = (await directory.GetEntityAsync<TableEntity>("members", "m|rp-audit")).Value;
        var entryData = JsonNode.Parse(entry.GetString("Data")!)!.AsObject();
        var balance = entryData["balance"]!.GetValue<long>();
        entryData["balance"] = balance + 1;
        entry["Data"] = entryData.ToJsonString();
        await directory.UpdateEntityAsync(entry, entry.ETag, TableUpdateMode.Replace);

        var (code, output) = await AuditAsync();
        Assert.Equal(1, code);
        Assert.Contains("DISAGREES reports: 2027-05 earned is ", output, StringComparison.Ordinal);
        Assert.Contains("DISAGREES rp-audit: directory row at version", output, StringComparison.Ordinal);
        Assert.DoesNotContain("audit@example.com", output, StringComparison.Ordinal);

        // Put back, so the class's other audits see agreeing tables.
        data["earned"] = data["earned"]!.GetValue<long>() - 5;
        row["Data"] = data.ToJsonString();
        await reports.UpsertEntityAsync(row, TableUpdateMode.Replace);
        entryData["balance"] = balance;
        entry["Data"] = entryData.ToJsonString();
        await directory.UpsertEntityAsync(entry, TableUpdateMode.Replace);
        var mended = await AuditAsync();
        Assert.True(mended.Code == 0, mended.Output);
    }

    // The audit command (dotnet run --project functions/Loyalty.Local -- audit) against this class's Azurite.
    private async Task<(int Code, string Output)> AuditAsync()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var code = await Loyalty.Local.AuditCommand.RunAsync([$"--Loyalty:Storage:ConnectionString={service.Azurite.ConnectionString}", "--Loyalty:Local:StartAzurite=false"], output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task A_delta_row_lost_after_its_commit_is_written_again_when_the_event_is_delivered_again_and_left_alone_once_there()
    {
        // After the other tests' days, so that none of them rolls this day up in between (the clock only moves forward in production).
        await At("2027-05-02T15:00:00Z");
        await Send(Envelope("rp-mend:enrol", "member.enrolled", "rp-mend", "2027-05-02T14:00:00Z", new { profile = new { email = "mend@example.com" } }));
        var purchase = Purchase("rp-mend", "m1", 80m);
        await Send(purchase);
        await service.WaitForQueueDrainedAsync();

        var reports = new TableClient(service.Azurite.ConnectionString, "reports");
        var filter = TableClient.CreateQueryFilter($"RowKey eq {"api:rp-mend:m1"}");
        var row = Assert.Single(await reports.QueryAsync<TableEntity>(filter).ToListAsync());
        Assert.StartsWith("day|20270502|", row.PartitionKey, StringComparison.Ordinal);
        var data = row.GetString("Data");

        // As if the host died between the member's commit and the delta write.
        await reports.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        await Send(purchase);
        await service.WaitForQueueDrainedAsync();
        var mended = Assert.Single(await reports.QueryAsync<TableEntity>(filter).ToListAsync());
        Assert.Equal((row.PartitionKey, data), (mended.PartitionKey, mended.GetString("Data")));
        Assert.Equal(80, JsonNode.Parse(data!)!["earned"]!.GetValue<long>());

        // Delivered once more with the row in place: the row is left as it is, not even rewritten.
        await Send(purchase);
        await service.WaitForQueueDrainedAsync();
        Assert.Equal(mended.ETag, Assert.Single(await reports.QueryAsync<TableEntity>(filter).ToListAsync()).ETag);
    }

    // Every figure the report shows, recomputed from the member partitions themselves.
    private async Task AssertEqualsLedgerAsync(JsonObject report, DateOnly today)
    {
        var ledger = new List<(string Kind, long Points, long Pending, string Month)>();
        var notes = new List<(int? Satisfaction, int? Nps, string Month)>();
        var credited = new HashSet<(string Member, string Month)>();
        var states = new List<JsonNode>();
        await foreach (var row in service.Members.QueryAsync<TableEntity>())
        {
            if (row.RowKey.StartsWith("tx|", StringComparison.Ordinal))
            {
                ledger.Add((row.GetString("Kind")!, row.GetInt64("Points")!.Value, row.GetInt64("PendingChange") ?? 0, Month(row.GetDateTimeOffset("At")!.Value)));
            }
            else if (row.RowKey.StartsWith("note|", StringComparison.Ordinal) && row.GetString("Kind") == "feedback")
            {
                var note = JsonNode.Parse(row.GetString("Data")!)!;
                notes.Add((note["satisfaction"]?.GetValue<int>(), note["nps"]?.GetValue<int>(), Month(row.GetDateTimeOffset("At")!.Value)));
            }
            else if (row.RowKey.StartsWith("order|", StringComparison.Ordinal))
            {
                credited.Add((row.PartitionKey, Month(JsonNode.Parse(row.GetString("Data")!)!["creditedAt"]!.GetValue<DateTimeOffset>())));
            }
            else if (row.RowKey == "state")
            {
                states.Add(JsonNode.Parse(row.GetString("Data")!)!);
            }
        }

        long Sum(string month, params string[] kinds) => ledger.Where(e => e.Month == month && kinds.Contains(e.Kind)).Sum(e => e.Points + e.Pending);
        Assert.Equal(ledger.Sum(e => e.Points), report["liabilityPoints"]!.GetValue<long>());
        Assert.Equal(ledger.Sum(e => e.Points) * 0.01m, report["liabilityMoney"]!.GetValue<decimal>());
        Assert.Equal(states.Count, report["members"]!.GetValue<long>());
        Assert.Equal(states.Count(s => s["lifetimeRedeemed"]?.GetValue<long>() > 0), report["redeemers"]!.GetValue<long>());
        Assert.True(ledger.Any(e => e.Kind == "redeemed") && ledger.Any(e => e.Kind == "refunded") && ledger.Any(e => e.Kind == "adjusted"));

        foreach (var month in report["months"]!.AsArray())
        {
            var key = month!["month"]!.GetValue<string>();
            Assert.Equal(Sum(key, "earned", "signup_bonus", "birthday_bonus", "referral_bonus"), month["earned"]!.GetValue<long>());
            Assert.Equal(-Sum(key, "redeemed"), month["redeemed"]!.GetValue<long>());
            Assert.Equal(-Sum(key, "expired"), month["expired"]!.GetValue<long>());
            Assert.Equal(Sum(key, "adjusted"), month["adjusted"]!.GetValue<long>());
            Assert.Equal(-Sum(key, "refunded", "cancelled"), month["takenBack"]!.GetValue<long>());
            var scored = notes.Where(n => n.Month == key && n.Satisfaction is not null).ToList();
            Assert.Equal(scored.Count, month["feedback"]!.GetValue<long>());
            Assert.Equal(scored.Count == 0 ? null : Math.Round((decimal)scored.Average(n => n.Satisfaction!.Value), 2), month["averageSatisfaction"]?.GetValue<decimal>());
            var nps = notes.Where(n => n.Month == key && n.Nps is not null).ToList();
            Assert.Equal(credited.Count(c => c.Month == key), month["activeMembers"]!.GetValue<long>());
            Assert.Equal(nps.Count == 0 ? null : Math.Round(100m * (nps.Count(n => n.Nps >= 9) - nps.Count(n => n.Nps <= 6)) / nps.Count, 1), month["nps"]?.GetValue<decimal>());
        }

        Assert.Equal(5, report["months"]!.AsArray().Single(m => m!["month"]!.GetValue<string>() == "2027-03")!["joined"]!.GetValue<long>());

        // Tiers from the members' states; expiry from their open lots.
        foreach (var tier in report["tiers"]!.AsArray())
        {
            var id = tier!["id"]!.GetValue<string>();
            Assert.Equal(states.Count(s => (s["tierId"]?.GetValue<string>() ?? "member") == id), tier["members"]!.GetValue<long>());
        }

        var lots = states.SelectMany(s => s["lots"]!.AsArray()).Select(l => (Month: l!["expiresOn"]!.GetValue<string>()[..7], Points: l["points"]!.GetValue<long>())).ToList();
        var current = today.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        foreach (var e in report["expiring"]!.AsArray())
        {
            var key = e!["month"]!.GetValue<string>();
            Assert.Equal(lots.Where(l => key == current ? string.CompareOrdinal(l.Month, key) <= 0 : l.Month == key).Sum(l => l.Points), e["points"]!.GetValue<long>());
        }

        Assert.Equal(lots.Sum(l => l.Points), report["expiring"]!.AsArray().Sum(e => e!["points"]!.GetValue<long>()));
        Assert.Equal("silver", states.Single(s => s["memberId"]!.GetValue<string>() == "rp-ann")["tierId"]!.GetValue<string>());
    }

    private static string Month(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private async Task<JsonObject> ReportAsync()
    {
        using var request = Admin(HttpMethod.Get, "api/admin/reports", null);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<string> CsvAsync()
    {
        using var request = Admin(HttpMethod.Get, "api/admin/reports?format=csv", null);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        return Encoding.UTF8.GetString(bytes[3..]);
    }

    private async Task<JsonObject> RunJob(string job)
    {
        using var request = Admin(HttpMethod.Post, $"api/admin/jobs/{job}/runs", null);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<HttpStatusCode> Redeem(string memberId, string rewardId, string requestId)
    {
        using var response = await service.Client.PostAsJsonAsync($"api/members/{memberId}/redemptions?code={LocalHost.StorefrontKey}", new { rewardId, requestId });
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> Adjust(string memberId, long points, string reason, string requestId)
    {
        using var request = Admin(HttpMethod.Post, $"api/admin/members/{memberId}/adjustments", new { points, reason, requestId });
        using var response = await service.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return request;
    }

    private async Task At(string instant)
    {
        using var request = Admin(HttpMethod.Post, "_local/clock", new { now = instant });
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task Send(string body)
    {
        using var response = await service.PostEventAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static string Envelope(string id, string type, string memberId, string occurredAt, object payload) =>
        JsonSerializer.Serialize(new { eventId = id, type, memberId, occurredAt, payload });

    private static string Purchase(string memberId, string orderId, decimal amount) => Envelope($"{memberId}:{orderId}", "purchase.completed", memberId, "2027-03-10T14:10:00Z", new
    {
        orderId,
        currency = "USD",
        orderTotal = amount + 5m,
        lines = new[] { new { lineId = "1", sku = "TEA", category = "Tea", quantity = 1, unitPrice = amount, discount = 0m } },
    });
}

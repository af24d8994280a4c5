using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.Browser.Tests;

/// <summary>
/// The reports page in headless Chromium against the local host with the demo members: the
/// figures shown equal the API's and the downloaded CSV's, the three charts are drawn, and at
/// 375 px in Chinese nothing scrolls sideways. Screenshots land in artifacts/browser.
/// </summary>
public sealed class ReportsPageTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private static string Num(JsonNode? node) => node is null ? string.Empty : Convert.ToString(node.GetValue<decimal>(), CultureInfo.InvariantCulture)!;

    private async Task<JsonObject> ReportAsync()
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/reports");
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonObject> RunSegmentsAsync()
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/admin/jobs/SegmentMembers/runs");
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task The_reports_page_shows_the_apis_figures_draws_its_charts_and_downloads_the_same_figures_as_csv()
    {
        var segmentRun = await RunSegmentsAsync();
        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        await s.Page.ClickAsync("header a[href='/console/reports']");
        await s.Page.WaitForURLAsync("**/console/reports");
        await s.ReadyAsync();
        var report = await ReportAsync();
        Assert.True(report["liabilityPoints"]!.GetValue<long>() > 0, "the demo members hold points");

        foreach (var figure in new[] { "liabilityPoints", "pendingPoints", "members", "redeemers", "earnedLast12Months", "redeemedLast12Months" })
        {
            Assert.Equal(Num(report[figure]), (await s.Page.TextContentAsync($"dd[data-figure={figure}]"))!.Trim());
        }

        Assert.Equal($"{report["liabilityMoney"]!.GetValue<decimal>():0.00} USD", (await s.Page.TextContentAsync("dd[data-figure=liabilityMoney]"))!.Trim());

        var months = report["months"]!.AsArray();
        Assert.Equal(12, await s.Page.Locator("#months tbody tr").CountAsync());
        foreach (var month in months)
        {
            var cells = await s.Page.Locator($"#months tbody tr[data-month='{month!["month"]}'] td").AllTextContentsAsync();
            Assert.Equal([Num(month["earned"]), Num(month["imported"]), Num(month["redeemed"]), Num(month["expired"]), Num(month["adjusted"]), Num(month["takenBack"])], cells.Skip(1).Take(6));
            Assert.Equal(Num(month["joined"]), cells[8]);
            Assert.Equal(Num(month["activeMembers"]), cells[9]);
        }

        // The demo members bought this past year, so some month has active members.
        Assert.Contains(months, m => m!["activeMembers"]!.GetValue<long>() > 0);

        // Segment sizes as of the run just made.
        var segments = report["segments"]!;
        Assert.Equal(segmentRun["today"]!.GetValue<string>(), segments["asOf"]!.GetValue<string>());
        Assert.Contains(segments["asOf"]!.GetValue<string>(), (await s.Page.TextContentAsync("#segments-as-of"))!, StringComparison.Ordinal);
        var sizes = new Dictionary<string, string> { ["high"] = "high", ["medium"] = "medium", ["low"] = "low", ["active"] = "active", ["at-risk"] = "atRisk", ["lapsed"] = "lapsed" };
        foreach (var (key, field) in sizes)
        {
            Assert.Equal(segmentRun["sizes"]![field]!.GetValue<long>(), segments[field]!.GetValue<long>());
            Assert.Equal(Num(segments[field]), (await s.Page.Locator($"#segments tbody tr[data-segment='{key}'] td").AllTextContentsAsync())[1]);
        }

        foreach (var e in report["expiring"]!.AsArray())
        {
            Assert.Equal(Num(e!["points"]), (await s.Page.Locator($"#expiring tbody tr[data-month='{e["month"]}'] td").AllTextContentsAsync())[1]);
        }

        foreach (var tier in report["tiers"]!.AsArray())
        {
            Assert.Equal(Num(tier!["members"]), (await s.Page.Locator($"#tiers tbody tr[data-tier='{tier["id"]}'] td").AllTextContentsAsync())[1]);
        }

        foreach (var chart in new[] { "months-chart", "expiring-chart", "tiers-chart" })
        {
            Assert.True(await s.Page.EvaluateAsync<bool>(
                $"() => {{ const c = document.getElementById('{chart}'); return !!Chart.getChart(c) && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0); }}"), chart);
        }

        await s.ShotAsync("reports-desktop");

        // The CSV the page downloads: the same summary and the same months.
        var download = await s.Page.RunAndWaitForDownloadAsync(() => s.Page.ClickAsync("#export"));
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var sections = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n\r\n");
        var summary = sections[0].Split("\r\n").Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0], c => c[1]);
        Assert.Equal(Num(report["liabilityPoints"]), summary["liabilityPoints"]);
        Assert.Equal(Num(report["members"]), summary["members"]);
        foreach (var line in sections[1].Split("\r\n").Skip(1))
        {
            var cells = line.Split(',');
            var shown = await s.Page.Locator($"#months tbody tr[data-month='{cells[0]}'] td").AllTextContentsAsync();
            // The CSV has the reinstated points between redeemed and expired; the page does not.
            Assert.Equal([cells[1], cells[2], cells[3], cells[5], cells[6], cells[7]], shown.Skip(1).Take(6));
            Assert.Equal(cells[18], shown[9]);
        }

        var segmentLines = sections[^1].Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("segment,members", segmentLines[0]);
        foreach (var key in sizes.Keys)
        {
            Assert.Contains($"{key},{(await s.Page.Locator($"#segments tbody tr[data-segment='{key}'] td").AllTextContentsAsync())[1]}", segmentLines);
        }

        Assert.All(s.Requests, url => Assert.StartsWith(s.Origin + "/", url, StringComparison.Ordinal));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task At_375_px_in_chinese_the_reports_page_reads_as_cards_without_sideways_scrolling()
    {
        await using var s = await browser.OpenAsync(375, 800, "zh-CN");
        await s.SignInAsync();
        await s.Page.GotoAsync("/console/reports");
        await s.ReadyAsync();
        Assert.Equal("报表", (await s.Page.TextContentAsync("h1"))!.Trim());
        Assert.Equal("未兑换积分", (await s.Page.TextContentAsync("#summary dt:nth-of-type(2)"))!.Trim());
        Assert.Equal("获得", await s.Page.GetAttributeAsync("#months tbody tr td:nth-child(2)", "data-label"));
        Assert.False(await s.ScrollsSidewaysAsync());
        await s.ShotAsync("reports-375-zh");
        s.AssertNoErrors();
    }
}

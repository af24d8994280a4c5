using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.Browser.Tests;

/// <summary>
/// The owner's console in a real browser (headless Chromium from Debian) against the local host
/// with the demo members: sign-in, search, the member page with its charts, the forms, a phone's
/// width, Chinese, the keyboard. Screenshots land in artifacts/browser.
/// </summary>
public sealed class ConsolePagesTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private Task<JsonObject> MemberAsync(string memberId) => ApiAsync($"api/members/{memberId}");

    private async Task<JsonObject> ApiAsync(string path)
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task SearchAsync(Session s, string query, int rows = 1)
    {
        await s.Page.FillAsync("#q", query);
        await s.Page.PressAsync("#q", "Enter");
        await s.Page.WaitForFunctionAsync($"() => document.querySelector('#status').textContent.startsWith('{rows} ') && document.querySelectorAll('#list tbody tr').length === {rows}");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_the_right_one_opens_the_members_list_until_sign_out()
    {
        await using var s = await browser.OpenAsync();

        await s.Page.GotoAsync("/console/members/demo-ada");
        await s.Page.WaitForURLAsync("**/console/sign-in");
        await s.Page.FillAsync("#key", "not-the-admin-key-at-all");
        await s.Page.ClickAsync("#sign-in button[type=submit]");
        await s.Page.WaitForSelectorAsync("#failed:not([hidden])");
        Assert.Equal(["401 POST " + s.Origin + "/console/sign-in"], s.Errors);
        Assert.Empty(await s.Page.Context.CookiesAsync());
        s.Errors.Clear();

        await s.SignInAsync();
        var cookie = Assert.Single(await s.Page.Context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        // The demo's 50, and any member another test of this class enrolled first.
        var total = (await ApiAsync("api/members"))["total"]!.GetValue<int>();
        Assert.True(total >= 50, $"{total} members");
        Assert.Equal($"{total} members", await s.Page.TextContentAsync("#status"));

        await s.Page.ClickAsync("header form button[type=submit]");
        await s.Page.WaitForURLAsync("**/console/sign-in");
        await s.Page.GotoAsync("/console/members");
        await s.Page.WaitForURLAsync("**/console/sign-in");
        s.AssertNoErrors();
    }

    [Fact]
    public async Task A_member_found_by_a_chinese_name_prefix_opens_on_one_page_with_every_block_and_both_charts_drawn()
    {
        await using var s = await browser.OpenAsync();
        await s.SignInAsync();

        // By e-mail (any case) and by order number, then by a Chinese name prefix.
        await SearchAsync(s, "XiaoMing.Wang@example.cn");
        Assert.Equal("demo-04", await s.Page.GetAttributeAsync("#list tbody tr", "data-member"));
        await SearchAsync(s, "D-0402");
        Assert.Equal("demo-04", await s.Page.GetAttributeAsync("#list tbody tr", "data-member"));
        await SearchAsync(s, "王小");
        Assert.Equal("demo-04", await s.Page.GetAttributeAsync("#list tbody tr", "data-member"));
        Assert.Equal("王小明", (await s.Page.TextContentAsync("#list tbody tr a"))!.Trim());
        Assert.Contains("q=%E7%8E%8B%E5%B0%8F", s.Page.Url, StringComparison.Ordinal);
        await s.ShotAsync("members-search-desktop");

        await s.Page.ClickAsync("#list tbody tr a");
        await s.Page.WaitForURLAsync("**/console/members/demo-04");
        await s.ReadyAsync();
        var member = await MemberAsync("demo-04");

        // 1. Basics.
        Assert.Equal("王小明", (await s.Page.TextContentAsync("#name"))!.Trim());
        Assert.Equal("xiaoming.wang@example.cn", await s.ValueAsync("email"));
        Assert.Equal("demo-04", await s.ValueAsync("memberId"));

        // 2. Tier and benefits.
        Assert.Equal(member["tier"]!["name"]!.GetValue<string>(), (await s.Page.TextContentAsync("#tier-badge"))!.Trim());
        Assert.Equal(member["benefits"]!.AsArray().Count, await s.Page.Locator("#benefits tbody tr").CountAsync());
        foreach (var benefit in member["benefits"]!.AsArray())
        {
            var remaining = benefit!["remaining"] is { } r ? r.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture) : "unlimited";
            Assert.Equal(remaining, (await s.Page.TextContentAsync($"#benefits tr[data-benefit='{benefit["benefitId"]}'] td.remaining"))!.Trim());
        }

        // 3. Purchases: every order under "all", and both charts drawn by Chart.js with 12 months.
        await s.Page.SelectOptionAsync("#period", "all");
        Assert.True(await s.Page.Locator("#orders tbody tr").CountAsync() > 0);
        Assert.Equal(12, await s.Page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('trend')).data.labels.length"));
        Assert.True(await s.Page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('mix')).data.labels.length") > 0);
        Assert.True(await s.Page.EvaluateAsync<bool>(
            "() => { const c = document.getElementById('trend'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; return d.some(v => v !== 0); }"));

        // 4. Points: the figures the service holds, and one row per lot.
        Assert.Equal(member["balance"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), await s.ValueAsync("balance"));
        Assert.Equal(member["lots"]!.AsArray().Count, await s.Page.Locator("#lots tbody tr").CountAsync());
        var activity = await ApiAsync("api/members/demo-04/activity");
        var expiring30 = activity["expiring"]!.AsArray().Single(w => w!["days"]!.GetValue<int>() == 30)!["points"]!.GetValue<long>();
        Assert.Equal(expiring30.ToString(System.Globalization.CultureInfo.InvariantCulture), await s.ValueAsync("expiring30"));
        Assert.True(await s.Page.Locator("#history tbody tr").CountAsync() > 0);

        // 5. Feedback and messages have their tables.
        Assert.Equal(1, await s.Page.Locator("#feedback-table").CountAsync());
        await s.ShotAsync("member-desktop");

        // Nothing came from anywhere but the service, and nothing broke (a CSP refusal is an error).
        Assert.All(s.Requests, url => Assert.StartsWith(s.Origin + "/", url, StringComparison.Ordinal));
        Assert.Contains(s.Requests, url => url.EndsWith("/console/assets/chart.umd.min.js", StringComparison.Ordinal));
        s.AssertNoErrors();
    }

    [Fact]
    public async Task Points_adjusted_a_benefit_use_and_feedback_recorded_on_the_member_page_reach_the_member()
    {
        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        await s.Page.GotoAsync("/console/members/demo-grace");
        await s.ReadyAsync();
        var before = await MemberAsync("demo-grace");
        var balance = before["balance"]!.GetValue<long>();

        await s.Page.FillAsync("#adjust-points", "25");
        await s.Page.FillAsync("#adjust-reason", "Parcel arrived late");
        await s.Page.ClickAsync("#adjust button[type=submit]");
        await s.Page.WaitForFunctionAsync($"() => document.querySelector('dd[data-key=balance]').textContent === '{balance + 25}'");
        Assert.Equal(balance + 25, (await MemberAsync("demo-grace"))["balance"]!.GetValue<long>());
        Assert.Equal("Parcel arrived late", (await s.Page.TextContentAsync("#history tbody tr:first-child td:nth-child(4)"))!.Trim());

        var benefit = before["benefits"]!.AsArray().First(b => b!["remaining"] is not null && b["remaining"]!.GetValue<int>() > 0)!;
        var id = benefit["benefitId"]!.GetValue<string>();
        var used = benefit["used"]!.GetValue<int>();
        await s.Page.ClickAsync($"#benefits tr[data-benefit='{id}'] button");
        await s.Page.WaitForFunctionAsync($"() => document.querySelector(\"#benefits tr[data-benefit='{id}'] td:nth-child(2)\").textContent === '{used + 1}'");
        var after = (await MemberAsync("demo-grace"))["benefits"]!.AsArray().Single(b => b!["benefitId"]!.GetValue<string>() == id)!;
        Assert.Equal(used + 1, after["used"]!.GetValue<int>());
        Assert.Equal(["benefit_used", "adjusted"], await s.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#history tbody tr')].slice(0, 2).map(r => r.dataset.kind)"));

        await s.Page.SelectOptionAsync("#fb-satisfaction", "2");
        await s.Page.FillAsync("#fb-nps", "4");
        await s.Page.FillAsync("#fb-text", "<b>Box was crushed</b>");
        await s.Page.ClickAsync("#feedback-form button[type=submit]");
        await s.Page.WaitForFunctionAsync("() => document.querySelector('dd[data-key=nps]').textContent === '4'");
        // Member text is shown as text, never as markup.
        Assert.Equal(0, await s.Page.Locator("#feedback-table b").CountAsync());
        Assert.Equal(1, await s.Page.Locator("#feedback-table td", new PageLocatorOptions { HasTextString = "<b>Box was crushed</b>" }).CountAsync());
        s.AssertNoErrors();
    }

    [Fact]
    public async Task The_member_page_shows_the_segment_of_the_last_segment_run_and_not_scored_yet_for_a_member_who_joined_after_it()
    {
        using (var run = await AdminPostAsync("api/admin/jobs/SegmentMembers/runs"))
        {
            run.EnsureSuccessStatusCode();
        }

        await EnrolAsync("seg-late", "seg-late@example.com");

        // The directory's segment (the members list answers with it) is what the page shows.
        var listed = (await ApiAsync("api/members?q=demo-04"))["members"]!.AsArray().Single()!["segment"]!;
        var activity = await ApiAsync("api/members/demo-04/activity");
        Assert.Equal(listed.ToJsonString(), activity["segment"]!.ToJsonString());
        var program = await ApiAsync("api/program");

        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        await s.Page.GotoAsync("/console/members/demo-04");
        await s.ReadyAsync();
        var names = new Dictionary<string, string> { ["high"] = "High", ["medium"] = "Medium", ["low"] = "Low", ["active"] = "Active", ["at-risk"] = "At risk", ["lapsed"] = "Lapsed" };
        Assert.Equal(names[listed["value"]!.GetValue<string>()], await s.ValueAsync("segmentValue"));
        Assert.Equal(names[listed["behaviour"]!.GetValue<string>()], await s.ValueAsync("segmentBehaviour"));
        Assert.Equal($"{listed["recency"]}{listed["frequency"]}{listed["monetary"]}", await s.ValueAsync("rfm"));
        Assert.Equal(
            listed["lifetimeValue"]!.GetValue<decimal>().ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " " + program["currency"]!.GetValue<string>(),
            await s.ValueAsync("lifetimeValue"));
        Assert.Equal(0, await s.Page.Locator("dd[data-key=segment]").CountAsync());

        // A member who joined after the run has no segment yet, and the page says so.
        Assert.Null((await ApiAsync("api/members/seg-late/activity"))["segment"]);
        await s.Page.GotoAsync("/console/members/seg-late");
        await s.ReadyAsync();
        Assert.Equal("Not scored yet", await s.ValueAsync("segment"));
        Assert.Equal(0, await s.Page.Locator("dd[data-key=rfm]").CountAsync());
        s.AssertNoErrors();
    }

    private async Task<HttpResponseMessage> AdminPostAsync(string path)
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return await client.SendAsync(request);
    }

    // Enrols a member through the signed generic API and waits until the members list finds it.
    private async Task EnrolAsync(string memberId, string email)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            eventId = memberId + "-enrolled",
            type = "member.enrolled",
            memberId,
            occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            payload = new { profile = new { firstName = "Late", lastName = "Joiner", email } },
        });
        using (var client = browser.Host.CreateClient())
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-Loyalty-Signature", Signing.Hex(bytes, LocalHost.ApiSecret));
            using var response = await client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        for (var i = 0; i < 150 && (await ApiAsync("api/members?q=" + memberId))["total"]!.GetValue<int>() == 0; i++)
        {
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_member_named_like_markup_is_shown_as_text_and_runs_no_script()
    {
        const string Name = "<img src=x onerror=alert(1)>";
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            eventId = "browser-xss-enrolled",
            type = "member.enrolled",
            memberId = "xss-1",
            occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            payload = new { profile = new { firstName = Name, lastName = "\"><script>alert(2)</script>", email = "xss@example.com" } },
        });
        using (var client = browser.Host.CreateClient())
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-Loyalty-Signature", Signing.Hex(bytes, LocalHost.ApiSecret));
            using var response = await client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        await using var s = await browser.OpenAsync();
        var dialogs = 0;
        s.Page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await s.SignInAsync();
        await s.Page.WaitForFunctionAsync("""
            async () => (await fetch('/api/members?q=xss%40example.com').then(r => r.json())).members.length === 1
            """, null, new PageWaitForFunctionOptions { PollingInterval = 200 });
        await SearchAsync(s, "xss@example.com");
        Assert.Equal(Name + " \"><script>alert(2)</script>", (await s.Page.TextContentAsync("#list tbody tr a"))!.Trim());

        await s.Page.ClickAsync("#list tbody tr a");
        await s.ReadyAsync();
        Assert.StartsWith(Name, (await s.Page.TextContentAsync("#name"))!, StringComparison.Ordinal);
        Assert.Equal(0, await s.Page.Locator("main img, main script").CountAsync());
        Assert.Equal(0, dialogs);
        s.AssertNoErrors();
    }

    [Fact]
    public async Task On_a_phone_375_px_wide_in_chinese_nothing_scrolls_sideways()
    {
        await using var s = await browser.OpenAsync(375, 812, "zh-CN");
        await s.SignInAsync();

        Assert.Equal("会员", (await s.Page.TextContentAsync("main h1"))!.Trim());
        Assert.Equal("zh-Hans", await s.Page.GetAttributeAsync("html", "lang"));
        Assert.False(await s.ScrollsSidewaysAsync(), "the members list scrolls sideways at 375 px");
        await s.ShotAsync("members-phone-zh");

        await s.Page.ClickAsync("#list tbody tr[data-member=demo-ada] a");
        await s.ReadyAsync();
        Assert.Equal("积分与奖励", (await s.Page.TextContentAsync("#h-points"))!.Trim());
        Assert.False(await s.ScrollsSidewaysAsync(), "the member page scrolls sideways at 375 px");
        await s.ShotAsync("member-phone-zh");
        s.AssertNoErrors();
    }

    [Fact]
    public async Task The_language_switch_changes_the_text_and_is_remembered()
    {
        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        Assert.Equal("Members", (await s.Page.TextContentAsync("main h1"))!.Trim());

        await s.Page.SelectOptionAsync("#lang-select", "zh");
        Assert.Equal("会员", (await s.Page.TextContentAsync("main h1"))!.Trim());
        Assert.Equal($"共 {(await ApiAsync("api/members"))["total"]} 位会员", await s.Page.TextContentAsync("#status"));

        await s.Page.ReloadAsync();
        await s.ReadyAsync();
        Assert.Equal("会员", (await s.Page.TextContentAsync("main h1"))!.Trim());
    }

    [Fact]
    public async Task Every_field_has_a_label_and_the_search_works_from_the_keyboard_alone()
    {
        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        const string Unlabelled = """
            () => [...document.querySelectorAll('input, select, textarea')]
              .filter(e => e.type !== 'hidden' && !e.getAttribute('aria-label') && !document.querySelector(`label[for="${e.id}"]`))
              .map(e => e.id || e.name || e.outerHTML)
            """;
        Assert.Empty(await s.Page.EvaluateAsync<string[]>(Unlabelled));

        // Tab from the top of the page until the search box has focus, type, and press Enter.
        await s.Page.FocusAsync("body");
        for (var i = 0; i < 10 && await s.Page.EvaluateAsync<string>("() => document.activeElement.id") != "q"; i++)
        {
            await s.Page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("q", await s.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        await s.Page.Keyboard.TypeAsync("zoe");
        await s.Page.Keyboard.PressAsync("Enter");
        await s.Page.WaitForFunctionAsync("() => document.querySelectorAll('#list tbody tr').length === 1");
        Assert.Equal("Zoë Martin", (await s.Page.TextContentAsync("#list tbody tr a"))!.Trim());

        await s.Page.ClickAsync("#list tbody tr a");
        await s.ReadyAsync();
        Assert.Empty(await s.Page.EvaluateAsync<string[]>(Unlabelled));
    }

    [Fact]
    public async Task Export_downloads_the_filtered_list_as_csv_that_excel_reads_as_utf8()
    {
        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        await s.Page.FillAsync("#q", "王");
        await s.Page.PressAsync("#q", "Enter");
        await s.Page.WaitForFunctionAsync("() => document.querySelectorAll('#list tbody tr').length === 1");

        var download = await s.Page.RunAndWaitForDownloadAsync(() => s.Page.ClickAsync("#export"));
        Assert.Equal("members.csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("demo-04,小明,王,", lines[1], StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.Browser.Tests;

/// <summary>
/// The console's import page in headless Chromium: a small CSV with Chinese headers chosen
/// through the file input, the dry run's report naming the planted bad row and writing nothing,
/// the confirmed import, and the members in the list with their opening balances.
/// </summary>
public sealed class ImportPageTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private async Task<JsonObject> ApiAsync(string path)
    {
        using var client = browser.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task A_csv_with_chinese_headers_is_checked_shows_its_bad_row_and_once_confirmed_its_members_are_listed()
    {
        // UTF-8 with BOM, as Excel saves "CSV UTF-8"; line 4 has points that are not a number.
        var file = Path.Combine(Directory.CreateTempSubdirectory("loyalty-import-").FullName, "会员.csv");
        await File.WriteAllTextAsync(file, string.Join("\r\n",
            "会员编号,姓名,手机,邮箱,积分",
            "imp-ui-1,李雷,+8613800000001,lilei@example.cn,120",
            "imp-ui-2,韩梅梅,+8613800000002,hanmeimei@example.cn,300",
            "imp-ui-3,张伟,+8613800000003,zhangwei@example.cn,很多",
            "imp-ui-4,刘洋,+8613800000004,liuyang@example.cn,0") + "\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var before = (await ApiAsync("api/members"))["total"]!.GetValue<int>();

        await using var s = await browser.OpenAsync();
        await s.SignInAsync();
        await s.Page.ClickAsync("header a[href='/console/import']");
        await s.Page.WaitForURLAsync("**/console/import");
        await s.ReadyAsync();
        await s.Page.SetInputFilesAsync("#file", file);
        await s.Page.ClickAsync("#check");
        await s.Page.WaitForSelectorAsync("#report:not([hidden])");

        // The dry run: the planted row by its file line, the others to import, and nothing written.
        Assert.Equal("Check: nothing has been written", (await s.Page.TextContentAsync("#report-title"))!.Trim());
        var bad = await s.Page.Locator("#bad tbody tr td").AllTextContentsAsync();
        Assert.Equal("4", bad[0]);
        Assert.Contains("points", bad[2], StringComparison.Ordinal);
        Assert.DoesNotContain("很多", bad[2], StringComparison.Ordinal);
        Assert.Equal(1, await s.Page.Locator("#bad tbody tr").CountAsync());
        Assert.Equal("Import 3 members", (await s.Page.TextContentAsync("#confirm"))!.Trim());
        Assert.Equal(before, (await ApiAsync("api/members"))["total"]!.GetValue<int>());

        await s.Page.ClickAsync("#confirm");
        await s.Page.WaitForFunctionAsync("() => document.querySelector('#report-title').textContent === 'Imported'");
        Assert.True(await s.Page.IsDisabledAsync("#confirm"));

        // The members list finds them, with the file's points as their balance; the bad row's member is not there.
        await s.Page.GotoAsync("/console/members");
        await s.ReadyAsync();
        foreach (var (id, name, points) in new[] { ("imp-ui-1", "李雷", 120L), ("imp-ui-2", "韩梅梅", 300L), ("imp-ui-4", "刘洋", 0L) })
        {
            await s.Page.FillAsync("#q", id);
            await s.Page.PressAsync("#q", "Enter");
            await s.Page.WaitForFunctionAsync($"() => document.querySelectorAll('#list tbody tr[data-member=\"{id}\"]').length === 1");
            Assert.Equal(name, (await s.Page.TextContentAsync($"#list tbody tr[data-member='{id}'] a"))!.Trim());
            Assert.Equal(points.ToString(CultureInfo.InvariantCulture), (await s.Page.TextContentAsync($"#list tbody tr[data-member='{id}'] td:nth-child(4)"))!.Trim());
            Assert.Equal(points, (await ApiAsync($"api/members/{id}"))["balance"]!.GetValue<long>());
        }

        Assert.Equal(0, (await ApiAsync("api/members?q=imp-ui-3"))["total"]!.GetValue<int>());
        Assert.Equal(before + 3, (await ApiAsync("api/members"))["total"]!.GetValue<int>());
        Assert.All(s.Requests, url => Assert.StartsWith(s.Origin + "/", url, StringComparison.Ordinal));
        s.AssertNoErrors();
    }
}

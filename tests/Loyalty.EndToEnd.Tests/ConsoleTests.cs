using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.App;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// The members list (read from the directory), feedback and service records, and the console's
/// sign-in, through the local host on Azurite. The browser tests are not written yet.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ConsoleTests(ServiceFixture service)
{
    private static string Enrol(string memberId, string first, string last, string email, string phone) => JsonSerializer.Serialize(new
    {
        eventId = $"t:{memberId}:enrolled",
        type = "member.enrolled",
        memberId,
        occurredAt = "2026-11-19T10:00:00Z",
        payload = new { profile = new { email, firstName = first, lastName = last, phone } },
    });

    private async Task<JsonObject> ListAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/members?" + query);
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static IEnumerable<string> Ids(JsonObject list) => list["members"]!.AsArray().Select(m => m!["memberId"]!.GetValue<string>());

    private HttpRequestMessage Admin(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        return request;
    }

    [Fact]
    public async Task Members_are_found_by_email_chinese_name_prefix_accentless_name_phone_and_order_number_and_exported_as_csv_with_a_bom()
    {
        (await service.PostEventAsync(Enrol("cn-wang", "小明", "王", "Xiao.Wang@Example.cn", "+86 138 0000 1234"))).Dispose();
        (await service.PostEventAsync(Enrol("fr-zoe", "Zoë", "Lefèvre", "zoe@example.fr", "+33 6 12 34 56 78"))).Dispose();
        (await service.PostEventAsync(Payloads.GenericPurchase("t:cn-wang:o1:paid", "cn-wang", "cn-order-7788", 40m, 1))).Dispose();
        await service.WaitForMemberAsync("cn-wang", m => ServiceFixture.Balance(m) >= 90);
        await service.WaitForMemberAsync("fr-zoe", m => m["profile"]?["firstName"] is not null);

        // The directory is written after the commit, so give it a moment when the queue just drained.
        JsonObject byEmail = null!;
        for (var i = 0; i < 50 && !Ids(byEmail ??= await ListAsync("q=xiao.wang%40example.cn")).Contains("cn-wang"); i++)
        {
            await Task.Delay(100);
            byEmail = await ListAsync("q=xiao.wang%40example.cn");
        }

        Assert.Equal(["cn-wang"], Ids(byEmail));
        Assert.Equal("email", byEmail["matchedBy"]!.GetValue<string>());
        Assert.Equal(["cn-wang"], Ids(await ListAsync("q=" + Uri.EscapeDataString("王小"))));
        Assert.Equal(["fr-zoe"], Ids(await ListAsync("q=zoe%20lefe")));
        Assert.Equal(["fr-zoe"], Ids(await ListAsync("q=" + Uri.EscapeDataString("+33 6 12 34 56 78"))));
        var byOrder = await ListAsync("q=cn-order-7788");
        Assert.Equal(["cn-wang"], Ids(byOrder));
        Assert.Equal("order", byOrder["matchedBy"]!.GetValue<string>());
        Assert.Empty(Ids(await ListAsync("q=nobody%40example.cn")));

        var member = (await service.GetMemberAsync("cn-wang"))!;
        var row = (await ListAsync("q=cn-wang"))["members"]![0]!;
        Assert.Equal(ServiceFixture.Balance(member), row["balance"]!.GetValue<long>());

        using var csv = await service.Client.SendAsync(Admin(HttpMethod.Get, "api/members?q=" + Uri.EscapeDataString("王") + "&format=csv", null));
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("memberId,firstName,lastName", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("cn-wang,小明,王,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Feedback_is_recorded_once_per_request_and_a_score_out_of_range_is_a_400_naming_the_field_that_writes_nothing()
    {
        (await service.PostEventAsync(Enrol("fb-member", "Ada", "Feedback", "fb@example.com", "+1 555 0100 1111"))).Dispose();
        await service.WaitForMemberAsync("fb-member", m => ServiceFixture.Balance(m) > 0);

        var before = await service.SnapshotAsync();
        using (var bad = await service.Client.SendAsync(Admin(HttpMethod.Post, "api/members/fb-member/feedback", new { requestId = "f1", satisfaction = 6 })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("satisfaction", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        }

        Assert.Empty((await service.SnapshotAsync()).ChangesSince(before));

        using (var first = await service.Client.SendAsync(Admin(HttpMethod.Post, "api/members/fb-member/feedback", new { requestId = "f1", satisfaction = 5, nps = 9, text = "<img src=x onerror=alert(1)>" })))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using (var again = await service.Client.SendAsync(Admin(HttpMethod.Post, "api/members/fb-member/feedback", new { requestId = "f1", satisfaction = 5, nps = 9, text = "<img src=x onerror=alert(1)>" })))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using (var record = await service.Client.SendAsync(Admin(HttpMethod.Post, "api/members/fb-member/service-records", new { requestId = "s1", kind = "complaint", summary = "Parcel late", status = "open" })))
        {
            Assert.Equal(HttpStatusCode.Created, record.StatusCode);
        }

        using var activity = await service.Client.SendAsync(Admin(HttpMethod.Get, "api/members/fb-member/activity", null));
        var body = (await activity.Content.ReadFromJsonAsync<JsonObject>())!;
        var feedback = Assert.Single(body["feedback"]!.AsArray());
        Assert.Equal("<img src=x onerror=alert(1)>", feedback!["text"]!.GetValue<string>());
        Assert.Equal(9, body["lastNps"]!.GetValue<int>());
        Assert.Equal("complaint", Assert.Single(body["serviceRecords"]!.AsArray())!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_session_every_console_page_sends_you_to_sign_in_and_every_data_route_answers_401()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = service.Client.BaseAddress };
        static string Fill(string template) => template
            .Replace("{memberId}", "demo-ada", StringComparison.Ordinal).Replace("{benefitId}", "free-delivery", StringComparison.Ordinal)
            .Replace("{job}", "ExpirePoints", StringComparison.Ordinal).Replace("{messageId}", "m-1", StringComparison.Ordinal)
            .Replace("{eventId}", "api:e-1", StringComparison.Ordinal).Replace("{requestId}", "r-1", StringComparison.Ordinal);

        var pages = HostContract.ConsoleRoutes.Where(r => r.Method == "GET" && r.Name is not ("ConsoleSignInPage" or "ConsoleAsset")).ToList();
        Assert.NotEmpty(pages);
        foreach (var route in pages)
        {
            using var answer = await client.GetAsync(Fill(route.Template));
            Assert.True(answer.StatusCode == HttpStatusCode.Redirect && answer.Headers.Location!.OriginalString == "/console/sign-in", $"{route.Name}: {answer.StatusCode}");
        }

        // Not data routes: the unsubscribe link carries its own signature (a forged one is 404),
        // and the program (tiers and rewards, what the shop's own pages show) is public.
        foreach (var route in HostContract.HttpRoutes.Where(r => !r.Template.StartsWith("messages/unsubscribe", StringComparison.Ordinal) && r.Name != "GetProgram"))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), HostContract.RoutePrefix + "/" + Fill(route.Template));
            if (route.Method is "POST" or "PUT")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            // The app-proxy routes are signed by Shopify, not keyed: a request without its signature is refused as forged.
            var expected = route.Template.StartsWith("shopify-proxy/", StringComparison.Ordinal) ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized;
            using var answer = await client.SendAsync(request);
            Assert.True(answer.StatusCode == expected, $"{route.Name} ({route.Method} {route.Template}): {answer.StatusCode}");
        }
    }

    [Fact]
    public async Task The_console_signs_in_with_the_admin_key_into_a_strict_http_only_cookie_and_refuses_without_it()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = service.Client.BaseAddress };
        var origin = service.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);

        using (var page = await client.GetAsync("console/members"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/console/sign-in", page.Headers.Location!.OriginalString);
        }

        using (var data = await client.GetAsync("api/members"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
        }

        var started = DateTimeOffset.UtcNow;
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "console/sign-in") { Content = new FormUrlEncodedContent([new("key", "not-the-admin-key-at-all")]) })
        {
            wrong.Headers.Add("Origin", origin);
            using var answer = await client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.False(answer.Headers.Contains("Set-Cookie"));
            Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(0.9), "a wrong key is answered slowly");
        }

        using var signIn = new HttpRequestMessage(HttpMethod.Post, "console/sign-in") { Content = new FormUrlEncodedContent([new("key", LocalHost.AdminKey)]) };
        signIn.Headers.Add("Origin", origin);
        using var signedIn = await client.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var setCookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = setCookie.Split(';')[0];

        using (var page = new HttpRequestMessage(HttpMethod.Get, "console/members"))
        {
            page.Headers.Add("Cookie", cookie);
            using var answer = await client.SendAsync(page);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("default-src 'none'", answer.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        using (var list = new HttpRequestMessage(HttpMethod.Get, "api/members"))
        {
            list.Headers.Add("Cookie", cookie);
            using var answer = await client.SendAsync(list);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // A cookie whose signature or expiry was altered, or one never minted, is no session.
        Assert.Contains("=v1.", cookie, StringComparison.Ordinal);
        var tampered = cookie[..^1] + (cookie[^1] == 'a' ? 'b' : 'a');
        foreach (var bad in new[] { tampered, cookie.Replace("=v1.", "=v1.9", StringComparison.Ordinal), "loyalty_console=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin|4102444800|forged")) })
        {
            using var page = new HttpRequestMessage(HttpMethod.Get, "console/members");
            page.Headers.Add("Cookie", bad);
            using var answer = await client.SendAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            using var list = new HttpRequestMessage(HttpMethod.Get, "api/members");
            list.Headers.Add("Cookie", bad);
            using var data = await client.SendAsync(list);
            Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
        }

        // A change with the cookie but from another origin is refused, and writes nothing.
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "api/admin/members/fb-anyone/adjustments") { Content = JsonContent.Create(new { points = 5, reason = "csrf" }) };
        foreign.Headers.Add("Cookie", cookie);
        foreign.Headers.Add("Origin", "https://evil.example");
        using var refused = await client.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var chart = await client.GetAsync("console/assets/chart.umd.min.js");
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Contains("Chart.js", await chart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

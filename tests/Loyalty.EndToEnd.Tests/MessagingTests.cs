using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// A host whose messages go to a real SMTP server (smtp-server from npm, started by the test)
/// and to a local webhook receiver that checks the signature; its clock is moved by the test and
/// it logs at Information, so the log test reads what a real run writes.
/// </summary>
public sealed class MessagingFixture : ServiceFixture
{
    public const string WebhookSecret = "test-message-webhook-secret-4d2a";
    public const string LinkSecret = "test-unsubscribe-link-secret-8e61";

    public SmtpSink Smtp => smtp ?? throw new InvalidOperationException("The SMTP server has not started.");

    private SmtpSink? smtp;

    public WebhookReceiver Webhook { get; } = new(WebhookSecret);

    public override async ValueTask InitializeAsync()
    {
        smtp = await SmtpSink.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (smtp is not null)
        {
            await smtp.DisposeAsync();
        }

        Webhook.Dispose();
    }

    protected override IReadOnlyDictionary<string, string> HostSettings => Settings(Smtp.Port, Webhook.Url);

    public static Dictionary<string, string> Settings(int smtpPort, Uri webhook) => new()
    {
        ["Loyalty__Local__TestClock"] = "true",
        ["Loyalty__Smtp__Host"] = "127.0.0.1",
        ["Loyalty__Smtp__Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Loyalty__Smtp__Security"] = "None",
        ["Loyalty__Smtp__From"] = "rewards@tea-shop.example",
        ["Loyalty__Smtp__FromName"] = "Tea Shop Rewards",
        ["Loyalty__MessageWebhook__Url"] = webhook.ToString(),
        ["Loyalty__MessageWebhook__Secret"] = WebhookSecret,
        ["Loyalty__Messaging__PublicBaseUrl"] = "http://loyalty.test",
        ["Loyalty__Messaging__LinkSecret"] = LinkSecret,
        ["Loyalty__Messaging__ShopName"] = "Tea Shop",
        ["Loyalty__Messaging__ShopAddress"] = "1 Leaf Lane, Portland, OR 97201",
        ["Loyalty__Messaging__SendLeaseSeconds"] = "2",
        ["Loyalty__Messaging__RetryDelaySeconds"] = "1",
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Loyalty.App.Processing"] = "Information",
    };
}

/// <summary>
/// Messages from the member's commit to the mailbox: the due index, the dispatcher run through
/// <c>POST /api/admin/jobs/DispatchMessages/runs</c>, e-mail over SMTP and the signed webhook.
/// The demo program (America/New_York, quiet hours 21:00 to 09:00).
/// </summary>
public sealed class MessagingTests(MessagingFixture service) : IClassFixture<MessagingFixture>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_member_gets_reminders_in_their_language_at_a_decent_hour_can_unsubscribe_and_still_gets_receipts_at_a_new_address()
    {
        const string M = "msg-lin";
        await At(service.Client, "2027-03-10T17:00:00Z");
        await Send(Envelope(M, "enrol", "member.enrolled", new { profile = new { email = "lin@example.com", firstName = "Lin", locale = "zh-CN", marketingConsent = true } }));
        await Send(Envelope(M, "o1", "purchase.completed", Order("o1", 120m)));

        // The welcome (a service message) goes at once, by e-mail and by the signed webhook, with one id.
        await Dispatch(service.Client);
        var welcome = Assert.Single(await MailTo("lin@example.com", 1));
        Assert.Equal("欢迎加入Tea Shop会员计划", welcome.Subject);
        Assert.Null(welcome.Headers["List-Unsubscribe"]);
        var hook = Assert.Single(service.Webhook.Received, w => w.Body.GetProperty("memberId").GetString() == M);
        Assert.True(hook.SignatureValid);
        Assert.Equal(welcome.MessageId, $"{hook.DeliveryId}@tea-shop.example");
        Assert.Equal("lin@example.com", hook.Body.GetProperty("email").GetString());

        // 170 points (50 on joining, 120 for the order) expire at the end of 9 March 2028. The
        // 30-day reminder falls due at 21:00 in New York: quiet hours, so it waits until 09:00.
        var member = (await Member(M))!;
        var lot = Assert.Single(member["lots"]!.AsArray());
        Assert.Equal(("2028-03-09", 170L), (lot!["expiresOn"]!.GetValue<string>(), lot["points"]!.GetValue<long>()));
        await At(service.Client, "2028-02-10T02:00:00Z");
        await RunJob("RemindExpiringPoints");
        await Dispatch(service.Client);
        Assert.Single(MailTo("lin@example.com"));
        var waiting = (await Messages(M)).Single(m => m["kind"]!.GetValue<string>() == "expiry-reminder");
        Assert.Equal(("waiting", "quiet hours", DateTimeOffset.Parse("2028-02-10T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), (waiting["status"]!.GetValue<string>(), waiting["reason"]!.GetValue<string>(), waiting["dueAt"]!.GetValue<DateTimeOffset>()));

        await At(service.Client, "2028-02-10T14:00:00Z");
        await Dispatch(service.Client);
        var reminder = (await MailTo("lin@example.com", 2))[1];
        Assert.Equal("您的170积分将于2028年3月9日到期", reminder.Subject);
        Assert.Equal("zh-Hans", reminder.Body?.Headers["Content-Language"]);
        Assert.Contains("170积分将于2028年3月9日结束时到期", reminder.TextBody, StringComparison.Ordinal);
        Assert.Contains("1 Leaf Lane, Portland, OR 97201", reminder.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", reminder.Headers["List-Unsubscribe-Post"]);
        var link = Regex.Match(reminder.Headers["List-Unsubscribe"] ?? string.Empty, "^<(http://loyalty.test/api/messages/unsubscribe\\?m=msg-lin&t=[0-9a-f]{32})>$");
        Assert.True(link.Success, reminder.Headers["List-Unsubscribe"]);
        Assert.Contains(link.Groups[1].Value, reminder.TextBody ?? string.Empty, StringComparison.Ordinal);

        // The preview renders the same message without sending anything.
        var preview = await Preview(M, waiting["messageId"]!.GetValue<string>());
        Assert.Equal((reminder.Subject, "sent"), (preview!["subject"]!.GetValue<string>(), preview["status"]!.GetValue<string>()));
        Assert.Equal(2, MailTo("lin@example.com").Count);

        // Following the link: the page changes nothing; its button (the one-click POST) does, once.
        var local = link.Groups[1].Value.Replace("http://loyalty.test/", string.Empty, StringComparison.Ordinal);
        using (var page = await service.Client.GetAsync(local))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("List-Unsubscribe", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True((await Member(M))!["profile"]!["marketingConsent"]!.GetValue<bool>());
        foreach (var _ in new[] { 1, 2 })
        {
            using var post = await service.Client.PostAsync(local, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        using (var forged = await service.Client.PostAsync(local[..^4] + "0000", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        }

        // The 7-day reminder is skipped; a redemption receipt (a service message) still arrives.
        await At(service.Client, "2028-03-03T17:00:00Z");
        await RunJob("RemindExpiringPoints");
        await Redeem(M, "free-shipping", "r1");
        await Dispatch(service.Client);
        var receipt = (await MailTo("lin@example.com", 3))[2];
        Assert.Equal("您的奖励：Free shipping", receipt.Subject);
        Assert.Null(receipt.Headers["List-Unsubscribe"]);
        Assert.Equal(3, MailTo("lin@example.com").Count);
        var messages = await Messages(M);
        var skipped = messages.Single(m => m["messageId"]!.GetValue<string>().EndsWith(":7", StringComparison.Ordinal));
        Assert.Equal(("skipped", "unsubscribed"), (skipped["status"]!.GetValue<string>(), skipped["reason"]!.GetValue<string>()));
        Assert.All(messages.Where(m => m != skipped), m => Assert.Equal("sent", m!["status"]!.GetValue<string>()));

        // The shop sends a new address with the next order: the next receipt goes there.
        await Send(Envelope(M, "o2", "purchase.completed", Order("o2", 40m, new { email = "lin.new@example.com" })));
        await Redeem(M, "free-shipping", "r2");
        await Dispatch(service.Client);
        var moved = Assert.Single(await MailTo("lin.new@example.com", 1));
        Assert.Equal("您的奖励：Free shipping", moved.Subject);
        Assert.Equal(3, MailTo("lin@example.com").Count);

        // Every webhook delivery was signed, and each e-mail has its delivery id as its Message-ID.
        var deliveries = service.Webhook.Received.Where(w => w.Body.GetProperty("memberId").GetString() == M).ToList();
        Assert.All(deliveries, d => Assert.True(d.SignatureValid));
        Assert.Equal(
            service.Smtp.Mail.Where(m => m.To[0].StartsWith("lin", StringComparison.Ordinal)).Select(m => m.Message.MessageId).Order(StringComparer.Ordinal),
            deliveries.Select(d => d.DeliveryId + "@tea-shop.example").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_message_s_link_to_the_member_s_page_opens_that_member_s_page_for_thirty_days_and_no_other()
    {
        const string M = "msg-page";
        var now = DateTimeOffset.Parse("2027-06-01T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await At(service.Client, now);
        await Send(Envelope(M, "enrol", "member.enrolled", new { profile = new { email = "page@example.com", firstName = "Pat", locale = "en-US" } }));
        await Dispatch(service.Client);
        var welcome = Assert.Single(await MailTo("page@example.com", 1));

        // The link is the member page's own signed link (Loyalty:MemberPage:LinkDays, 30 by default),
        // in both bodies; the older form (member=, signed with the messaging key) is gone.
        var found = Regex.Match(welcome.TextBody ?? string.Empty, "Your points: (http://loyalty\\.test/api/member-page/msg-page\\?expires=([0-9]+)&signature=[0-9a-f]{64})");
        Assert.True(found.Success, welcome.TextBody);
        var url = found.Groups[1].Value;
        // The test clock runs on from the time set, so the send (and the link's 30 days) is a moment after it.
        var expires = long.Parse(found.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, now.AddDays(30).ToUnixTimeSeconds(), now.AddDays(30).AddMinutes(5).ToUnixTimeSeconds());
        Assert.Contains(System.Net.WebUtility.HtmlEncode(url), welcome.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("member=", welcome.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("member=", welcome.HtmlBody, StringComparison.Ordinal);

        // Requested from the host, the link shows that member's page and summary.
        var local = url.Replace("http://loyalty.test/", string.Empty, StringComparison.Ordinal);
        using (var page = await service.Client.GetAsync(local))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("data-link=\"ok\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var query = local[local.IndexOf('?', StringComparison.Ordinal)..];
        using (var summary = await service.Client.GetAsync($"api/member-page/{M}/summary{query}"))
        {
            Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
            var body = (await summary.Content.ReadFromJsonAsync<JsonObject>(Web))!;
            Assert.Equal((M, 50L), (body["memberId"]!.GetValue<string>(), body["balance"]!.GetValue<long>()));
        }

        // The same link for another member's page, or after its 30 days, opens nothing.
        using (var other = await service.Client.GetAsync($"api/member-page/msg-lin/summary{query}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        }

        await At(service.Client, DateTimeOffset.FromUnixTimeSeconds(expires).AddSeconds(1));
        using (var expired = await service.Client.GetAsync($"api/member-page/{M}/summary{query}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        }
    }

    [Fact]
    public async Task A_refused_address_fails_the_message_and_is_marked_and_the_log_holds_no_address_or_secret()
    {
        const string M = "msg-kai";
        await At(service.Client, "2027-03-10T17:00:00Z");
        await Send(Envelope(M, "enrol", "member.enrolled", new { profile = new { email = "bounce-kai@example.com", marketingConsent = true } }));
        await Dispatch(service.Client);
        var welcome = Assert.Single(await Messages(M));
        Assert.Equal(("failed", "bounced: SMTP 550 (RecipientNotAccepted)"), (welcome["status"]!.GetValue<string>(), welcome["reason"]!.GetValue<string>()));
        Assert.Equal(["webhook"], welcome["sentChannels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.DoesNotContain(service.Smtp.Mail, m => m.To.Contains("bounce-kai@example.com"));

        // What a run wrote: the dispatcher's lines are there, and no address, phone or secret.
        var log = service.Host.Output;
        Assert.Contains("Dispatcher took", log, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"), log);
        Assert.DoesNotMatch(new Regex("\\+[1-9][0-9]{7,14}"), log);
        foreach (var secret in new[] { LocalHost.AdminKey, LocalHost.StorefrontKey, LocalHost.ApiSecret, LocalHost.ShopifySecret, MessagingFixture.WebhookSecret, MessagingFixture.LinkSecret })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_dispatcher_killed_mid_batch_and_restarted_delivers_every_message_with_at_most_the_one_in_flight_twice()
    {
        const int Members = 30;
        var at = DateTimeOffset.Parse("2027-04-01T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await At(service.Client, at);
        for (var i = 0; i < Members; i++)
        {
            using var response = await service.PostEventAsync(Envelope($"msg-crash-{i}", "enrol", "member.enrolled", new { profile = new { email = $"crash{i}@example.com" } }));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await service.WaitForQueueDrainedAsync();
        await using var slow = await SmtpSink.StartAsync(delayMilliseconds: 150);
        var settings = MessagingFixture.Settings(slow.Port, service.Webhook.Url);
        settings["Loyalty__Local__QueueConcurrency"] = "0";
        var killed = await LocalHost.StartAsync(service.Azurite.ConnectionString, settings);
        using (var client = killed.CreateClient())
        {
            await At(client, at.AddMinutes(1));
            var run = Dispatch(client);
            await slow.WaitForAsync(mail => mail.Count >= 8, TimeSpan.FromSeconds(60));
            killed.Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => run);
        }

        await killed.DisposeAsync();
        var deliveredAtKill = slow.Mail.Count;
        var runs = new List<string>();
        await using var restarted = await LocalHost.StartAsync(service.Azurite.ConnectionString, settings);
        using (var client = restarted.CreateClient())
        {
            // Past the 2-second send lease, so the message in flight at the kill is due again; a
            // message whose send failed while the host died waits out its backoff, so the clock
            // moves on by 30 seconds a round.
            for (var round = 1; round <= 20 && Crashed(slow).Select(m => m.To[0]).Distinct().Count() < Members; round++)
            {
                await At(client, at.AddMinutes(1).AddSeconds(30 * round));
                runs.Add((await Dispatch(client)).ToJsonString());
            }
        }

        var mail = Crashed(slow);
        var twice = mail.GroupBy(m => m.Message.MessageId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        TestContext.Current.SendDiagnosticMessage($"crash test: {deliveredAtKill} delivered before the kill, {mail.Count} in all, {twice.Count} Message-ID(s) seen twice: {string.Join(", ", twice)}");
        var delivered = mail.Select(m => m.To[0]).Distinct().Count();
        Assert.True(delivered == Members, $"{delivered} of {Members} delivered; dispatcher runs after the restart:\n{string.Join("\n", runs)}\nthe restarted host said:\n{restarted.Output[^Math.Min(restarted.Output.Length, 6000)..]}");
        Assert.True(twice.Count <= 1, $"{twice.Count} messages were sent twice");
        for (var i = 0; i < Members; i++)
        {
            Assert.Equal("sent", Assert.Single(await Messages($"msg-crash-{i}"))["status"]!.GetValue<string>());
        }
    }

    private static List<ReceivedMail> Crashed(SmtpSink sink) => [.. sink.Mail.Where(m => m.To[0].StartsWith("crash", StringComparison.Ordinal))];

    private List<MimeKit.MimeMessage> MailTo(string address) => [.. service.Smtp.Mail.Where(m => m.To.Contains(address)).Select(m => m.Message)];

    // The sink hears of a message from its process's output a moment after the SMTP session
    // ends, so a dispatch that sent mail can answer before the sink lists it.
    private async Task<List<MimeKit.MimeMessage>> MailTo(string address, int atLeast)
    {
        await service.Smtp.WaitForAsync(mail => mail.Count(m => m.To.Contains(address)) >= atLeast, TimeSpan.FromSeconds(30));
        return MailTo(address);
    }

    private static async Task At(HttpClient client, string instant) => await At(client, DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

    private static async Task At(HttpClient client, DateTimeOffset instant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "_local/clock") { Content = JsonContent.Create(new { now = instant }) };
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<JsonObject> Dispatch(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/admin/jobs/DispatchMessages/runs");
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task RunJob(string job)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/jobs/{job}/runs");
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await service.WaitForQueueDrainedAsync();
    }

    private async Task Send(string envelope)
    {
        using var response = await service.PostEventAsync(envelope);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await service.WaitForQueueDrainedAsync();
    }

    private async Task Redeem(string memberId, string rewardId, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/members/{memberId}/redemptions") { Content = JsonContent.Create(new { rewardId, requestId }) };
        request.Headers.Add("x-functions-key", LocalHost.StorefrontKey);
        using var response = await service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<JsonObject?> Member(string memberId) => await Get($"api/members/{memberId}");

    private async Task<List<JsonNode>> Messages(string memberId) =>
        [.. (await Get($"api/members/{memberId}/messages"))!["messages"]!.AsArray().Select(m => m!)];

    private Task<JsonObject?> Preview(string memberId, string messageId) => Get($"api/admin/members/{memberId}/messages/{messageId}/preview", admin: true);

    // Keys as the header: a query string would be in the request log the log test reads.
    private async Task<JsonObject?> Get(string path, bool admin = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-functions-key", admin ? LocalHost.AdminKey : LocalHost.StorefrontKey);
        using var response = await service.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>(Web);
    }

    private static string Envelope(string memberId, string id, string type, object payload) => JsonSerializer.Serialize(new
    {
        eventId = $"{memberId}:{id}",
        type,
        memberId,
        occurredAt = "2027-01-01T00:00:00Z",
        payload,
    });

    private static object Order(string orderId, decimal amount, object? profile = null) => new
    {
        orderId,
        currency = "USD",
        orderTotal = amount,
        lines = new[] { new { lineId = "1", sku = "TEA", category = "Tea", quantity = 1, unitPrice = amount, discount = 0m } },
        profile,
    };
}

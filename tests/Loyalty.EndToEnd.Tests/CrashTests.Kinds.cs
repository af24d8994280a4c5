using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Loyalty.App.Operations;
using Loyalty.Core;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// A SIGKILL in the middle of each kind of work besides purchases: refunds and cancellations,
/// redemptions (synchronous, retried by the client after the crash), timer events and referral
/// follow-ups. After a restart: nothing lost, nothing applied twice, and for every member the
/// balance is the sum of the ledger (<see cref="MemberAudit"/>). Each with its own Azurite and hosts.
/// </summary>
public sealed partial class CrashTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Refunds_and_cancellations_survive_a_killed_host_and_are_applied_exactly_once()
    {
        const int members = 100;
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await CrashRig.StartAsync(ct);
        static decimal Price(int m, int k) => 20m + (2 * k) + (2 * (m % 5));
        static string Member(int m) => $"refund-{m:D3}";

        // Six orders a member (two units at half the price each), all credited before the crash run.
        var purchases = new List<LoyaltyEvent>();
        for (var m = 0; m < members; m++)
        {
            for (var k = 0; k < 6; k++)
            {
                var price = Price(m, k);
                purchases.Add(new PurchaseCompleted($"crash:{Member(m)}:o{k}:paid", Member(m), At, $"{Member(m)}-o{k}", "USD", [new OrderLine("1", "SKU", null, 2, price / 2, 0m)], price + 3m));
            }
        }

        await using (var first = await rig.StartHostAsync(ct))
        {
            await rig.SendAsync(purchases, ct);
            await rig.DrainAsync(ct);
        }

        // Orders 0 and 1: one of two units back; order 2: refunded in full; order 3: cancelled;
        // order 0's refund delivered twice. Orders 4 and 5 keep their points.
        var work = new List<LoyaltyEvent>();
        for (var m = 0; m < members; m++)
        {
            var id = Member(m);
            var half0 = new OrderRefunded($"crash:{id}:o0:refund:r0", id, At, $"{id}-o0", "r0", [new RefundLine("1", 1, Price(m, 0) / 2)]);
            work.Add(half0);
            work.Add(half0);
            work.Add(new OrderRefunded($"crash:{id}:o1:refund:r1", id, At, $"{id}-o1", "r1", [new RefundLine("1", 1, Price(m, 1) / 2)]));
            work.Add(new OrderRefunded($"crash:{id}:o2:refund:full", id, At, $"{id}-o2", "full", [], Full: true));
            work.Add(new OrderCancelled($"crash:{id}:o3:cancelled", id, At, $"{id}-o3"));
        }

        await rig.SendAsync(Interleave(work, members), ct);
        await rig.RunKilledMidwayAsync(killAtDepth: work.Count * 6 / 10, ct);

        var audit = await rig.AuditAsync(ct);
        Assert.Equal(members, audit.Count);
        for (var m = 0; m < members; m++)
        {
            var member = audit[Member(m)];
            var expected = 50 + (long)(Price(m, 4) + Price(m, 5) + (Price(m, 0) / 2) + (Price(m, 1) / 2));
            Assert.Equal(expected, member.Balance);
            Assert.Equal(6, member.Of(LedgerKinds.Earned).Count());
            Assert.Equal([$"{Member(m)}-o0", $"{Member(m)}-o1", $"{Member(m)}-o2"], member.Of(LedgerKinds.Refunded).Select(e => e.OrderId!).Order(StringComparer.Ordinal));
            Assert.Equal($"{Member(m)}-o3", Assert.Single(member.Of(LedgerKinds.Cancelled)).OrderId);
            Assert.Equal(6 + 4, member.Markers.Count);
        }
    }

    [Fact]
    public async Task Redemptions_in_flight_when_the_host_is_killed_are_applied_once_and_a_retry_returns_the_same_code()
    {
        const int members = 60;
        const int requestsPerMember = 8;
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await CrashRig.StartAsync(ct);
        static string Member(int m) => $"redeem-{m:D3}";

        // 450.00 of merchandise + the sign-up bonus: 500 points, five $5-off rewards at 100 each.
        var host = await rig.StartHostAsync(ct);
        await rig.SendAsync([.. Enumerable.Range(0, members).Select(m => new PurchaseCompleted($"crash:{Member(m)}:paid", Member(m), At, $"{Member(m)}-o", "USD", [new OrderLine("1", "SKU", null, 1, 450m, 0m)], 455m))], ct);
        await rig.DrainAsync(ct);

        var requests = Enumerable.Range(0, requestsPerMember).SelectMany(r => Enumerable.Range(0, members).Select(m => (Member: Member(m), RequestId: $"req-{r}"))).ToList();
        var beforeKill = new ConcurrentDictionary<(string, string), (HttpStatusCode Status, string? Code)>();
        var answered = 0;
        using (var client = host.CreateClient())
        {
            var sending = Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (request, token) =>
            {
                try
                {
                    var answer = await RedeemAsync(client, request.Member, request.RequestId);
                    beforeKill[request] = answer;
                    Interlocked.Increment(ref answered);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                {
                    // The host died with this request in flight: its outcome is unknown to the client.
                }
            });
            while (Volatile.Read(ref answered) < requests.Count * 4 / 10)
            {
                await Task.Delay(5, ct);
            }

            host.Kill();
            await sending;
        }

        await host.DisposeAsync();
        Assert.InRange(beforeKill.Count, requests.Count * 4 / 10, requests.Count - 1);

        // The client retries every request, answered or not, on the restarted host.
        await using var second = await rig.StartHostAsync(ct);
        using var retryClient = second.CreateClient();
        var afterRestart = new ConcurrentDictionary<(string, string), (HttpStatusCode Status, string? Code)>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 12, CancellationToken = ct }, async (request, token) =>
            afterRestart[request] = await RedeemAsync(retryClient, request.Member, request.RequestId));

        foreach (var (request, before) in beforeKill)
        {
            var after = afterRestart[request];
            if (before.Status is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                // Nothing lost: what the client was told was redeemed stays redeemed, with the same code.
                Assert.Equal((HttpStatusCode.OK, before.Code), after);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, before.Status);
                Assert.Equal(HttpStatusCode.Conflict, after.Status);
            }
        }

        var audit = await rig.AuditAsync(ct);
        for (var m = 0; m < members; m++)
        {
            var member = audit[Member(m)];
            var succeeded = afterRestart.Where(a => a.Key.Item1 == Member(m) && a.Value.Status is HttpStatusCode.Created or HttpStatusCode.OK).Select(a => a.Key.Item2).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(5, member.Of(LedgerKinds.Redeemed).Count());
            Assert.Equal(0, member.Balance);
            Assert.Equal(succeeded.Order(StringComparer.Ordinal), member.Redemptions.Order(StringComparer.Ordinal));
            Assert.Equal(requestsPerMember - 5, afterRestart.Count(a => a.Key.Item1 == Member(m) && a.Value.Status == HttpStatusCode.Conflict));
        }
    }

    [Fact]
    public async Task Timer_events_survive_a_killed_host_and_a_second_job_run_applies_nothing_twice()
    {
        const int members = 300;
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await CrashRig.StartAsync(ct, new Dictionary<string, string> { ["Loyalty__Program__PendingDays"] = "14" });
        static string Member(int m) => $"timer-{m:D3}";

        // 5 Jan 2027: each member's first order, 20 points pending for 14 days; the 50 sign-up
        // points expire at the end of 5 Jan 2028, the 20 a year after they activate (19 Jan 2028).
        await using (var first = await rig.StartHostAsync(ct))
        {
            await rig.SetClockAsync(first, "2027-01-05T17:00:00Z");
            await rig.SendAsync([.. Enumerable.Range(0, members).Select(m => new PurchaseCompleted($"crash:{Member(m)}:paid", Member(m), At, $"{Member(m)}-o", "USD", [new OrderLine("1", "SKU", null, 1, 20m, 0m)], 25m))], ct);
            await rig.DrainAsync(ct);
        }

        // 19 Jan 2027: activation, killed midway; the job run again after the restart.
        await rig.RunJobKilledMidwayAsync("ActivatePendingPoints", "2027-01-19T17:00:00Z", members, ct);
        var audit = await rig.AuditAsync(ct);
        Assert.All(Enumerable.Range(0, members), m =>
        {
            var member = audit[Member(m)];
            Assert.Equal(20, Assert.Single(member.Of(LedgerKinds.Activated)).Points);
            Assert.Equal(0, member.Ledger.Sum(e => e.PendingChange));
            Assert.Equal(70, member.Balance);
        });

        // 6 Jan 2028: expiry of the sign-up lots, killed midway; the job run again after the restart.
        await rig.RunJobKilledMidwayAsync("ExpirePoints", "2028-01-06T17:00:00Z", members, ct);
        audit = await rig.AuditAsync(ct);
        Assert.All(Enumerable.Range(0, members), m =>
        {
            var member = audit[Member(m)];
            Assert.Equal(-50, Assert.Single(member.Of(LedgerKinds.Expired)).Points);
            Assert.Equal(20, member.Balance);
        });
    }

    [Fact]
    public async Task Referral_follow_ups_survive_a_killed_host_and_each_referrer_is_paid_once_per_friend()
    {
        const int referrers = 30;
        const int friends = 150;
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await CrashRig.StartAsync(ct);
        static string Referrer(int r) => $"referrer-{r:D2}";
        static string Friend(int f) => $"friend-{f:D3}";

        // Referrers enrolled and friends referred (five friends each) before the crash run.
        await using (var first = await rig.StartHostAsync(ct))
        {
            await rig.SendAsync([.. Enumerable.Range(0, referrers).Select(r => new MemberEnrolled($"crash:{Referrer(r)}:enrolled", Referrer(r), At, MemberProfile.Empty))], ct);
            await rig.DrainAsync(ct);
            await rig.SendAsync([.. Enumerable.Range(0, friends).Select(f => new ReferralRecorded($"crash:{Friend(f)}:referred", Friend(f), At, Referrer(f % referrers)))], ct);
            await rig.DrainAsync(ct);
        }

        // Each friend's first paid order (and a second one for every other friend): the friend's
        // bonus in the friend's commit, the referrer's as a follow-up event sent before it.
        var orders = new List<LoyaltyEvent>();
        for (var f = 0; f < friends; f++)
        {
            orders.Add(new PurchaseCompleted($"crash:{Friend(f)}:o1:paid", Friend(f), At, $"{Friend(f)}-o1", "USD", [new OrderLine("1", "SKU", null, 1, 30m, 0m)], 33m));
            if (f % 2 == 0)
            {
                orders.Add(new PurchaseCompleted($"crash:{Friend(f)}:o2:paid", Friend(f), At, $"{Friend(f)}-o2", "USD", [new OrderLine("1", "SKU", null, 1, 10m, 0m)], 13m));
            }
        }

        await rig.SendAsync(orders, ct);
        await rig.RunKilledMidwayAsync(killAtDepth: orders.Count / 2, ct);

        var audit = await rig.AuditAsync(ct);
        for (var f = 0; f < friends; f++)
        {
            var friend = audit[Friend(f)];
            Assert.Equal(100, Assert.Single(friend.Of(LedgerKinds.ReferralBonus)).Points);
            Assert.Equal(50 + 100 + 30 + (f % 2 == 0 ? 10 : 0), friend.Balance);
        }

        for (var r = 0; r < referrers; r++)
        {
            var referrer = audit[Referrer(r)];
            var paidFor = Enumerable.Range(0, friends).Where(f => f % referrers == r).Select(f => $"referral:{Friend(f)}:referrer").ToList();
            Assert.All(paidFor, id => Assert.Contains(id, referrer.Markers));
            Assert.Equal([.. Enumerable.Repeat(200L, paidFor.Count)], referrer.Of(LedgerKinds.ReferralBonus).Select(e => e.Points));
            Assert.Equal(50 + (200 * paidFor.Count), referrer.Balance);
        }
    }

    private static async Task<(HttpStatusCode Status, string? Code)> RedeemAsync(HttpClient client, string memberId, string requestId)
    {
        using var response = await client.PostAsJsonAsync($"api/members/{memberId}/redemptions?code={LocalHost.StorefrontKey}", new { rewardId = "usd-5-off", requestId });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)response.StatusCode} for {memberId} {requestId}");
        var code = response.StatusCode == HttpStatusCode.Conflict ? null : (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>();
        return (response.StatusCode, code);
    }

    // Members interleaved so that concurrent workers contend on the same partitions.
    private static List<LoyaltyEvent> Interleave(List<LoyaltyEvent> events, int members)
    {
        var perMember = events.Count / members;
        return [.. events.Select((e, i) => (e, key: (i % perMember * members) + (i / perMember))).OrderBy(x => x.key).Select(x => x.e)];
    }

    /// <summary>An Azurite, its events queue, and local hosts started on it with a short visibility timeout and a test clock.</summary>
    private sealed class CrashRig : IAsyncDisposable
    {
        private readonly Azurite _azurite;
        private readonly Dictionary<string, string> _settings;

        private CrashRig(Azurite azurite, Dictionary<string, string> settings)
        {
            _azurite = azurite;
            _settings = settings;
            Queue = new QueueClient(azurite.ConnectionString, "loyalty-events");
        }

        public QueueClient Queue { get; }

        public static async Task<CrashRig> StartAsync(CancellationToken ct, IReadOnlyDictionary<string, string>? extra = null)
        {
            var settings = new Dictionary<string, string>
            {
                // Messages the killed host held come back within the test.
                ["Loyalty__Local__VisibilityTimeoutSeconds"] = "8",
                ["Loyalty__Local__QueueConcurrency"] = "4",
                ["Loyalty__Local__TestClock"] = "true",
            };
            foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            {
                settings[key] = value;
            }

            var rig = new CrashRig(await Azurite.StartAsync(ct), settings);
            await rig.Queue.CreateIfNotExistsAsync(cancellationToken: ct);
            return rig;
        }

        public Task<LocalHost> StartHostAsync(CancellationToken ct) => LocalHost.StartAsync(_azurite.ConnectionString, _settings, ct);

        public async Task SendAsync(IReadOnlyList<LoyaltyEvent> events, CancellationToken ct) =>
            await Parallel.ForEachAsync(events, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (evt, token) =>
                await Queue.SendMessageAsync(EventEnvelope.Serialize(evt), token));

        public Task DrainAsync(CancellationToken ct) => QueueWatch.WaitForDrainedAsync(Queue, TimeSpan.FromSeconds(180), ct: ct);

        public async Task SetClockAsync(LocalHost host, string instant)
        {
            using var client = host.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "_local/clock") { Content = JsonContent.Create(new { now = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture) }) };
            request.Headers.Add("x-functions-key", LocalHost.AdminKey);
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        /// <summary>Starts a host on the queued work, kills it once at most <paramref name="killAtDepth"/> messages are left, and lets a second host finish.</summary>
        public async Task RunKilledMidwayAsync(int killAtDepth, CancellationToken ct)
        {
            var total = await QueueWatch.DepthAsync(Queue, ct);
            await using (var first = await StartHostAsync(ct))
            {
                await KillAsync(first, total, killAtDepth, ct);
            }

            await using var second = await StartHostAsync(ct);
            await DrainAsync(ct);
        }

        /// <summary>
        /// Runs a job at <paramref name="instant"/> (it queues one event per member), kills the host
        /// midway through those events, then on a new host runs the job again and drains.
        /// </summary>
        public async Task RunJobKilledMidwayAsync(string job, string instant, int expectedEvents, CancellationToken ct)
        {
            await using (var first = await StartHostAsync(ct))
            {
                await SetClockAsync(first, instant);
                Assert.Equal(expectedEvents, await RunJobAsync(first, job));
                await KillAsync(first, expectedEvents, expectedEvents * 2 / 3, ct);
            }

            await using var second = await StartHostAsync(ct);
            await SetClockAsync(second, instant);

            // The day is finished, so the second run queues nothing new; the messages the killed host held come back by themselves.
            Assert.Equal(0, await RunJobAsync(second, job));
            await DrainAsync(ct);
        }

        public async Task<IReadOnlyDictionary<string, AuditedMember>> AuditAsync(CancellationToken ct)
        {
            var poison = new QueueClient(_azurite.ConnectionString, "loyalty-events-poison");
            Assert.Equal(0, await QueueWatch.DepthAsync(poison, ct));
            var members = await MemberAudit.ReadAsync(_azurite.ConnectionString, ct: ct);
            var problems = MemberAudit.Inconsistencies(members);
            Assert.True(problems.Count == 0, string.Join("\n", problems));

            // The operator's audit too: what a kill left behind in the directory or the reports was mended.
            var (code, output) = await LocalHost.AuditAsync(_azurite.ConnectionString, _settings, ct);
            Assert.True(code == 0, output);
            return members;
        }

        public ValueTask DisposeAsync() => _azurite.DisposeAsync();

        private static async Task<int> RunJobAsync(LocalHost host, string job)
        {
            using var client = host.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/jobs/{job}/runs");
            request.Headers.Add("x-functions-key", LocalHost.AdminKey);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["eventsQueued"]!.GetValue<int>();
        }

        private async Task KillAsync(LocalHost host, int total, int killAtDepth, CancellationToken ct)
        {
            await QueueWatch.WaitForDepthAtMostAsync(Queue, killAtDepth, TimeSpan.FromSeconds(180), ct);
            host.Kill();
            var depthAtKill = await QueueWatch.DepthAsync(Queue, ct);

            // Midway: some work done, some left (held or waiting) for the next host.
            Assert.InRange(depthAtKill, 1, total - 1);
        }
    }
}

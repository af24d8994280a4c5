using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage.Tests;

public sealed class MemberStoreTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commit_then_load_round_trips_state_order_and_redemption_exactly()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var state = Given.RichState(memberId);
        var order = Given.Order("order-1001");
        var redemption = Given.Redemption("req-1");
        var decision = new Decision
        {
            Outcome = DecisionOutcome.Applied,
            State = state,
            Entries = [Given.Entry(1, "evt-1") with { OrderId = "order-1001", PendingChange = 40, TierId = "gold" }, Given.Entry(2, "evt-1", -50, LedgerKinds.Redeemed) with { RewardId = "free-shipping", Reason = "why: \"quoted\" ünïcode", Actor = "admin@shop", DebtChange = 3, BenefitId = "free-delivery" }],
            Order = order,
            Redemption = redemption,
            Messages =
            [
                new OutboxMessage { MessageId = "evt-1:tier-up", Kind = MessageKinds.TierChanged, CreatedAt = Given.T0, TierId = "gold", Text = "Welcome to Gold!", Balance = 343 },
                new OutboxMessage { MessageId = "evt-1", Kind = MessageKinds.ExpiryReminder, CreatedAt = Given.T0.AddSeconds(1), Points = 100, Date = new DateOnly(2027, 5, 31), Text = "100 points expire", Balance = 343 },
            ],
        };

        var empty = await store.LoadAsync(memberId, "order-1001", "req-1", Ct);
        Assert.Equal(CommitStatus.Committed, await store.CommitAsync(empty, "evt-1", decision, Ct));
        var loaded = await store.LoadAsync(memberId, "order-1001", "req-1", Ct);

        Assert.Equal(memberId, loaded.MemberId);
        Assert.NotEqual(default, loaded.StateETag);
        AssertSame(state, loaded.State);
        AssertSame(order, loaded.Inputs.Order);
        AssertSame(redemption, loaded.Inputs.Redemption);
        AssertSame(state, await store.GetStateAsync(memberId, Ct));

        var ledger = await store.GetLedgerAsync(memberId, Ct);
        Assert.Equal(decision.Entries.Count, ledger.Count);
        foreach (var (expected, actual) in decision.Entries.Zip(ledger))
        {
            Assert.Equal(expected.Lots, actual.Lots);
            Assert.Equal(expected, actual with { Lots = expected.Lots });
        }

        // Messages come back newest first.
        var messages = await store.GetMessagesAsync(memberId, Ct);
        Assert.All(messages, m => Assert.Empty(m.SentChannels));
        Assert.Equal(decision.Messages.Reverse(), messages.Select(m => m with { SentChannels = decision.Messages[0].SentChannels }));
    }

    [Fact]
    public async Task State_row_carries_version_and_balance_for_queries_and_compact_json()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var state = Given.RichState(memberId, version: 1);
        await store.CommitAsync(await store.LoadAsync(memberId, null, null, Ct), "evt-1", new Decision { Outcome = DecisionOutcome.Applied, State = state }, Ct);

        var row = (await clients.Members.GetEntityAsync<TableEntity>(memberId, "state", cancellationToken: Ct)).Value;

        Assert.Equal(1L, row.GetInt64("Version"));
        Assert.Equal(state.Balance, row.GetInt64("Balance"));
        var data = row.GetString("Data");
        Assert.DoesNotContain("\n", data, StringComparison.Ordinal);
        Assert.DoesNotContain("\"balance\"", data, StringComparison.Ordinal);
        Assert.DoesNotContain("\"spendable\"", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_is_one_table_request_and_one_more_per_extra_row()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        await store.CommitAsync(await store.LoadAsync(memberId, null, null, Ct), "evt-1", Given.Next(memberId, null, "evt-1", order: Given.Order("o-1")), Ct);

        Assert.Equal(1, await TableRequests(clients, () => store.LoadAsync(memberId, null, null, Ct)));
        Assert.Equal(2, await TableRequests(clients, () => store.LoadAsync(memberId, "o-1", null, Ct)));
        Assert.Equal(3, await TableRequests(clients, () => store.LoadAsync(memberId, "o-1", "req-9", Ct)));
        Assert.Equal(1, await TableRequests(clients, () => store.LoadAsync(Given.MemberId(), null, null, Ct)));
        Assert.Equal(0, clients.Counter.QueueRequests);
    }

    [Fact]
    public async Task Load_of_an_unknown_member_or_row_reads_null()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);

        var loaded = await store.LoadAsync(Given.MemberId(), "o-404", "r-404", Ct);

        Assert.Null(loaded.State);
        Assert.Equal(default, loaded.StateETag);
        Assert.Null(loaded.Inputs.Order);
        Assert.Null(loaded.Inputs.Redemption);
        Assert.Null(await store.GetStateAsync(loaded.MemberId, Ct));
    }

    [Fact]
    public async Task Commit_is_one_table_request()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var first = await store.LoadAsync(memberId, null, null, Ct);
        var created = Given.Next(memberId, null, "evt-1", entries: 3, order: Given.Order("o-1"), redemption: Given.Redemption("r-1"));

        Assert.Equal(1, await TableRequests(clients, () => store.CommitAsync(first, "evt-1", created, Ct)));

        var second = await store.LoadAsync(memberId, null, null, Ct);
        Assert.Equal(1, await TableRequests(clients, () => store.CommitAsync(second, "evt-2", Given.Next(memberId, second.State, "evt-2"), Ct)));
    }

    [Fact]
    public async Task Same_event_committed_again_after_a_fresh_load_is_AlreadyApplied_and_writes_nothing()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var first = await store.LoadAsync(memberId, null, null, Ct);
        Assert.Equal(CommitStatus.Committed, await store.CommitAsync(first, "evt-1", Given.Next(memberId, null, "evt-1", entries: 2), Ct));
        var fresh = await store.LoadAsync(memberId, null, null, Ct);

        var status = await store.CommitAsync(fresh, "evt-1", Given.Next(memberId, fresh.State, "evt-1", entries: 2), Ct);

        Assert.Equal(CommitStatus.AlreadyApplied, status);
        Assert.Equal(2, (await store.GetLedgerAsync(memberId, Ct)).Count);
        var after = await store.LoadAsync(memberId, null, null, Ct);
        Assert.Equal(1, after.State!.Version);
        Assert.Equal(fresh.StateETag, after.StateETag);
        Assert.True(await store.HasMarkerAsync(memberId, "evt-1", Ct));
    }

    [Fact]
    public async Task Commit_with_a_stale_etag_is_Conflict_and_writes_nothing()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        await store.CommitAsync(await store.LoadAsync(memberId, null, null, Ct), "evt-0", Given.Next(memberId, null, "evt-0"), Ct);
        var stale = await store.LoadAsync(memberId, null, null, Ct);
        Assert.Equal(CommitStatus.Committed, await store.CommitAsync(stale, "evt-a", Given.Next(memberId, stale.State, "evt-a"), Ct));

        var status = await store.CommitAsync(stale, "evt-b", Given.Next(memberId, stale.State, "evt-b", order: Given.Order("o-b")), Ct);

        Assert.Equal(CommitStatus.Conflict, status);
        Assert.False(await store.HasMarkerAsync(memberId, "evt-b", Ct));
        var ledger = await store.GetLedgerAsync(memberId, Ct);
        Assert.Equal(["evt-0", "evt-a"], ledger.Select(e => e.SourceEventId));
        var now = await store.LoadAsync(memberId, "o-b", null, Ct);
        Assert.Equal(2, now.State!.Version);
        Assert.Null(now.Inputs.Order);
    }

    [Fact]
    public async Task Stale_etag_and_an_applied_event_together_still_write_nothing()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var created = await store.LoadAsync(memberId, null, null, Ct);
        await store.CommitAsync(created, "evt-1", Given.Next(memberId, null, "evt-1"), Ct);
        var stale = await store.LoadAsync(memberId, null, null, Ct);
        await store.CommitAsync(stale, "evt-2", Given.Next(memberId, stale.State, "evt-2"), Ct);

        // A redelivery of evt-2 decided on the old state: whichever check fires, nothing is written.
        var status = await store.CommitAsync(stale, "evt-2", Given.Next(memberId, stale.State, "evt-2"), Ct);

        Assert.Contains(status, new[] { CommitStatus.Conflict, CommitStatus.AlreadyApplied });
        Assert.Equal(2, (await store.GetLedgerAsync(memberId, Ct)).Count);
    }

    [Fact]
    public async Task Two_concurrent_creates_of_the_same_new_member_one_commits_one_conflicts()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var a = await store.LoadAsync(memberId, null, null, Ct);
        var b = await store.LoadAsync(memberId, null, null, Ct);

        var results = await Task.WhenAll(
            store.CommitAsync(a, "evt-a", Given.Next(memberId, null, "evt-a"), Ct),
            store.CommitAsync(b, "evt-b", Given.Next(memberId, null, "evt-b"), Ct));

        Assert.Equal([CommitStatus.Committed, CommitStatus.Conflict], results.Order());
        var winner = results[0] == CommitStatus.Committed ? "evt-a" : "evt-b";
        var loser = winner == "evt-a" ? "evt-b" : "evt-a";
        Assert.True(await store.HasMarkerAsync(memberId, winner, Ct));
        Assert.False(await store.HasMarkerAsync(memberId, loser, Ct));
        Assert.Equal([winner], (await store.GetLedgerAsync(memberId, Ct)).Select(e => e.SourceEventId));
    }

    [Fact]
    public async Task Later_decision_replaces_the_order_and_redemption_rows()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var order = Given.Order("o-1");
        var redemption = Given.Redemption("r-1");
        await store.CommitAsync(await store.LoadAsync(memberId, null, null, Ct), "evt-1", Given.Next(memberId, null, "evt-1", order: order, redemption: redemption), Ct);
        var loaded = await store.LoadAsync(memberId, "o-1", "r-1", Ct);
        var refunded = order with { RefundedShare = 1m, PointsTakenBack = 119, AppliedRefundIds = ["refund-1", "refund-2"] };
        var reversed = redemption with { Reversed = true };

        Assert.Equal(CommitStatus.Committed, await store.CommitAsync(loaded, "evt-2", Given.Next(memberId, loaded.State, "evt-2", order: refunded, redemption: reversed), Ct));

        var after = await store.LoadAsync(memberId, "o-1", "r-1", Ct);
        AssertSame(refunded, after.Inputs.Order);
        AssertSame(reversed, after.Inputs.Redemption);
    }

    [Fact]
    public async Task A_ledger_row_is_never_overwritten()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        await store.CommitAsync(await store.LoadAsync(memberId, null, null, Ct), "evt-1", Given.Next(memberId, null, "evt-1"), Ct);
        var loaded = await store.LoadAsync(memberId, null, null, Ct);
        var reusesSequence = Given.Next(memberId, loaded.State! with { LedgerSequence = 0 }, "evt-2");

        await Assert.ThrowsAnyAsync<RequestFailedException>(() => store.CommitAsync(loaded, "evt-2", reusesSequence, Ct));

        Assert.False(await store.HasMarkerAsync(memberId, "evt-2", Ct));
        Assert.Equal(["evt-1"], (await store.GetLedgerAsync(memberId, Ct)).Select(e => e.SourceEventId));
    }

    [Fact]
    public async Task History_pages_newest_first_with_a_working_continuation_token()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var neighbour = memberId[..^1] + (memberId[^1] == 'a' ? 'b' : 'a');
        MemberState? state = null;
        for (var i = 0; i < 5; i++)
        {
            var loaded = await store.LoadAsync(memberId, null, null, Ct);
            var decision = Given.Next(memberId, loaded.State, $"evt-{i}", entries: 5, order: Given.Order($"o-{i}"));
            Assert.Equal(CommitStatus.Committed, await store.CommitAsync(loaded, $"evt-{i}", decision, Ct));
            state = decision.State;
        }

        await store.CommitAsync(await store.LoadAsync(neighbour, null, null, Ct), "evt-n", Given.Next(neighbour, null, "evt-n", entries: 3), Ct);
        Assert.Equal(25, state!.LedgerSequence);

        var pages = new List<HistoryPage>();
        string? token = null;
        do
        {
            var page = await store.GetHistoryAsync(memberId, 10, token, Ct);
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Entries.Count));
        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(i => (long)i), pages.SelectMany(p => p.Entries).Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), (await store.GetLedgerAsync(memberId, Ct)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task History_of_a_member_without_entries_is_one_empty_page()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);

        var page = await store.GetHistoryAsync(Given.MemberId(), 10, null, Ct);

        Assert.Empty(page.Entries);
        Assert.Null(page.ContinuationToken);
    }

    public static TheoryData<string?> HostileIds() => new(
    [
        null, "", "'", "a'b", "a/b", "a#b", "a?b", "a\\b", "a b", "a\u0001b", "a\nb", "a\u007fb", "é",
        "' or ''eq''", "x' or PartitionKey ne '", "x%27", new string('a', Keys.MaxLength + 1),
    ]);

    [Theory]
    [MemberData(nameof(HostileIds))]
    public async Task Hostile_ids_are_refused_before_any_request(string? id)
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var good = Given.MemberId();
        var existing = new LoadedMember(good, null, default, DecisionInputs.None);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.LoadAsync(id!, null, null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.LoadAsync(good, id ?? "'", null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.LoadAsync(good, null, id ?? "'", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetStateAsync(id!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.HasMarkerAsync(id!, "evt-1", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.HasMarkerAsync(good, id!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetHistoryAsync(id!, 10, null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetLedgerAsync(id!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync(existing, id!, Given.Next(good, null, "evt-1"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync(existing with { MemberId = id! }, "evt-1", Given.Next(good, null, "evt-1") is var d ? d with { State = d.State! with { MemberId = id! } } : null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync(existing, "evt-1", Given.Next(good, null, "evt-1", order: Given.Order(id ?? "'")), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync(existing, "evt-1", Given.Next(good, null, "evt-1", redemption: Given.Redemption(id ?? "'")), Ct));

        Assert.Equal(new RequestCounts(0, 0), clients.Counter.Snapshot());
    }

    [Fact]
    public async Task Hostile_continuation_tokens_and_page_sizes_are_refused_before_any_request()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetHistoryAsync(memberId, 10, "a\nb", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetHistoryAsync(memberId, 10, "", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetHistoryAsync(memberId, 10, new string('x', 5000), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetHistoryAsync(memberId, 0, null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetHistoryAsync(memberId, MemberStore.MaxPageSize + 1, null, Ct));

        Assert.Equal(0, clients.Counter.TableRequests);
    }

    [Fact]
    public async Task Commit_refuses_decisions_it_cannot_write_safely_before_any_request()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var fresh = new LoadedMember(memberId, null, default, DecisionInputs.None);
        var existing = new LoadedMember(memberId, Given.RichState(memberId), new ETag("W/\"datetime'2026-11-22T09%3A00%3A00Z'\""), DecisionInputs.None);
        var applied = Given.Next(memberId, null, "evt-1");

        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", applied with { Outcome = DecisionOutcome.Refused }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", applied with { Outcome = DecisionOutcome.AlreadyApplied }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", applied with { State = null }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", Given.Next(Given.MemberId(), null, "evt-1"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(existing with { StateETag = default }, "evt-1", applied, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(existing with { StateETag = ETag.All }, "evt-1", applied, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", Given.Next(memberId, null, "evt-1", entries: 99), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", applied with { Entries = [Given.Entry(1, "evt-1"), Given.Entry(1, "evt-1")] }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", applied with { Entries = [Given.Entry(0, "evt-1")] }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(fresh, "evt-1", applied with { Entries = [Given.Entry(1, "evt-1") with { At = default }] }, Ct));

        Assert.Equal(0, clients.Counter.TableRequests);
    }

    [Fact]
    public async Task Largest_batch_of_one_hundred_actions_commits()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var decision = Given.Next(memberId, null, "evt-1", entries: 96, order: Given.Order("o-1"), redemption: Given.Redemption("r-1"));

        Assert.Equal(CommitStatus.Committed, await store.CommitAsync(await store.LoadAsync(memberId, null, null, Ct), "evt-1", decision, Ct));
        Assert.Equal(96, (await store.GetLedgerAsync(memberId, Ct)).Count);
    }

    [Fact]
    public async Task State_too_large_for_a_table_string_is_refused_with_a_clear_message_before_any_request()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var huge = Given.Next(memberId, null, "evt-1") is var d
            ? d with { State = d.State! with { Redemptions = Enumerable.Range(0, 3000).ToDictionary(i => $"reward-{i:D6}", i => i) } }
            : null!;

        var loaded = await store.LoadAsync(memberId, null, null, Ct);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(loaded, "evt-1", huge, Ct));

        Assert.Contains("KiB", ex.Message, StringComparison.Ordinal);
        Assert.Contains(memberId, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, clients.Counter.TableRequests);
    }

    [Fact]
    public async Task State_just_under_the_size_limit_round_trips()
    {
        var clients = await fixture.NewClientsAsync();
        var store = new MemberStore(clients);
        var memberId = Given.MemberId();
        var lots = Enumerable.Range(0, 700).Select(i => new Lot(new DateOnly(2027, 1, 1).AddDays(i), 1_000 + i)).ToList();
        var decision = Given.Next(memberId, null, "evt-1") is var d ? d with { State = d.State! with { Lots = lots } } : null!;

        Assert.Equal(CommitStatus.Committed, await store.CommitAsync(await store.LoadAsync(memberId, null, null, Ct), "evt-1", decision, Ct));

        Assert.Equal(lots, (await store.GetStateAsync(memberId, Ct))!.Lots);
    }

    private static async Task<long> TableRequests<T>(StorageClients clients, Func<Task<T>> action)
    {
        var before = clients.Counter.Snapshot();
        await action();
        return (clients.Counter.Snapshot() - before).Table;
    }

    private static void AssertSame(MemberState expected, MemberState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Lots, actual.Lots);
        Assert.Equal(expected.Redemptions.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Redemptions.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Pending, actual.Pending);
        Assert.Equal(expected.Qualifying, actual.Qualifying);
        Assert.Equal(expected.BenefitUses.OrderBy(p => p.Key, StringComparer.Ordinal), actual.BenefitUses.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.MarketingSentAt, actual.MarketingSentAt);
        Assert.Equal(expected, actual with
        {
            MarketingSentAt = expected.MarketingSentAt,
            Lots = expected.Lots,
            Redemptions = expected.Redemptions,
            Pending = expected.Pending,
            Qualifying = expected.Qualifying,
            BenefitUses = expected.BenefitUses,
        });
        Assert.Equal(expected.EnrolledAt.Offset, actual.EnrolledAt.Offset);
    }

    private static void AssertSame(OrderRecord expected, OrderRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Lines, actual.Lines);
        Assert.Equal(expected.AppliedRefundIds, actual.AppliedRefundIds);
        Assert.Equal(expected, actual with { Lines = expected.Lines, AppliedRefundIds = expected.AppliedRefundIds });
    }

    private static void AssertSame(RedemptionRecord expected, RedemptionRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.LotsTaken, actual.LotsTaken);
        Assert.Equal(expected, actual with { LotsTaken = expected.LotsTaken });
    }
}

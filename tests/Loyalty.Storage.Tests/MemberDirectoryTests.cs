using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage.Tests;

public sealed class MemberDirectoryTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private const string Key = "test-directory-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_member_is_found_by_email_phone_and_order_through_keys_that_hold_none_of_them_in_clear()
    {
        var clients = await fixture.NewClientsAsync();
        var directory = new MemberDirectory(clients, Key);
        var memberId = Given.MemberId();
        var state = Given.RichState(memberId) with { Profile = new MemberProfile("Ada@Example.com", "Ada", "Lovelace", Phone: "+44 20 7946 0958") };

        await directory.RecordAsync(state, "order-7781", Ct);

        Assert.Equal(memberId, Assert.Single(await directory.LookupAsync("email", " ada@example.COM ", Ct)).MemberId);
        Assert.Equal(memberId, Assert.Single(await directory.LookupAsync("phone", "+442079460958", Ct)).MemberId);
        Assert.Equal(memberId, Assert.Single(await directory.LookupAsync("order", "order-7781", Ct)).MemberId);
        Assert.Empty(await directory.LookupAsync("email", "grace@example.com", Ct));

        var keys = new List<string>();
        await foreach (var row in clients.Directory.QueryAsync<TableEntity>(cancellationToken: Ct))
        {
            keys.Add(row.RowKey);
        }

        Assert.Equal(4, keys.Count);
        Assert.All(keys, k => Assert.DoesNotMatch("(?i)ada|example|7946|0958|7781", k.Replace(memberId, string.Empty, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Only_a_newer_member_version_overwrites_and_a_changed_email_no_longer_finds_the_member()
    {
        var clients = await fixture.NewClientsAsync();
        var directory = new MemberDirectory(clients, Key);
        var memberId = Given.MemberId();
        var v2 = Given.RichState(memberId, version: 2);

        await directory.RecordAsync(v2, null, Ct);
        await directory.RecordAsync(Given.RichState(memberId, version: 1) with { Lots = [] }, null, Ct);
        Assert.Equal(v2.Balance, (await directory.GetAsync(memberId, Ct))!.Balance);

        await directory.RecordAsync(v2 with { Version = 3, Profile = v2.Profile with { Email = "ada.new@example.com" } }, null, Ct);

        Assert.Equal(3, (await directory.GetAsync(memberId, Ct))!.Version);
        Assert.Empty(await directory.LookupAsync("email", "ada@example.com", Ct));
        Assert.Single(await directory.LookupAsync("email", "ada.new@example.com", Ct));
    }

    [Fact]
    public async Task Without_a_key_no_lookup_row_is_written_and_lookups_find_nothing()
    {
        var clients = await fixture.NewClientsAsync();
        var directory = new MemberDirectory(clients, null);
        var memberId = Given.MemberId();

        await directory.RecordAsync(Given.RichState(memberId), "order-1", Ct);

        Assert.False(directory.HasLookups);
        Assert.NotNull(await directory.GetAsync(memberId, Ct));
        Assert.Empty(await directory.LookupAsync("email", "ada@example.com", Ct));
        Assert.Empty(await directory.LookupAsync("order", "order-1", Ct));
    }

    [Fact]
    public async Task A_written_segment_is_read_with_the_row_and_outlives_the_members_next_commit()
    {
        var clients = await fixture.NewClientsAsync();
        var directory = new MemberDirectory(clients, Key);
        var ids = Enumerable.Range(0, 130).Select(_ => Given.MemberId()).ToList();
        foreach (var id in ids.Take(129))
        {
            await directory.RecordAsync(Given.RichState(id, version: 2), null, Ct);
        }

        var segment = new MemberSegment(5, 4, 3, Segmentation.Medium, Segmentation.AtRisk, 123.45m);

        // 130 rows in two transactions (100 + 30); the one member without a row is skipped, not created.
        var written = await directory.WriteSegmentsAsync([.. ids.Select(id => (id, segment))], Ct);
        Assert.Equal(129, written);
        Assert.Null(await directory.GetAsync(ids[129], Ct));

        var first = (await directory.GetAsync(ids[0], Ct))!;
        Assert.Equal(segment, first.Segment);
        Assert.Equal(Given.RichState(ids[0], version: 2).Balance, first.Balance);

        // The member's own newer write replaces its columns and keeps the segment.
        var v3 = Given.RichState(ids[0], version: 3) with { Lots = [] };
        await directory.RecordAsync(v3, null, Ct);
        var after = (await directory.GetAsync(ids[0], Ct))!;
        Assert.NotEqual(first.Balance, v3.Balance);
        Assert.Equal((3L, v3.Balance, segment), (after.Version, after.Balance, after.Segment));
        Assert.All((await directory.ListAsync(new DirectoryFilter(), Ct)).Where(e => ids.Contains(e.MemberId)), e => Assert.Equal(segment, e.Segment));
    }

    [Fact]
    public void A_change_the_list_does_not_show_leaves_the_directory_alone_and_any_listed_change_does_not()
    {
        var before = Given.RichState("m-1", version: 4);

        Assert.True(DirectoryEntry.ListsAlike(before, before with { Version = 5, MarketingSentAt = [Given.T0], BenefitUses = new Dictionary<string, int>() }));
        Assert.True(DirectoryEntry.ListsAlike(before, before with { Version = 5, Lots = [.. before.Lots] }));
        Assert.False(DirectoryEntry.ListsAlike(null, before));
        Assert.False(DirectoryEntry.ListsAlike(before, before with { Lots = [new Lot(new DateOnly(2027, 5, 31), 99), before.Lots[1]] }));
        Assert.False(DirectoryEntry.ListsAlike(before, before with { TierId = "silver" }));
        Assert.False(DirectoryEntry.ListsAlike(before, before with { Profile = before.Profile with { Phone = "+1 555 0100" } }));
        Assert.False(DirectoryEntry.ListsAlike(before, before with { LastNps = 9 }));
        Assert.True(DirectoryEntry.ListsAlike(before, before with { Version = 5, Qualifying = [.. before.Qualifying] }));
        Assert.False(DirectoryEntry.ListsAlike(before, before with { Qualifying = [new MonthFigures(2026, 11, 10m, 10, 1)] }));
    }

    [Fact]
    public void The_segment_input_sums_only_the_months_inside_the_programs_window()
    {
        var program = LoyaltyProgram.Demo with { TierRules = LoyaltyProgram.Demo.TierRules with { WindowMonths = 3 } };
        var state = Given.RichState("m-1", version: 4) with
        {
            Qualifying = [new MonthFigures(2026, 8, 500m, 500, 5), new MonthFigures(2026, 9, 100m, 100, 1), new MonthFigures(2026, 11, 40m, 40, 2)],
            PaidOrders = 9,
            LifetimeSpend = 700m,
        };

        // As of December the 3-month window is October to December: September and August have left it.
        var input = DirectoryEntry.From(state).ToSegmentInput(program, new DateOnly(2026, 12, 15));
        Assert.Equal((2, 40m, 9, 700m), (input.WindowOrders, input.WindowSpend, input.LifetimeOrders, input.LifetimeSpend));

        var november = DirectoryEntry.From(state).ToSegmentInput(program, new DateOnly(2026, 11, 1));
        Assert.Equal((3, 140m), (november.WindowOrders, november.WindowSpend));
    }
}

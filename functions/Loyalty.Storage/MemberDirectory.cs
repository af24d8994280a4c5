using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>One member as the members list shows, filters and sorts it.</summary>
public sealed record DirectoryEntry
{
    /// <summary>The member id.</summary>
    public required string MemberId { get; init; }

    /// <summary>The member version the row was written from.</summary>
    public long Version { get; init; }

    /// <summary>First name.</summary>
    public string? FirstName { get; init; }

    /// <summary>Last name.</summary>
    public string? LastName { get; init; }

    /// <summary>E-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>Phone number as the shop sent it.</summary>
    public string? Phone { get; init; }

    /// <summary>The tier id (null: the lowest tier).</summary>
    public string? TierId { get; init; }

    /// <summary>Balance.</summary>
    public long Balance { get; init; }

    /// <summary>Pending points.</summary>
    public long Pending { get; init; }

    /// <summary>Open lots, oldest expiry first (for "points expiring within N days").</summary>
    public IReadOnlyList<Lot> Lots { get; init; } = [];

    /// <summary>Latest paid order.</summary>
    public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>Merchandise bought, net of refunds.</summary>
    public decimal Spend { get; init; }

    /// <summary>Paid orders.</summary>
    public int Orders { get; init; }

    /// <summary>Latest satisfaction score (1 to 5).</summary>
    public int? Satisfaction { get; init; }

    /// <summary>Latest net-promoter score (0 to 10).</summary>
    public int? Nps { get; init; }

    /// <summary>When the member joined.</summary>
    public DateTimeOffset EnrolledAt { get; init; }

    /// <summary>The segment the segment job last wrote onto the row (its own column, not part of <c>Data</c>), or null before its first run.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public MemberSegment? Segment { get; init; }

    /// <summary>Spend and orders per month inside the tier window (the member's qualifying months), for the segments' frequency and monetary scores.</summary>
    public IReadOnlyList<MonthFigures> Window { get; init; } = [];

    /// <summary>
    /// What the segment scoring needs of this entry as of <paramref name="today"/>: orders and
    /// spend summed over the months of the program's window, lifetime orders and spend, and the
    /// program-local days of the last purchase and of joining.
    /// </summary>
    public SegmentInput ToSegmentInput(LoyaltyProgram program, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(program);
        var current = MonthFigures.IndexOf(today);
        var inWindow = Window.Where(m => m.Index > current - program.TierRules.WindowMonths && m.Index <= current).ToList();
        return new SegmentInput(
            MemberId,
            program.LocalDate(EnrolledAt),
            LastPurchaseAt is { } last ? program.LocalDate(last) : null,
            inWindow.Sum(m => m.Orders),
            inWindow.Sum(m => m.Spend),
            Orders,
            Spend);
    }

    /// <summary>Points in lots expiring on or before <paramref name="day"/>.</summary>
    public long ExpiringBy(DateOnly day) => Lots.Where(l => l.ExpiresOn <= day).Sum(l => l.Points);

    /// <summary>
    /// Whether the members list shows <paramref name="before"/> and <paramref name="after"/> alike
    /// (all but the version): a commit that changes nothing listed (a message claimed or sent, a
    /// benefit use) then costs the directory no request.
    /// </summary>
    public static bool ListsAlike(MemberState? before, MemberState after)
    {
        if (before is null)
        {
            return false;
        }

        return From(before).ListsAs(From(after));
    }

    /// <summary>Whether this entry lists the member as <paramref name="other"/> does: every figure but the version and the segment (which the segment job writes).</summary>
    public bool ListsAs(DirectoryEntry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Lots.SequenceEqual(other.Lots) && Window.SequenceEqual(other.Window)
            && this with { Version = other.Version, Lots = other.Lots, Window = other.Window, Segment = other.Segment } == other;
    }

    /// <summary>The directory entry of a member state.</summary>
    public static DirectoryEntry From(MemberState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new DirectoryEntry
        {
            MemberId = state.MemberId,
            Version = state.Version,
            FirstName = state.Profile.FirstName,
            LastName = state.Profile.LastName,
            Email = state.Profile.Email,
            Phone = state.Profile.Phone,
            TierId = state.TierId,
            Balance = state.Balance,
            Pending = state.PendingPoints,
            Lots = state.Lots,
            LastPurchaseAt = state.LastPurchaseAt,
            Spend = state.LifetimeSpend,
            Orders = state.PaidOrders,
            Satisfaction = state.LastSatisfaction,
            Nps = state.LastNps,
            EnrolledAt = state.EnrolledAt,
            Window = state.Qualifying,
        };
    }
}

/// <summary>Server-side filters of a directory read (each optional).</summary>
public sealed record DirectoryFilter(long? MinBalance = null, long? MaxBalance = null, DateTimeOffset? PurchasedAfter = null, DateTimeOffset? PurchasedBefore = null);

/// <summary>
/// The member directory (docs/ARCHITECTURE.md, "directory"): one row per member, written after
/// each member commit and only by a newer member version, holding what the members list shows;
/// and exact-lookup rows for e-mail, phone and order number whose keys carry a keyed hash
/// (HMAC-SHA256 under <c>Loyalty:DirectoryKey</c>), never the value. Everything is in one
/// partition so a member's row and its lookup rows are written in one transaction.
/// </summary>
public sealed class MemberDirectory
{
    /// <summary>The partition of every directory row.</summary>
    public const string Partition = "members";

    private const string MemberPrefix = "m|";
    private const string MemberPrefixEnd = "m}";
    private const int MaxAttempts = 10;
    private const string SegmentColumn = "Segment";
    private const int BatchSize = 100;

    private readonly TableClient _table;
    private readonly byte[]? _key;

    /// <summary>A directory over the directory table of <paramref name="clients"/>; without <paramref name="lookupKey"/> no lookup rows are written or found.</summary>
    public MemberDirectory(StorageClients clients, string? lookupKey)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _table = clients.Directory;
        _key = string.IsNullOrEmpty(lookupKey) ? null : Encoding.UTF8.GetBytes(lookupKey);
    }

    /// <summary>Whether exact lookups by e-mail, phone and order number work (a lookup key is set).</summary>
    public bool HasLookups => _key is not null;

    /// <summary>
    /// Writes the member's row when <paramref name="state"/> is newer than the stored one (a
    /// point read, then one transaction with the lookup rows that changed), and the lookup row of
    /// <paramref name="orderId"/> when given. A row at the same or a newer version is left as it is.
    /// </summary>
    public async Task RecordAsync(MemberState state, string? orderId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        Require(state.MemberId);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, MemberKey(state.MemberId), ["Version", "EmailHash", "PhoneHash", SegmentColumn], ct).ConfigureAwait(false);
            var row = existing.HasValue ? existing.Value : null;
            var newer = row is null || (row.GetInt64("Version") ?? -1) < state.Version;
            var actions = new List<TableTransactionAction>();
            if (newer)
            {
                var entity = Row(state);
                if (row?.GetString(SegmentColumn) is { } segment)
                {
                    // The segment job's column outlives the member's own writes until its next run.
                    entity[SegmentColumn] = segment;
                }

                actions.Add(row is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.ETag));
                Relink(actions, row?.GetString("EmailHash"), entity.GetString("EmailHash"), state.MemberId);
                Relink(actions, row?.GetString("PhoneHash"), entity.GetString("PhoneHash"), state.MemberId);
            }

            if (orderId is not null && Hash("order", orderId) is { } orderHash)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, Lookup(orderHash, state.MemberId)));
            }

            if (actions.Count == 0)
            {
                return;
            }

            try
            {
                await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another instance wrote the row in between: read again; the newer version wins.
            }
        }
    }

    /// <summary>One member's entry by id (a point read), or null.</summary>
    public async Task<DirectoryEntry?> GetAsync(string memberId, CancellationToken ct)
    {
        if (!Keys.IsValidMemberId(memberId))
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, MemberKey(memberId), ["Data", SegmentColumn], ct).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>
    /// The members whose e-mail (<paramref name="kind"/> <c>email</c>), phone (<c>phone</c>) or
    /// order (<c>order</c>) is <paramref name="value"/>: one range query over the lookup rows of
    /// that hash, then a point read per member found; a stale lookup row (the member's e-mail or
    /// phone changed since) is checked against the member's row and dropped.
    /// </summary>
    public Task<IReadOnlyList<DirectoryEntry>> LookupAsync(string kind, string value, CancellationToken ct) =>
        Hash(kind, value) is { } hash ? LookupHashAsync(kind, hash, ct) : Task.FromResult<IReadOnlyList<DirectoryEntry>>([]);

    /// <summary>
    /// As <see cref="LookupAsync"/>, by a hash <see cref="Hash"/> gave before (a privacy request
    /// keeps the hash of an e-mail, never the address); a hash of another kind finds nothing.
    /// </summary>
    public async Task<IReadOnlyList<DirectoryEntry>> LookupHashAsync(string kind, string hash, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(hash);
        if (_key is null || kind.Length == 0 || !hash.StartsWith(kind[0] + ":", StringComparison.Ordinal) || !Keys.IsValid(hash))
        {
            return [];
        }

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {hash + "|"} and RowKey lt {hash + "}"}");
        var ids = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["MemberId"], cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.GetString("MemberId") is { } id)
            {
                ids.Add(id);
            }
        }

        var found = await Task.WhenAll(ids.Distinct(StringComparer.Ordinal).Select(id => GetAsync(id, ct))).ConfigureAwait(false);
        return [.. found.OfType<DirectoryEntry>().Where(e => kind switch
        {
            "email" => Hash(kind, e.Email) == hash,
            "phone" => Hash(kind, e.Phone) == hash,
            _ => true,
        })];
    }

    /// <summary>Every member's entry that passes <paramref name="filter"/> (a query over the member rows of the partition, filtered by the service).</summary>
    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(DirectoryFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {MemberPrefix} and RowKey lt {MemberPrefixEnd}");
        if (filter.MinBalance is { } min)
        {
            query += " and " + TableClient.CreateQueryFilter($"Balance ge {min}");
        }

        if (filter.MaxBalance is { } max)
        {
            query += " and " + TableClient.CreateQueryFilter($"Balance le {max}");
        }

        if (filter.PurchasedAfter is { } after)
        {
            query += " and " + TableClient.CreateQueryFilter($"LastPurchaseAt ge {after}");
        }

        if (filter.PurchasedBefore is { } before)
        {
            query += " and " + TableClient.CreateQueryFilter($"LastPurchaseAt lt {before}");
        }

        var entries = new List<DirectoryEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(query, select: ["Data", SegmentColumn], cancellationToken: ct).ConfigureAwait(false))
        {
            entries.Add(Read(row));
        }

        return entries;
    }

    /// <summary>
    /// Writes each member's segment (JSON, column <c>Segment</c>) onto its directory row with a
    /// merge, so the member's own columns stay as they are: transactions of up to 100 rows of the
    /// one partition, so n members cost ⌈n / 100⌉ requests. A row gone since it was read is skipped.
    /// Returns the rows written.
    /// </summary>
    public async Task<int> WriteSegmentsAsync(IReadOnlyList<(string MemberId, MemberSegment Segment)> segments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var written = 0;
        foreach (var chunk in segments.Chunk(BatchSize))
        {
            var actions = chunk.Select(s => new TableTransactionAction(
                TableTransactionActionType.UpdateMerge,
                new TableEntity(Partition, MemberKey(s.MemberId)) { [SegmentColumn] = JsonSerializer.Serialize(s.Segment, EventEnvelope.Json) },
                ETag.All)).ToList();
            while (actions.Count > 0)
            {
                try
                {
                    await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                    written += actions.Count;
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 404 && ex.FailedTransactionActionIndex is { } failed)
                {
                    actions.RemoveAt(failed);
                }
            }
        }

        return written;
    }

    /// <summary>
    /// The keyed hash of a normalised value, as it appears in a lookup row's key
    /// (<c>{kind}:{hex}</c>), or null without a key or a value. E-mail is compared trimmed and
    /// lower-case, a phone number by its digits (and a leading +), an order id as it is.
    /// </summary>
    public string? Hash(string kind, string? value)
    {
        if (_key is null || Normalise(kind, value) is not { Length: > 0 } normal)
        {
            return null;
        }

        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(kind + "\n" + normal));
        return kind[0] + ":" + Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }

    private static string? Normalise(string kind, string? value) => value?.Trim() switch
    {
        null or "" => null,
        var v when kind == "email" => v.ToLowerInvariant(),
        var v when kind == "phone" => (v.StartsWith('+') ? "+" : string.Empty) + new string([.. v.Where(char.IsAsciiDigit)]) is { Length: >= 5 } p ? p : null,
        var v when kind == "order" => v.TrimStart('#'),
        _ => null,
    };

    // A lookup row is added when the hash changed; the old one stays (a lookup checks the
    // member's row, so it finds nothing), which spares a delete that could fail the batch.
    private static void Relink(List<TableTransactionAction> actions, string? oldHash, string? newHash, string memberId)
    {
        if (newHash is not null && newHash != oldHash)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, Lookup(newHash, memberId)));
        }
    }

    private TableEntity Row(MemberState state)
    {
        var entry = DirectoryEntry.From(state);
        var row = new TableEntity(Partition, MemberKey(state.MemberId))
        {
            ["Version"] = state.Version,
            ["Balance"] = state.Balance,
            ["Data"] = JsonSerializer.Serialize(entry, EventEnvelope.Json),
        };
        if (state.LastPurchaseAt is { } last)
        {
            row["LastPurchaseAt"] = last;
        }

        if (Hash("email", state.Profile.Email) is { } email)
        {
            row["EmailHash"] = email;
        }

        if (Hash("phone", state.Profile.Phone) is { } phone)
        {
            row["PhoneHash"] = phone;
        }

        return row;
    }

    private static TableEntity Lookup(string hash, string memberId) =>
        new(Partition, hash + "|" + memberId) { ["MemberId"] = memberId };

    private static DirectoryEntry Read(TableEntity row)
    {
        var entry = JsonSerializer.Deserialize<DirectoryEntry>(row.GetString("Data") ?? "null", EventEnvelope.Json)
            ?? throw new InvalidDataException("A directory row has no Data.");
        return row.GetString(SegmentColumn) is { } segment
            ? entry with { Segment = JsonSerializer.Deserialize<MemberSegment>(segment, EventEnvelope.Json) }
            : entry;
    }

    private static string MemberKey(string memberId) => MemberPrefix + memberId;

    private static void Require(string memberId)
    {
        if (!Keys.IsValidMemberId(memberId))
        {
            throw new ArgumentException("Not a valid member id.", nameof(memberId));
        }
    }
}

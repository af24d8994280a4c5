using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>
/// A shop's privacy request (Shopify's <c>customers/redact</c>, <c>customers/data_request</c>,
/// <c>shop/redact</c>) as recorded before the webhook is answered. It holds ids only: never the
/// e-mail or phone the webhook carried.
/// </summary>
/// <param name="Id">The request id (<c>pr-</c> + 32 hex), from the shop and the webhook id (or the body).</param>
/// <param name="Topic">The Shopify topic.</param>
/// <param name="ShopDomain">The shop, e.g. <c>acme.myshopify.com</c>.</param>
/// <param name="CustomerId">The shop's customer id (customers topics; null when the shop sent none).</param>
/// <param name="OrderIds">The orders the webhook lists (<c>orders_to_redact</c> or <c>orders_requested</c>).</param>
/// <param name="DataRequestId">Shopify's <c>data_request.id</c> (data requests only).</param>
/// <param name="ReceivedAt">When the webhook was received.</param>
public sealed record PrivacyRequest(
    string Id,
    string Topic,
    string ShopDomain,
    string? CustomerId,
    IReadOnlyList<string> OrderIds,
    string? DataRequestId,
    DateTimeOffset ReceivedAt)
{
    /// <summary>Waiting for the <c>ProcessPrivacyRequests</c> job.</summary>
    public const string Queued = "queued";

    /// <summary>Its work is done.</summary>
    public const string Done = "done";

    /// <summary><see cref="Queued"/> or <see cref="Done"/>.</summary>
    public string Status { get; init; } = Queued;

    /// <summary>The members this request found (erased, or exported).</summary>
    public IReadOnlyList<string> MemberIds { get; init; } = [];

    /// <summary>Members erased so far (a shop erasure counts up run by run).</summary>
    public int Erased { get; init; }

    /// <summary>A shop erasure's last member done: the next run goes on after it.</summary>
    public string? Cursor { get; init; }

    /// <summary>Runs that worked on it.</summary>
    public int Attempts { get; init; }

    /// <summary>Why the last run did not finish it (no personal data).</summary>
    public string? LastError { get; init; }

    /// <summary>When it was done.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>A data request whose export is stored (fetch it by <see cref="Id"/>).</summary>
    public bool HasExport { get; init; }

    /// <summary>
    /// For a body without <c>customer.id</c>: the member directory's keyed hash of the e-mail it
    /// gave (<see cref="MemberDirectory.Hash"/>, as in the <c>e:</c> lookup rows), never the
    /// address; removed when the request is done. Not listed by the API.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? EmailHash { get; init; }
}

/// <summary>
/// Privacy requests in the schedule table: one row each in partition <c>privacy</c> (a small
/// partition: a shop sends a few a month), inserted before the webhook is answered so the work
/// is never lost; and a prepared data export as rows of partition <c>privacy-export</c>
/// (<c>{id}|{member}|{n:D4}</c>, 30,000 characters each, every one carrying the member id so an erasure
/// finds and deletes them: see <see cref="ErasureRows"/>).
/// </summary>
public sealed class PrivacyRequests(StorageClients clients)
{
    /// <summary>The partition of the request rows.</summary>
    public const string Partition = "privacy";

    /// <summary>The partition of the export rows.</summary>
    public const string ExportPartition = "privacy-export";

    private const int ChunkChars = 30_000;

    /// <summary>Records <paramref name="request"/>; false when a request with its id is already recorded (nothing changed).</summary>
    public async Task<bool> RecordAsync(PrivacyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await clients.Schedule.AddEntityAsync(Row(request), ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Every request, newest first.</summary>
    public async Task<IReadOnlyList<PrivacyRequest>> ListAsync(CancellationToken ct)
    {
        var found = new List<PrivacyRequest>();
        await foreach (var row in clients.Schedule.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct).ConfigureAwait(false))
        {
            found.Add(Read(row));
        }

        return [.. found.OrderByDescending(r => r.ReceivedAt)];
    }

    /// <summary>The requests still to work on, oldest first.</summary>
    public async Task<IReadOnlyList<PrivacyRequest>> OpenAsync(CancellationToken ct)
    {
        var found = new List<PrivacyRequest>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {PrivacyRequest.Queued}");
        await foreach (var row in clients.Schedule.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            found.Add(Read(row));
        }

        return [.. found.OrderBy(r => r.ReceivedAt)];
    }

    /// <summary>One request, or null.</summary>
    public async Task<PrivacyRequest?> GetAsync(string id, CancellationToken ct)
    {
        if (!Keys.IsValid(id))
        {
            return null;
        }

        var row = await clients.Schedule.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>Writes the request's progress.</summary>
    public Task SaveAsync(PrivacyRequest request, CancellationToken ct) =>
        clients.Schedule.UpsertEntityAsync(Row(request), TableUpdateMode.Replace, ct);

    /// <summary>Stores the export of request <paramref name="id"/> for member <paramref name="memberId"/> (replacing one stored before).</summary>
    public async Task SaveExportAsync(string id, string memberId, string json, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(json);
        var chunks = (json.Length + ChunkChars - 1) / ChunkChars;
        for (var n = 0; n < chunks; n++)
        {
            var row = new TableEntity(ExportPartition, $"{id}|{memberId}|{n:D4}")
            {
                ["MemberId"] = memberId,
                ["Chunks"] = chunks,
                ["Text"] = json.Substring(n * ChunkChars, Math.Min(ChunkChars, json.Length - (n * ChunkChars))),
            };
            await clients.Schedule.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The stored export of request <paramref name="id"/>: one JSON text per member whose rows are all there (an erased member's are gone).</summary>
    public async Task<IReadOnlyList<string>> GetExportAsync(string id, CancellationToken ct)
    {
        var members = new List<(string Member, int Chunks, List<string> Parts)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ExportPartition} and RowKey ge {id + "|"} and RowKey lt {id + "}"}");
        await foreach (var row in clients.Schedule.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            var member = row.GetString("MemberId") ?? string.Empty;
            if (members.Count == 0 || members[^1].Member != member)
            {
                members.Add((member, row.GetInt32("Chunks") ?? 0, []));
            }

            members[^1].Parts.Add(row.GetString("Text") ?? string.Empty);
        }

        return [.. members.Where(m => m.Parts.Count == m.Chunks).Select(m => string.Concat(m.Parts))];
    }

    private static TableEntity Row(PrivacyRequest r) => new(Partition, r.Id)
    {
        ["Topic"] = r.Topic,
        ["ShopDomain"] = r.ShopDomain,
        ["CustomerId"] = r.CustomerId,
        ["OrderIds"] = string.Join(' ', r.OrderIds),
        ["DataRequestId"] = r.DataRequestId,
        ["ReceivedAt"] = r.ReceivedAt,
        ["Status"] = r.Status,
        ["MemberIds"] = string.Join(' ', r.MemberIds),
        ["Erased"] = r.Erased,
        ["Cursor"] = r.Cursor,
        ["Attempts"] = r.Attempts,
        ["LastError"] = r.LastError,
        ["CompletedAt"] = r.CompletedAt,
        ["HasExport"] = r.HasExport,
        ["EmailHash"] = r.EmailHash,
    };

    private static PrivacyRequest Read(TableEntity row) => new(
        row.RowKey,
        row.GetString("Topic") ?? string.Empty,
        row.GetString("ShopDomain") ?? string.Empty,
        row.GetString("CustomerId"),
        Split(row.GetString("OrderIds")),
        row.GetString("DataRequestId"),
        row.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue)
    {
        Status = row.GetString("Status") ?? PrivacyRequest.Queued,
        MemberIds = Split(row.GetString("MemberIds")),
        Erased = row.GetInt32("Erased") ?? 0,
        Cursor = row.GetString("Cursor"),
        Attempts = row.GetInt32("Attempts") ?? 0,
        LastError = row.GetString("LastError"),
        CompletedAt = row.GetDateTimeOffset("CompletedAt"),
        HasExport = row.GetBoolean("HasExport") ?? false,
        EmailHash = row.GetString("EmailHash"),
    };

    private static string[] Split(string? text) => string.IsNullOrEmpty(text) ? [] : text.Split(' ');
}

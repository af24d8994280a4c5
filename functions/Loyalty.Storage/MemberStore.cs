using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>A member as read for a decision: its state (null when new), the ETag to commit against, and the extra rows.</summary>
public sealed record LoadedMember(string MemberId, MemberState? State, ETag StateETag, DecisionInputs Inputs);

/// <summary>How a commit came out.</summary>
public enum CommitStatus
{
    /// <summary>Everything was written.</summary>
    Committed,

    /// <summary>The event's marker was already there: it had been applied before; nothing was written.</summary>
    AlreadyApplied,

    /// <summary>The member changed (or was created) since it was loaded: nothing was written; load again and decide again.</summary>
    Conflict,
}

/// <summary>One page of a member's ledger, newest first.</summary>
public sealed record HistoryPage(IReadOnlyList<LedgerEntry> Entries, string? ContinuationToken);

/// <summary>
/// Reads and writes member partitions: point reads to decide, one entity-group transaction
/// per decision, and partition queries only for history.
/// </summary>
public sealed class MemberStore
{
    /// <summary>Azure's limit on the actions of one entity-group transaction.</summary>
    public const int MaxBatchActions = 100;

    /// <summary>Largest history page served.</summary>
    public const int MaxPageSize = 1000;

    private const int MaxContinuationTokenLength = 2048;

    private readonly TableClient _table;
    private readonly TimeProvider _time;

    /// <summary>A store over the member table of <paramref name="clients"/>; <paramref name="timeProvider"/> stamps markers.</summary>
    public MemberStore(StorageClients clients, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _table = clients.Members;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Reads the state row and, when asked, the order and redemption rows, each by key and
    /// concurrently (1 request, plus 1 per extra row). A missing row reads as null.
    /// </summary>
    public Task<LoadedMember> LoadAsync(string memberId, string? orderId, string? redemptionRequestId, CancellationToken ct) =>
        LoadAsync(memberId, orderId, redemptionRequestId, null, ct);

    /// <summary>As above, and the outbox message <paramref name="messageId"/> when asked (1 request more).</summary>
    public Task<LoadedMember> LoadAsync(string memberId, string? orderId, string? redemptionRequestId, string? messageId, CancellationToken ct) =>
        LoadAsync(memberId, orderId, redemptionRequestId, messageId, null, ct);

    /// <summary>As above, and the discount outbox row of <paramref name="discountRequestId"/> when asked (1 request more).</summary>
    public async Task<LoadedMember> LoadAsync(string memberId, string? orderId, string? redemptionRequestId, string? messageId, string? discountRequestId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        if (orderId is not null)
        {
            RequireKey(orderId, nameof(orderId));
        }

        if (redemptionRequestId is not null)
        {
            RequireKey(redemptionRequestId, nameof(redemptionRequestId));
        }

        if (discountRequestId is not null)
        {
            RequireKey(discountRequestId, nameof(discountRequestId));
        }

        var stateTask = ReadRowAsync(memberId, MemberRows.StateKey, ct);
        var orderTask = orderId is null ? Task.FromResult<TableEntity?>(null) : ReadRowAsync(memberId, MemberRows.OrderKey(orderId), ct);
        var redemptionTask = redemptionRequestId is null ? Task.FromResult<TableEntity?>(null) : ReadRowAsync(memberId, MemberRows.RedemptionKey(redemptionRequestId), ct);
        var messageTask = messageId is null ? Task.FromResult<TableEntity?>(null) : ReadRowAsync(memberId, MemberRows.MessageKey(messageId), ct);
        var discountTask = discountRequestId is null ? Task.FromResult<TableEntity?>(null) : ReadRowAsync(memberId, MemberRows.DiscountKey(discountRequestId), ct);
        await Task.WhenAll(stateTask, orderTask, redemptionTask, messageTask, discountTask).ConfigureAwait(false);

        var stateRow = await stateTask.ConfigureAwait(false);
        var orderRow = await orderTask.ConfigureAwait(false);
        var redemptionRow = await redemptionTask.ConfigureAwait(false);
        var messageRow = await messageTask.ConfigureAwait(false);
        var discountRow = await discountTask.ConfigureAwait(false);
        var inputs = orderRow is null && redemptionRow is null && messageRow is null && discountRow is null
            ? DecisionInputs.None
            : new DecisionInputs(
                orderRow is null ? null : MemberRows.Deserialize<OrderRecord>(orderRow),
                redemptionRow is null ? null : MemberRows.Deserialize<RedemptionRecord>(redemptionRow),
                messageRow is null ? null : MemberRows.Deserialize<OutboxMessage>(messageRow),
                Discount: discountRow is null ? null : MemberRows.Deserialize<DiscountOrder>(discountRow));
        return stateRow is null
            ? new LoadedMember(memberId, null, default, inputs)
            : new LoadedMember(memberId, MemberRows.ReadState(stateRow), stateRow.ETag, inputs);
    }

    /// <summary>
    /// Writes an Applied decision as one entity-group transaction (1 request): the state row
    /// (insert for a new member, else replace if its ETag still matches), the <c>evt|</c>
    /// marker (insert), the ledger rows (insert: the ledger is append-only), and the order and
    /// redemption rows (insert or replace). All or nothing.
    /// </summary>
    /// <returns>
    /// <see cref="CommitStatus.Conflict"/> when the state changed since the load,
    /// <see cref="CommitStatus.AlreadyApplied"/> when the marker exists, or when the decision
    /// inserts an order row (one not loaded) that exists already; otherwise Committed.
    /// A commit retried by the SDK after a lost response also lands on one of these two,
    /// which is why a reload and a fresh decision are always safe.
    /// </returns>
    /// <param name="report">The event's report delta (<see cref="ReportStore.Serialize"/>), kept on its marker so a retry can write the delta row again.</param>
    public async Task<CommitStatus> CommitAsync(LoadedMember loaded, string eventId, Decision decision, CancellationToken ct, string? report = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(decision);
        RequireKey(loaded.MemberId, nameof(loaded));
        RequireKey(eventId, nameof(eventId));
        if (decision.Outcome != DecisionOutcome.Applied)
        {
            throw new ArgumentException($"Only an Applied decision is committed; this one is {decision.Outcome}.", nameof(decision));
        }

        var state = decision.State ?? throw new ArgumentException("An Applied decision must carry the new state.", nameof(decision));
        var memberId = loaded.MemberId;
        if (!string.Equals(state.MemberId, memberId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The decision's state is for member {state.MemberId}, not {memberId}.", nameof(decision));
        }

        if (loaded.State is not null && (loaded.StateETag == default || loaded.StateETag == ETag.All))
        {
            // Without a real ETag the replace would be unconditional and could lose a concurrent change.
            throw new ArgumentException("An existing member must be committed against the ETag it was loaded with.", nameof(loaded));
        }

        var actionCount = 2 + decision.Entries.Count + decision.Messages.Count + (decision.Order is null ? 0 : 1) + (decision.Redemption is null ? 0 : 1) + (decision.Note is null ? 0 : 1) + (decision.Discount is null ? 0 : 1);
        if (actionCount > MaxBatchActions)
        {
            throw new ArgumentException(
                $"Member {memberId}: the decision needs {actionCount} table actions; one transaction holds at most {MaxBatchActions}.", nameof(decision));
        }

        var actions = new List<TableTransactionAction>(actionCount)
        {
            loaded.State is null
                ? new TableTransactionAction(TableTransactionActionType.Add, MemberRows.StateRow(state))
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, MemberRows.StateRow(state), loaded.StateETag),
            new(TableTransactionActionType.Add, MemberRows.MarkerRow(memberId, eventId, _time.GetUtcNow(), report)),
        };

        var sequences = new HashSet<long>();
        foreach (var entry in decision.Entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(decision));
            if (entry.Sequence is < 1 or > MemberRows.MaxSequence || !sequences.Add(entry.Sequence))
            {
                throw new ArgumentException($"Member {memberId}: ledger sequence {entry.Sequence} is out of range or repeated.", nameof(decision));
            }

            if (entry.At.UtcDateTime.Year < 1601)
            {
                // Edm.DateTime starts in 1601; an unset At would otherwise fail the whole batch with a 400.
                throw new ArgumentException($"Member {memberId}: ledger entry {entry.Sequence} has no time.", nameof(decision));
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, MemberRows.LedgerRow(memberId, entry)));
        }

        var orderIndex = -1;
        if (decision.Order is { } order)
        {
            RequireKey(order.OrderId, nameof(decision));

            // An order row that was not read is inserted, never replaced: a purchase is decided
            // without reading its order (one read fewer), and a second credit of the same order
            // under another event id then fails here, as a duplicate event fails on its marker.
            orderIndex = actions.Count;
            var kind = loaded.Inputs.Order is null ? TableTransactionActionType.Add : TableTransactionActionType.UpsertReplace;
            actions.Add(new TableTransactionAction(kind, MemberRows.OrderRow(memberId, order)));
        }

        if (decision.Redemption is { } redemption)
        {
            RequireKey(redemption.RequestId, nameof(decision));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberRows.RedemptionRow(memberId, redemption)));
        }

        if (decision.Discount is { } discount)
        {
            RequireKey(discount.RequestId, nameof(decision));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberRows.DiscountRow(memberId, discount)));
        }

        if (decision.Note is { } note)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberRows.NoteRow(memberId, note)));
        }

        foreach (var message in decision.Messages)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberRows.MessageRow(memberId, message)));
        }

        try
        {
            await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            return CommitStatus.Committed;
        }
        catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status is 409 or 412)
        {
            return CommitStatus.Conflict;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409 && (ex.FailedTransactionActionIndex == 1 || ex.FailedTransactionActionIndex == orderIndex))
        {
            return CommitStatus.AlreadyApplied;
        }
    }

    /// <summary>The member's state, or null when there is no such member (1 request).</summary>
    public async Task<MemberState?> GetStateAsync(string memberId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        var row = await ReadRowAsync(memberId, MemberRows.StateKey, ct).ConfigureAwait(false);
        return row is null ? null : MemberRows.ReadState(row);
    }

    /// <summary>
    /// Up to <paramref name="max"/> member ids that start with <paramref name="prefix"/>, in order,
    /// after <paramref name="after"/> (null: from the first): one range query over the partition
    /// keys, reading only the state rows' keys.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListMemberIdsAsync(string prefix, string? after, int max, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var end = prefix[..^1] + (char)(prefix[^1] + 1);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {end} and RowKey eq {MemberRows.StateKey}")
            : TableClient.CreateQueryFilter($"PartitionKey gt {after} and PartitionKey lt {end} and RowKey eq {MemberRows.StateKey}");
        var ids = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: max, select: ["PartitionKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            ids.Add(row.PartitionKey);
            if (ids.Count == max)
            {
                break;
            }
        }

        return ids;
    }

    /// <summary>Whether the event's marker exists, i.e. the event was applied to this member (1 request).</summary>
    public async Task<bool> HasMarkerAsync(string memberId, string eventId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        RequireKey(eventId, nameof(eventId));
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(memberId, MemberRows.EventKey(eventId), ["RowKey"], ct).ConfigureAwait(false);
        return response.HasValue;
    }

    /// <summary>The report delta kept on the event's marker, or null when there is none (1 request).</summary>
    public async Task<string?> GetMarkerReportAsync(string memberId, string eventId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        RequireKey(eventId, nameof(eventId));
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(memberId, MemberRows.EventKey(eventId), ["Report"], ct).ConfigureAwait(false);
        return response.HasValue ? response.Value!.GetString("Report") : null;
    }

    /// <summary>
    /// One page of the member's ledger, newest first. Pass the returned token back for the
    /// next page; null means there is none. A page holds <paramref name="pageSize"/> entries
    /// unless it is the last.
    /// </summary>
    public async Task<HistoryPage> GetHistoryAsync(string memberId, int pageSize, string? continuationToken, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        if (continuationToken is not null
            && (continuationToken.Length is 0 or > MaxContinuationTokenLength || !continuationToken.All(c => c is >= ' ' and <= '~')))
        {
            throw new ArgumentException("Not a continuation token this service issued.", nameof(continuationToken));
        }

        var filter = LedgerFilter(memberId);
        var entries = new List<LedgerEntry>(pageSize);
        var token = continuationToken;
        do
        {
            // The service may end a page early (time or size limits) while more rows remain;
            // asking for just the rest keeps pages full and the returned token exact.
            var remaining = pageSize - entries.Count;
            var pages = _table.QueryAsync<TableEntity>(filter, remaining, cancellationToken: ct).AsPages(token, remaining);
            var resumed = token is not null;
            token = null;
            try
            {
                await foreach (var page in pages.ConfigureAwait(false))
                {
                    entries.AddRange(page.Values.Take(remaining).Select(MemberRows.ReadLedger));
                    token = page.ContinuationToken;
                    break;
                }
            }
            catch (RequestFailedException ex) when (resumed && ex.Status == 400)
            {
                // Tokens come back from HTTP callers; a forged one is their error, not ours.
                throw new ArgumentException("Not a continuation token this service issued.", nameof(continuationToken), ex);
            }
        }
        while (token is not null && entries.Count < pageSize);

        return new HistoryPage(entries, token);
    }

    /// <summary>Every ledger entry of the member, oldest first (audits and tests; a partition query).</summary>
    public async Task<IReadOnlyList<LedgerEntry>> GetLedgerAsync(string memberId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        var entries = new List<LedgerEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(LedgerFilter(memberId), cancellationToken: ct).ConfigureAwait(false))
        {
            entries.Add(MemberRows.ReadLedger(row));
        }

        entries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return entries;
    }

    /// <summary>One outbox message, or null (1 request).</summary>
    public async Task<OutboxMessage?> GetMessageAsync(string memberId, string messageId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        var row = await ReadRowAsync(memberId, MemberRows.MessageKey(messageId), ct).ConfigureAwait(false);
        return row is null ? null : MemberRows.Deserialize<OutboxMessage>(row);
    }

    /// <summary>The member's outbox messages, newest first (a partition query over the <c>msg|</c> rows).</summary>
    public async Task<IReadOnlyList<OutboxMessage>> GetMessagesAsync(string memberId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {memberId} and RowKey ge {MemberRows.MessagePrefix} and RowKey lt {MemberRows.MessagePrefixEnd}");
        var messages = new List<OutboxMessage>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            messages.Add(MemberRows.Deserialize<OutboxMessage>(row));
        }

        return [.. messages.OrderByDescending(m => m.CreatedAt).ThenBy(m => m.MessageId, StringComparer.Ordinal)];
    }

    /// <summary>The member's feedback and service records, newest first (a partition query over the <c>note|</c> rows).</summary>
    public Task<IReadOnlyList<MemberNote>> GetNotesAsync(string memberId, CancellationToken ct) =>
        ReadRangeAsync<MemberNote>(memberId, MemberRows.NotePrefix, MemberRows.NotePrefixEnd, ct);

    /// <summary>The member's order records (a partition query over the <c>order|</c> rows).</summary>
    public Task<IReadOnlyList<OrderRecord>> GetOrdersAsync(string memberId, CancellationToken ct) =>
        ReadRangeAsync<OrderRecord>(memberId, MemberRows.OrderPrefix, MemberRows.OrderPrefixEnd, ct);

    /// <summary>The discount outbox row of one redemption, or null (1 request).</summary>
    public async Task<DiscountOrder?> GetDiscountAsync(string memberId, string requestId, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        RequireKey(requestId, nameof(requestId));
        var row = await ReadRowAsync(memberId, MemberRows.DiscountKey(requestId), ct).ConfigureAwait(false);
        return row is null ? null : MemberRows.Deserialize<DiscountOrder>(row);
    }

    /// <summary>The member's discount outbox rows (a partition query over the <c>discount|</c> rows).</summary>
    public Task<IReadOnlyList<DiscountOrder>> GetDiscountsAsync(string memberId, CancellationToken ct) =>
        ReadRangeAsync<DiscountOrder>(memberId, MemberRows.DiscountPrefix, MemberRows.DiscountPrefixEnd, ct);

    /// <summary>The member's redemption records (a partition query over the <c>redemption|</c> rows).</summary>
    public Task<IReadOnlyList<RedemptionRecord>> GetRedemptionsAsync(string memberId, CancellationToken ct) =>
        ReadRangeAsync<RedemptionRecord>(memberId, MemberRows.RedemptionPrefix, MemberRows.RedemptionPrefixEnd, ct);

    private async Task<IReadOnlyList<T>> ReadRangeAsync<T>(string memberId, string from, string to, CancellationToken ct)
    {
        RequireKey(memberId, nameof(memberId));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {memberId} and RowKey ge {from} and RowKey lt {to}");
        var rows = new List<T>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["Data"], cancellationToken: ct).ConfigureAwait(false))
        {
            rows.Add(MemberRows.Deserialize<T>(row));
        }

        return rows;
    }

    private static string LedgerFilter(string memberId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {memberId} and RowKey ge {MemberRows.TxPrefix} and RowKey lt {MemberRows.TxPrefixEnd}");

    private async Task<TableEntity?> ReadRowAsync(string memberId, string rowKey, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(memberId, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    // Ids end up in keys and URLs; refusing anything outside Core's key rules before any
    // request keeps hostile ids away from the service. The message never echoes the id.
    private static void RequireKey(string? id, string paramName)
    {
        if (!Keys.IsValid(id))
        {
            throw new ArgumentException($"Not a valid id: {Keys.Rule()}.", paramName);
        }
    }
}

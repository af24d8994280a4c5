using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>
/// The rows an erased member's commit does not cover, rewritten or removed: the text of feedback
/// and service records (<c>note|</c>), the outbox (<c>msg|</c> rows and their due-index rows), the data exports prepared for
/// privacy requests, the free-text reasons on the ledger (adjustments, benefit notes, reversals), the birthday index
/// row, and the directory's e-mail and phone lookup rows. Points, amounts, dates, order and
/// redemption rows and the event markers stay. Safe to run again: a second run finds nothing.
/// </summary>
public sealed class ErasureRows(StorageClients clients)
{
    /// <summary>The reason written over a free-text ledger reason.</summary>
    public const string ErasedText = "(erased)";

    private static readonly HashSet<string> FreeTextKinds = [LedgerKinds.Adjusted, LedgerKinds.BenefitUsed, LedgerKinds.RedemptionReversed];

    /// <summary>Rewrites or removes the member's rows that hold personal data; returns how many changed.</summary>
    public async Task<int> ScrubAsync(string memberId, CancellationToken ct)
    {
        if (!Keys.IsValidMemberId(memberId))
        {
            throw new ArgumentException("Not a valid member id.", nameof(memberId));
        }

        var changed = 0;

        // The due index first, so the dispatcher never finds a row whose message is gone; and any
        // data export prepared for a privacy request of this member.
        var schedule = clients.Schedule;
        var scheduleRows = schedule.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"(PartitionKey eq {"outbox"} and MemberId eq {memberId}) or (PartitionKey eq {PrivacyRequests.ExportPartition} and MemberId eq {memberId}) or (PartitionKey ge {"birthday|"} and PartitionKey lt {"birthday}"} and RowKey eq {memberId})"),
            select: ["PartitionKey", "RowKey"],
            cancellationToken: ct);
        await foreach (var row in scheduleRows.ConfigureAwait(false))
        {
            await Delete(schedule, row, ct).ConfigureAwait(false);
            changed++;
        }

        var members = clients.Members;
        await foreach (var row in members.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {memberId}"), cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey.StartsWith(MemberRows.MessagePrefix, StringComparison.Ordinal))
            {
                await Delete(members, row, ct).ConfigureAwait(false);
                changed++;
            }
            else if (row.RowKey.StartsWith(MemberRows.NotePrefix, StringComparison.Ordinal) && MemberRows.Deserialize<MemberNote>(row) is { Text: not null } note)
            {
                await members.UpsertEntityAsync(MemberRows.NoteRow(memberId, note with { Text = null }), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                changed++;
            }
            else if (row.RowKey.StartsWith(MemberRows.TxPrefix, StringComparison.Ordinal) && FreeTextKinds.Contains(row.GetString("Kind") ?? string.Empty)
                && row.GetString("Reason") is { } reason && reason != ErasedText)
            {
                await members.UpdateEntityAsync(new TableEntity(memberId, row.RowKey) { ["Reason"] = ErasedText }, row.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                changed++;
            }
        }

        // E-mail and phone lookups (every one ever written, a changed address's too); order lookups stay.
        var directory = clients.Directory;
        var lookups = directory.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MemberDirectory.Partition} and MemberId eq {memberId}"), select: ["PartitionKey", "RowKey"], cancellationToken: ct);
        await foreach (var row in lookups.ConfigureAwait(false))
        {
            if (row.RowKey.StartsWith("e:", StringComparison.Ordinal) || row.RowKey.StartsWith("p:", StringComparison.Ordinal))
            {
                await Delete(directory, row, ct).ConfigureAwait(false);
                changed++;
            }
        }

        return changed;
    }

    private static async Task Delete(TableClient table, TableEntity row, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Another run took it first.
        }
    }
}

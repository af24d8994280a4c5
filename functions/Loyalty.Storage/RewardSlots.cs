using Azure;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>How a claim on a limited reward came out.</summary>
/// <param name="Granted">The redemption holds a slot (a new one, or the one it claimed before).</param>
/// <param name="Fresh">This call took the slot (false: the request held it already, or none was free).</param>
/// <param name="Taken">Slots taken after the claim, as read or written.</param>
public sealed record RewardClaim(bool Granted, bool Fresh, long Taken);

/// <summary>
/// The global limit of a reward, exact across members: one partition per limited reward in the
/// orders table, <c>reward|{rewardId}</c>, with a <c>count</c> row (<c>Taken</c>) and one
/// <c>claim|{memberId}|{requestId}</c> row per redemption holding a slot. A claim is one
/// entity-group transaction: the count (If-Match, or inserted at 1) and the claim row (insert),
/// so the count always equals the claim rows, two claimers cannot both take the last slot, and a
/// retried request finds its own claim row instead of taking a second slot. A release deletes the
/// claim row and lowers the count in one transaction, once.
/// </summary>
public sealed class RewardSlots(StorageClients clients)
{
    /// <summary>Most rounds against other claimers before giving up (each lost round means another claim or release went in).</summary>
    public const int MaxRounds = 200;

    private const string CountRow = "count";

    /// <summary>The partition of a reward's count and claims.</summary>
    public static string PartitionOf(string rewardId) => "reward|" + rewardId;

    /// <summary>The claim row of one redemption.</summary>
    public static string ClaimRowOf(string memberId, string requestId) => $"claim|{memberId}|{requestId}";

    /// <summary>
    /// Claims a slot of <paramref name="reward"/> for the redemption <paramref name="requestId"/> of
    /// <paramref name="memberId"/>: 1 point read of the count and 1 transaction; when the limit is
    /// reached, 1 point read of the claim row instead (a retry keeps the slot it holds).
    /// </summary>
    /// <exception cref="RequestFailedException">Lost <see cref="MaxRounds"/> rounds to other claimers.</exception>
    public async Task<RewardClaim> ClaimAsync(Reward reward, string memberId, string requestId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reward);
        Require(memberId, requestId);
        var partition = PartitionOf(reward.Id);
        var claimRow = ClaimRowOf(memberId, requestId);
        for (var round = 1; ; round++)
        {
            var count = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(partition, CountRow, ["Taken"], ct).ConfigureAwait(false);
            var taken = count.HasValue ? count.Value!.GetInt64("Taken") ?? 0 : 0;
            if (!RewardLimits.HasRoom(reward, taken))
            {
                var mine = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(partition, claimRow, ["MemberId"], ct).ConfigureAwait(false);
                return new RewardClaim(mine.HasValue, false, taken);
            }

            var next = new TableEntity(partition, CountRow) { ["Taken"] = taken + 1 };
            TableTransactionAction[] actions =
            [
                count.HasValue ? new(TableTransactionActionType.UpdateMerge, next, count.Value!.ETag) : new(TableTransactionActionType.Add, next),
                new(TableTransactionActionType.Add, new TableEntity(partition, claimRow) { ["MemberId"] = memberId, ["RequestId"] = requestId, ["ClaimedAt"] = now }),
            ];
            try
            {
                await clients.Orders.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                return new RewardClaim(true, true, taken + 1);
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 1 && ex.Status == 409)
            {
                // This request claimed its slot before (a retry, or a commit that lost a race).
                return new RewardClaim(true, false, taken);
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status is 409 or 412 && round < MaxRounds)
            {
                // Another claim or release went in first: read the count again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + Math.Min(round, 20))), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Gives back the slot the redemption <paramref name="requestId"/> holds (1 point read of the
    /// count and 1 transaction); false when it holds none (never claimed, or given back already).
    /// </summary>
    public async Task<bool> ReleaseAsync(string rewardId, string memberId, string requestId, CancellationToken ct)
    {
        Require(memberId, requestId);
        var partition = PartitionOf(rewardId);
        for (var round = 1; ; round++)
        {
            var count = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(partition, CountRow, ["Taken"], ct).ConfigureAwait(false);
            if (!count.HasValue)
            {
                return false;
            }

            var taken = count.Value!.GetInt64("Taken") ?? 0;
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, CountRow) { ["Taken"] = Math.Max(0, taken - 1) }, count.Value.ETag),
                new(TableTransactionActionType.Delete, new TableEntity(partition, ClaimRowOf(memberId, requestId)), ETag.All),
            ];
            try
            {
                await clients.Orders.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 1 && ex.Status == 404)
            {
                return false;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status == 412 && round < MaxRounds)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + Math.Min(round, 20))), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How many slots of the reward are taken (1 point read).</summary>
    public async Task<long> TakenAsync(string rewardId, CancellationToken ct)
    {
        var count = await clients.Orders.GetEntityIfExistsAsync<TableEntity>(PartitionOf(rewardId), CountRow, ["Taken"], ct).ConfigureAwait(false);
        return count.HasValue ? count.Value!.GetInt64("Taken") ?? 0 : 0;
    }

    /// <summary>The redemptions holding a slot of the reward, as (member, request) (one query of its partition).</summary>
    public async Task<IReadOnlyList<(string MemberId, string RequestId)>> ClaimsAsync(string rewardId, CancellationToken ct)
    {
        var partition = PartitionOf(rewardId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"claim|"} and RowKey lt {"claim}"}");
        var claims = new List<(string, string)>();
        await foreach (var row in clients.Orders.QueryAsync<TableEntity>(filter, select: ["MemberId", "RequestId"], cancellationToken: ct).ConfigureAwait(false))
        {
            claims.Add((row.GetString("MemberId") ?? string.Empty, row.GetString("RequestId") ?? string.Empty));
        }

        return claims;
    }

    private static void Require(string memberId, string requestId)
    {
        if (!Keys.IsValidMemberId(memberId) || !Keys.IsValidRequestId(requestId))
        {
            throw new ArgumentException("Member and request ids must keep to the key rules.");
        }
    }
}

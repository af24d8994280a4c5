using System.Diagnostics;
using System.Text.Json;
using Loyalty.App.Intake;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;

namespace Loyalty.App.Privacy;

/// <summary>What one run of <see cref="ShopifyPrivacyJob"/> did.</summary>
public sealed record PrivacyRun(DateTimeOffset At, int Open, int Completed, int MembersErased);

/// <summary>
/// The <c>ProcessPrivacyRequests</c> timer: works through the privacy requests recorded by the
/// Shopify webhook (<see cref="PrivacyRequests"/>), oldest first.
/// <list type="bullet">
/// <item><c>customers/redact</c>: erases the member of <c>customer.id</c> (or, for a body without
/// one, the Shopify members the directory finds by the keyed hash of its e-mail) and every member an
/// order it lists was credited to (found through the order index), each through
/// <see cref="MemberErasure"/> (the one writer path, <see cref="MemberErased"/>).</item>
/// <item><c>customers/data_request</c>: prepares the same members' data (as
/// <c>GET /api/admin/members/{id}/export</c> gives it) and stores it for the owner.</item>
/// <item><c>shop/redact</c>: erases every Shopify member, <see cref="ShopBatch"/> at a time, with a
/// cursor on the request row so a run cut short goes on where it stopped.</item>
/// </list>
/// A request that fails (storage, a member busy under every retry) stays queued with the reason
/// and is tried again at the next run; every step is idempotent, so a repeat changes nothing twice.
/// </summary>
public sealed class ShopifyPrivacyJob(
    PrivacyRequests requests,
    MemberStore store,
    OrderClaims claims,
    MemberErasure erasure,
    MemberDirectory directory,
    TimeProvider clock,
    ILogger<ShopifyPrivacyJob> logger)
{
    /// <summary>The job's name (timer, <c>POST /api/admin/jobs/{job}/runs</c>).</summary>
    public const string Job = "ProcessPrivacyRequests";

    /// <summary>Members a shop erasure reads and erases per page.</summary>
    public const int ShopBatch = 100;

    /// <summary>How long one run works on a shop erasure before leaving the rest to the next run.</summary>
    public static readonly TimeSpan RunBudget = TimeSpan.FromMinutes(2);

    /// <summary>Works on every open request.</summary>
    public async Task<PrivacyRun> RunAsync(CancellationToken ct)
    {
        var open = await requests.OpenAsync(ct);
        var completed = 0;
        var erased = 0;
        var watch = Stopwatch.StartNew();
        foreach (var request in open)
        {
            PrivacyRequest next;
            try
            {
                next = request.Topic switch
                {
                    "customers/redact" => await RedactCustomerAsync(request, ct),
                    "customers/data_request" => await ExportCustomerAsync(request, ct),
                    "shop/redact" => await RedactShopAsync(request, watch, ct),
                    _ => request with { Status = PrivacyRequest.Done, LastError = "unknown topic" },
                };
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One request's failure is recorded on it and retried at the next run; the others go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogError(ex, "Privacy request {RequestId} ({Topic}) failed; it is tried again at the next run", request.Id, request.Topic);
                next = request with { LastError = ex.GetType().Name };
            }

            next = next with { Attempts = request.Attempts + 1 };
            if (next.Status == PrivacyRequest.Done)
            {
                // The e-mail's hash was kept only to find the member.
                next = next with { EmailHash = null };
            }

            await requests.SaveAsync(next, ct);
            erased += next.Erased - request.Erased;
            if (next.Status == PrivacyRequest.Done)
            {
                completed++;
                logger.LogInformation("Privacy request {RequestId} ({Topic}) done: {Members} member(s)", next.Id, next.Topic, next.MemberIds.Count + next.Erased);
            }
        }

        return new PrivacyRun(clock.GetUtcNow(), open.Count, completed, erased);
    }

    private async Task<PrivacyRequest> RedactCustomerAsync(PrivacyRequest request, CancellationToken ct)
    {
        var members = await MembersOfAsync(request, ct);
        foreach (var memberId in members)
        {
            if (await erasure.EraseAsync(memberId, "shopify-customers-redact", ct) is null)
            {
                return request with { LastError = "member busy" };
            }
        }

        return request with { Status = PrivacyRequest.Done, MemberIds = members, Erased = members.Count, CompletedAt = clock.GetUtcNow(), LastError = null };
    }

    private async Task<PrivacyRequest> ExportCustomerAsync(PrivacyRequest request, CancellationToken ct)
    {
        var members = await MembersOfAsync(request, ct);
        var now = clock.GetUtcNow();
        foreach (var memberId in members)
        {
            if (await store.GetStateAsync(memberId, ct) is { } state)
            {
                var data = await MemberDataReader.BuildAsync(store, state, now, ct);
                await requests.SaveExportAsync(request.Id, memberId, JsonSerializer.Serialize(data, EventEnvelope.Json), ct);
            }
        }

        return request with { Status = PrivacyRequest.Done, MemberIds = members, HasExport = true, CompletedAt = now, LastError = null };
    }

    private async Task<PrivacyRequest> RedactShopAsync(PrivacyRequest request, Stopwatch watch, CancellationToken ct)
    {
        while (watch.Elapsed < RunBudget)
        {
            var page = await store.ListMemberIdsAsync(ShopifyIntake.MemberPrefix, request.Cursor, ShopBatch, ct);
            foreach (var memberId in page)
            {
                if (await erasure.EraseAsync(memberId, "shopify-shop-redact", ct) is null)
                {
                    return request with { LastError = "member busy" };
                }

                request = request with { Cursor = memberId, Erased = request.Erased + 1 };
            }

            if (page.Count < ShopBatch)
            {
                return request with { Status = PrivacyRequest.Done, CompletedAt = clock.GetUtcNow(), LastError = null };
            }

            // The page's progress is kept before the next, so a run cut off repeats at most one page.
            await requests.SaveAsync(request, ct);
        }

        return request;
    }

    // The member of customer.id (when there is one; else the Shopify members of the e-mail's hash) and the members the listed orders were credited to.
    private async Task<IReadOnlyList<string>> MembersOfAsync(PrivacyRequest request, CancellationToken ct)
    {
        var members = new List<string>();
        if (request.CustomerId is { } customer && await store.GetStateAsync(ShopifyIntake.MemberPrefix + customer, ct) is not null)
        {
            members.Add(ShopifyIntake.MemberPrefix + customer);
        }
        else if (request.CustomerId is null && request.EmailHash is { } emailHash)
        {
            // Only this shop's kind of member: a member of another source with the same e-mail is not the shop's to erase.
            var found = await directory.LookupHashAsync("email", emailHash, ct);
            members.AddRange(found.Select(e => e.MemberId).Where(id => id.StartsWith(ShopifyIntake.MemberPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        foreach (var order in request.OrderIds)
        {
            if ((await claims.FindAsync(OrderKeys.For($"shopify:{request.ShopDomain}", order), ct))?.MemberId is { } memberId && !members.Contains(memberId))
            {
                members.Add(memberId);
            }
        }

        return members;
    }
}

using System.Globalization;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Rewards;

/// <summary>What one dispatcher run did, by outcome.</summary>
public sealed record DiscountRun(string Job, DateTimeOffset At, int Due, int Created, int Retried, int Refused, int Other, int Deleted = 0);

/// <summary>
/// Creates due discounts in the shop (timer <see cref="Job"/>, both hosts, and right after a
/// redemption). For each row of the due-discounts index: claim the discount through
/// <see cref="MemberCommands"/> (a <see cref="DiscountDue"/> decision that leaves it due again after
/// the lease), call the member's shop, and record the outcome through the same path
/// (<see cref="DiscountAttempted"/>). A dispatcher that dies between the call and the record is
/// followed, after the lease, by a call with the same code, which the shop answers "taken": the
/// existing discount is read and recorded, so there is never a second one.
/// </summary>
public sealed class DiscountDispatcher(
    DiscountIndex index,
    MemberCommands commands,
    MemberStore store,
    ShopifyDiscounts shopify,
    WooCommerceCoupons woo,
    RewardWebhook webhook,
    IOptions<DiscountOptions> options,
    TimeProvider clock,
    ILogger<DiscountDispatcher> logger)
{
    /// <summary>The timer's name.</summary>
    public const string Job = "CreateDiscounts";

    /// <summary>Takes the due rows, up to the batch size, and handles each in turn.</summary>
    public async Task<DiscountRun> RunAsync(CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var due = await index.DueAsync(at, options.Value.BatchSize, ct);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in due)
        {
            var status = (await HandleAsync(row, ct))?.Status ?? "other";
            counts[status] = counts.GetValueOrDefault(status) + 1;
        }

        var run = new DiscountRun(Job, at, due.Count, counts.GetValueOrDefault(DiscountStatuses.Created), counts.GetValueOrDefault(DiscountStatuses.Waiting), counts.GetValueOrDefault(DiscountStatuses.Refused), counts.GetValueOrDefault("other"), counts.GetValueOrDefault(DiscountStatuses.Deleted));
        logger.LogInformation("Discount dispatcher took {Due} due discounts: {Created} created, {Retried} to retry, {Refused} refused, {Deleted} deleted", run.Due, run.Created, run.Retried, run.Refused, run.Deleted);
        return run;
    }

    /// <summary>
    /// Creates the discount a redemption just wrote, waiting at most <see cref="DiscountOptions.WaitSeconds"/>:
    /// the discount as it then stands. A call still running goes on after the wait and records its outcome.
    /// </summary>
    public async Task<DiscountOrder> CreateNowAsync(string memberId, DiscountOrder written, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (written.DueAt is not { } due || written.Status != DiscountStatuses.Waiting || due > clock.GetUtcNow())
        {
            return written;
        }

        // Not tied to the request: an answer the caller stops waiting for is still recorded.
        var work = HandleAsync(new DueMessage(memberId, written.RequestId, due), CancellationToken.None);
        var wait = Task.Delay(TimeSpan.FromSeconds(options.Value.WaitSeconds), ct);
        if (await Task.WhenAny(work, wait) == work && await work is { } after)
        {
            return after;
        }

        return await store.GetDiscountAsync(memberId, written.RequestId, ct) ?? written;
    }

    // One due row: the claim, the call, the outcome. Null when the claim took nothing.
    private async Task<DiscountOrder?> HandleAsync(DueMessage row, CancellationToken ct)
    {
        var requestId = row.MessageId;
        var claim = await commands.ApplyAsync(new DiscountDue(DiscountRules.DueEventId(row.MemberId, requestId, row.DueAt), row.MemberId, clock.GetUtcNow(), requestId), ct);

        // Whatever the claim decided, this row is done with: a later due time has a row of its
        // own, written before the claim's commit.
        await index.RemoveAsync(row, ct);
        if (claim.Outcome != DecisionOutcome.Applied || claim.Decision.Discount is not { } discount || claim.State is not { } state)
        {
            return null;
        }

        if (discount.Status is not (DiscountStatuses.Creating or DiscountStatuses.Deleting))
        {
            return discount;
        }

        var call = new DiscountCall(row.MemberId, discount, state.Profile.Email, clock.GetUtcNow());
        var result = discount.Status == DiscountStatuses.Deleting
            ? discount.Channel switch
            {
                DiscountChannels.Shopify => await shopify.DeleteAsync(call, ct),
                DiscountChannels.WooCommerce => await woo.DeleteAsync(call, ct),
                _ => await webhook.DeleteAsync(call, ct),
            }
            : ProductProblem(discount) is { } problem
            ? new DiscountResult(DiscountOutcomes.Refused, problem)
            : discount.Channel switch
            {
                DiscountChannels.Shopify => await shopify.CreateAsync(call, ct),
                DiscountChannels.WooCommerce => await woo.CreateAsync(call, ct),
                _ => await webhook.CreateAsync(call, ct),
            };
        var recorded = await commands.ApplyAsync(
            new DiscountAttempted(DiscountRules.AttemptEventId(row.MemberId, requestId, discount.Attempts), row.MemberId, clock.GetUtcNow(), requestId, discount.Attempts, result.Outcome, result.Reason, result.ShopDiscountId ?? discount.ShopDiscountId),
            ct);
        if (recorded.Outcome != DecisionOutcome.Applied || recorded.Decision.Discount is not { } after)
        {
            return null;
        }

        // The lease row the claim wrote is not needed once an outcome is recorded.
        await index.RemoveAsync(new DueMessage(row.MemberId, requestId, discount.DueAt!.Value), ct);
        logger.LogInformation("Discount {Key} of member {MemberId} ({Channel}, attempt {Attempt}): {Status} {Reason}", discount.IdempotencyKey, row.MemberId, discount.Channel, discount.Attempts, after.Status, after.Reason);
        return after;
    }

    // A free product needs the shop's product: a Shopify gid or id, a WooCommerce product id.
    private static string? ProductProblem(DiscountOrder d) => d.Kind != RewardKind.FreeProduct || d.Channel == DiscountChannels.Webhook
        ? null
        : d.ProductId is null
            ? "the reward names no shop product (Rewards:N:ProductId)"
            : d.Channel == DiscountChannels.WooCommerce && !long.TryParse(d.ProductId, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? "a WooCommerce product id is a number"
                : null;
}

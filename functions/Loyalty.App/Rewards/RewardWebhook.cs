using System.Text.Json;
using Loyalty.App.Intake;
using Loyalty.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Rewards;

/// <summary>
/// The generic API's channel: each redemption POSTed as a <c>reward.redeemed</c> JSON event with
/// <c>X-Loyalty-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> (as the message webhook) and
/// <c>X-Loyalty-Delivery</c>, the redemption's idempotency key, the same on every attempt. The shop
/// creates the code; 2xx confirms it; 408, 429 and 5xx are retried; any other 4xx refuses it.
/// </summary>
public sealed class RewardWebhook(IOptions<RewardWebhookOptions> options, IOptions<DiscountOptions> discountOptions, ILogger<RewardWebhook> logger) : IDisposable
{
    /// <summary>The event type in the body.</summary>
    public const string EventType = "reward.redeemed";

    /// <summary>The event type telling the shop a code expired unused: delete it.</summary>
    public const string ExpiredType = "reward.expired";

    /// <summary>The event type telling the shop a redemption was reversed: delete its code.</summary>
    public const string ReversedType = "reward.reversed";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(discountOptions.Value.TimeoutSeconds) };

    /// <summary>The JSON body for <paramref name="call"/>.</summary>
    public static byte[] Body(DiscountCall call, string type = EventType)
    {
        ArgumentNullException.ThrowIfNull(call);
        var d = call.Discount;
        return JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                type,
                deliveryId = DeliveryId(d, type),
                memberId = call.MemberId,
                requestId = d.RequestId,
                rewardId = d.RewardId,
                name = d.Title,
                kind = d.Kind.ToString(),
                code = d.Code,
                value = d.Value,
                currency = d.Currency,
                productId = d.ProductId,
                usageLimit = 1,
                expiresAt = d.ExpiresAt,
                redeemedAt = d.CreatedAt,
                reason = type == EventType ? null : d.DeleteReason,
            },
            EventEnvelope.Json);
    }

    /// <summary>Posts the redemption of <paramref name="call"/>.</summary>
    public Task<DiscountResult> CreateAsync(DiscountCall call, CancellationToken ct) =>
        PostAsync(call, EventType, DiscountOutcomes.Created, ct);

    /// <summary>Posts <c>reward.expired</c> (or <c>reward.reversed</c>) for <paramref name="call"/>: its 2xx confirms the code is gone.</summary>
    public Task<DiscountResult> DeleteAsync(DiscountCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        return PostAsync(call, call.Discount.DeleteReason == DiscountRules.ExpiredReason ? ExpiredType : ReversedType, DiscountOutcomes.Deleted, ct);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    // Stable per redemption and event type: the same on every attempt, different for the deletion.
    private static string DeliveryId(DiscountOrder d, string type) => type == EventType ? d.IdempotencyKey : d.IdempotencyKey + "." + type;

    private async Task<DiscountResult> PostAsync(DiscountCall call, string type, string done, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        var o = options.Value;
        var body = Body(call, type);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Loyalty-Signature", Signatures.ComputeHexHeader(body, o.Secret ?? string.Empty));
        request.Headers.Add("X-Loyalty-Delivery", DeliveryId(call.Discount, type));
        try
        {
            using var response = await _http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new DiscountResult(done, ShopDiscountId: call.Discount.Code);
            }

            logger.LogWarning("The reward webhook answered {Status} to {Type} for discount {Key}", status, type, call.Discount.IdempotencyKey);
            return new DiscountResult(status is 408 or 429 or >= 500 ? DiscountOutcomes.Retry : DiscountOutcomes.Refused, $"webhook {status}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("The reward webhook could not take discount {Key}: {ErrorType}", call.Discount.IdempotencyKey, ex.GetType().Name);
            return new DiscountResult(DiscountOutcomes.Retry, "webhook " + ex.GetType().Name);
        }
    }
}

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

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(discountOptions.Value.TimeoutSeconds) };

    /// <summary>The JSON body for <paramref name="call"/>.</summary>
    public static byte[] Body(DiscountCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var d = call.Discount;
        return JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                type = EventType,
                deliveryId = d.IdempotencyKey,
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
            },
            EventEnvelope.Json);
    }

    /// <summary>Posts the redemption of <paramref name="call"/>.</summary>
    public async Task<DiscountResult> CreateAsync(DiscountCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        var o = options.Value;
        var body = Body(call);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Loyalty-Signature", Signatures.ComputeHexHeader(body, o.Secret ?? string.Empty));
        request.Headers.Add("X-Loyalty-Delivery", call.Discount.IdempotencyKey);
        try
        {
            using var response = await _http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new DiscountResult(DiscountOutcomes.Created, ShopDiscountId: call.Discount.Code);
            }

            logger.LogWarning("The reward webhook answered {Status} for discount {Key}", status, call.Discount.IdempotencyKey);
            return new DiscountResult(status is 408 or 429 or >= 500 ? DiscountOutcomes.Retry : DiscountOutcomes.Refused, $"webhook {status}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("The reward webhook could not take discount {Key}: {ErrorType}", call.Discount.IdempotencyKey, ex.GetType().Name);
            return new DiscountResult(DiscountOutcomes.Retry, "webhook " + ex.GetType().Name);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Rewards;

/// <summary>
/// Creates the coupon through WooCommerce's REST API, <c>POST /wp-json/wc/v3/coupons</c> with the
/// consumer key and secret as HTTP Basic (over HTTPS): <c>fixed_cart</c> or <c>percent</c>,
/// <c>free_shipping</c>, a free product as <c>percent</c> 100 on <c>product_ids</c> for one item;
/// <c>usage_limit</c> 1, <c>email_restrictions</c> to the member, <c>date_expires</c>. The code is
/// unique in a shop, so a retry after a lost answer is told
/// <c>woocommerce_rest_coupon_code_already_exists</c> and reads the coupon by its code.
/// </summary>
public sealed class WooCommerceCoupons(IOptions<WooCommerceApiOptions> options, IOptions<DiscountOptions> discountOptions, LoyaltyProgram program, ILogger<WooCommerceCoupons> logger) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(discountOptions.Value.TimeoutSeconds) };

    /// <summary>The coupon body for <paramref name="call"/>; null when the member has no e-mail address to restrict it to.</summary>
    public static JsonObject? Body(DiscountCall call, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(zone);
        if (string.IsNullOrWhiteSpace(call.Email))
        {
            return null;
        }

        var d = call.Discount;
        var body = new JsonObject
        {
            ["code"] = d.Code,
            ["description"] = $"{d.Title} (loyalty redemption {d.IdempotencyKey})",
            ["usage_limit"] = 1,
            ["usage_limit_per_user"] = 1,
            ["individual_use"] = false,

            // WooCommerce reads date_expires in the site's time zone, which is the program's.
            ["date_expires"] = TimeZoneInfo.ConvertTime(d.ExpiresAt, zone).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
            ["email_restrictions"] = new JsonArray(call.Email.Trim()),
        };
        switch (d.Kind)
        {
            case RewardKind.FixedDiscount:
                body["discount_type"] = "fixed_cart";
                body["amount"] = Money(d.Value ?? 0m);
                break;
            case RewardKind.PercentDiscount:
                body["discount_type"] = "percent";
                body["amount"] = Money(d.Value ?? 0m);
                break;
            case RewardKind.FreeShipping:
                body["discount_type"] = "fixed_cart";
                body["amount"] = "0";
                body["free_shipping"] = true;
                break;
            default:
                body["discount_type"] = "percent";
                body["amount"] = "100";
                body["product_ids"] = new JsonArray(long.Parse(d.ProductId ?? "0", CultureInfo.InvariantCulture));
                body["limit_usage_to_x_items"] = 1;
                break;
        }

        return body;
    }

    /// <summary>Creates the coupon of <paramref name="call"/>.</summary>
    public async Task<DiscountResult> CreateAsync(DiscountCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (Body(call, program.Zone) is not { } body)
        {
            return new DiscountResult(DiscountOutcomes.Refused, "WooCommerce: the member has no e-mail address to restrict the coupon to");
        }

        using var request = Request(HttpMethod.Post, "coupons");
        request.Content = JsonContent.Create(body);
        var (failed, answer) = await SendAsync(request, call.Discount, ct);
        if (failed is null)
        {
            return new DiscountResult(DiscountOutcomes.Created, ShopDiscountId: answer?["id"]?.ToString());
        }

        if (failed.Reason == "WooCommerce 400 woocommerce_rest_coupon_code_already_exists")
        {
            // Created by an attempt whose answer was lost: the code is ours (it is unique per redemption).
            using var lookup = Request(HttpMethod.Get, "coupons?code=" + Uri.EscapeDataString(call.Discount.Code));
            var (notFound, list) = await SendAsync(lookup, call.Discount, ct);
            return notFound ?? (list is JsonArray { Count: > 0 } coupons
                ? new DiscountResult(DiscountOutcomes.Created, ShopDiscountId: coupons[0]?["id"]?.ToString())
                : new DiscountResult(DiscountOutcomes.Retry, "WooCommerce: code taken but not found"));
        }

        return failed;
    }

    /// <summary>
    /// Deletes the coupon of <paramref name="call"/> for good (<c>DELETE /coupons/{id}?force=true</c>),
    /// found by its code when its id was never recorded; a coupon the shop no longer has (404) counts as deleted.
    /// </summary>
    public async Task<DiscountResult> DeleteAsync(DiscountCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        var id = call.Discount.ShopDiscountId;
        if (id is null)
        {
            using var lookup = Request(HttpMethod.Get, "coupons?code=" + Uri.EscapeDataString(call.Discount.Code));
            var (failed, list) = await SendAsync(lookup, call.Discount, ct);
            if (failed is not null)
            {
                return failed;
            }

            if (list is not JsonArray { Count: > 0 } coupons || coupons[0]?["id"]?.ToString() is not { } found)
            {
                return new DiscountResult(DiscountOutcomes.Deleted);
            }

            id = found;
        }

        using var request = Request(HttpMethod.Delete, "coupons/" + Uri.EscapeDataString(id) + "?force=true");
        var (refused, _) = await SendAsync(request, call.Discount, ct);
        return refused is null || refused.Reason?.StartsWith("WooCommerce 404", StringComparison.Ordinal) == true
            ? new DiscountResult(DiscountOutcomes.Deleted, ShopDiscountId: id)
            : refused;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var o = options.Value;
        var request = new HttpRequestMessage(method, o.Resource(path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.ConsumerKey}:{o.ConsumerSecret}")));
        return request;
    }

    // One request: a result when it failed (retry or refused, with WooCommerce's error code), else the JSON answer.
    private async Task<(DiscountResult? Failed, JsonNode? Answer)> SendAsync(HttpRequestMessage request, DiscountOrder d, CancellationToken ct)
    {
        try
        {
            using var response = await _http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            JsonNode? answer = null;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<JsonNode>(ct);
            }
            catch (JsonException)
            {
                // A proxy's HTML error page: the status decides.
            }

            if (response.IsSuccessStatusCode)
            {
                return (null, answer);
            }

            var code = (answer as JsonObject)?["code"]?.GetValue<string>();
            var reason = $"WooCommerce {status} {code}".Trim();
            logger.LogWarning("WooCommerce answered {Reason} for discount {Key}", reason, d.IdempotencyKey);
            return (new DiscountResult(status is 408 or 429 or >= 500 ? DiscountOutcomes.Retry : DiscountOutcomes.Refused, reason), null);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("WooCommerce could not take discount {Key}: {ErrorType}", d.IdempotencyKey, ex.GetType().Name);
            return (new DiscountResult(DiscountOutcomes.Retry, "WooCommerce " + ex.GetType().Name), null);
        }
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Rewards;

/// <summary>What a channel is given: the member, the discount row and the member's e-mail (WooCommerce's restriction only).</summary>
public sealed record DiscountCall(string MemberId, DiscountOrder Discount, string? Email, DateTimeOffset At);

/// <summary>How one call to the shop came out: a <see cref="DiscountOutcomes"/> value, a reason that names no person, the shop's id.</summary>
public sealed record DiscountResult(string Outcome, string? Reason = null, string? ShopDiscountId = null);

/// <summary>
/// Creates the discount through Shopify's Admin GraphQL API (version
/// <see cref="ShopifyAdminOptions.AdminApiVersion"/>, written against 2025-01):
/// <c>discountCodeBasicCreate</c> for an amount or percentage off (a free product: the product or
/// variant at 100%, or its <see cref="DiscountOrder.Value"/> off once), and
/// <c>discountCodeFreeShippingCreate</c>; one use, for the member's customer only, ending at the
/// expiry. The code is unique in a shop, so a retry after a lost answer is told <c>TAKEN</c> and
/// reads the existing discount by its code instead of making a second one.
/// </summary>
public sealed class ShopifyDiscounts(IOptions<ShopifyAdminOptions> options, IOptions<DiscountOptions> discountOptions, ILogger<ShopifyDiscounts> logger) : IDisposable
{
    /// <summary>The basic (amount or percentage off) mutation.</summary>
    public const string BasicCreate = """
        mutation discountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
          discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
            codeDiscountNode { id }
            userErrors { field code message }
          }
        }
        """;

    /// <summary>The free-shipping mutation.</summary>
    public const string FreeShippingCreate = """
        mutation discountCodeFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
          discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
            codeDiscountNode { id }
            userErrors { field code message }
          }
        }
        """;

    /// <summary>The look-up of a discount by its code (after <c>TAKEN</c>).</summary>
    public const string ByCode = """
        query codeDiscountNodeByCode($code: String!) {
          codeDiscountNodeByCode(code: $code) { id }
        }
        """;

    /// <summary>The deletion of a code discount by its id (an expired or reversed redemption's).</summary>
    public const string Delete = """
        mutation discountCodeDelete($id: ID!) {
          discountCodeDelete(id: $id) {
            deletedCodeDiscountId
            userErrors { field code message }
          }
        }
        """;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(discountOptions.Value.TimeoutSeconds) };

    /// <summary>The mutation, its variable name and its input for <paramref name="call"/>.</summary>
    public static (string Query, string Variable, JsonObject Input) Request(DiscountCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var d = call.Discount;
        var input = new JsonObject
        {
            ["title"] = $"{d.Title} ({d.Code})",
            ["code"] = d.Code,
            ["startsAt"] = d.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["endsAt"] = d.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["customerSelection"] = new JsonObject { ["customers"] = new JsonObject { ["add"] = new JsonArray("gid://shopify/Customer/" + DiscountChannels.ShopCustomerId(call.MemberId)) } },
            ["appliesOncePerCustomer"] = true,
            ["usageLimit"] = 1,
        };
        if (d.Kind == RewardKind.FreeShipping)
        {
            input["destination"] = new JsonObject { ["all"] = true };
            return (FreeShippingCreate, "freeShippingCodeDiscount", input);
        }

        input["customerGets"] = d.Kind switch
        {
            RewardKind.FixedDiscount => new JsonObject
            {
                ["value"] = new JsonObject { ["discountAmount"] = new JsonObject { ["amount"] = Money(d.Value ?? 0m), ["appliesOnEachItem"] = false } },
                ["items"] = new JsonObject { ["all"] = true },
            },
            RewardKind.PercentDiscount => new JsonObject
            {
                ["value"] = new JsonObject { ["percentage"] = (double)((d.Value ?? 0m) / 100m) },
                ["items"] = new JsonObject { ["all"] = true },
            },
            _ => new JsonObject
            {
                // A free product: its value off once when the reward names one, else the product at 100%.
                ["value"] = d.Value is { } most
                    ? new JsonObject { ["discountAmount"] = new JsonObject { ["amount"] = Money(most), ["appliesOnEachItem"] = false } }
                    : new JsonObject { ["percentage"] = 1.0 },
                ["items"] = new JsonObject { ["products"] = Products(d.ProductId) },
            },
        };
        return (BasicCreate, "basicCodeDiscount", input);
    }

    /// <summary>Creates the discount of <paramref name="call"/>.</summary>
    public async Task<DiscountResult> CreateAsync(DiscountCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (query, variable, input) = Request(call);
        var (result, data) = await PostAsync(query, new JsonObject { [variable] = input }, call.Discount, ct);
        if (result is not null)
        {
            return result;
        }

        var payload = data?[query == FreeShippingCreate ? "discountCodeFreeShippingCreate" : "discountCodeBasicCreate"];
        var errors = payload?["userErrors"]?.AsArray() ?? [];
        if (errors.Count == 0 && payload?["codeDiscountNode"]?["id"]?.GetValue<string>() is { } id)
        {
            return new DiscountResult(DiscountOutcomes.Created, ShopDiscountId: id);
        }

        if (errors.Any(e => e?["code"]?.GetValue<string>() == "TAKEN"))
        {
            // Created by an attempt whose answer was lost: the code is ours (it is unique per redemption).
            var (found, foundData) = await PostAsync(ByCode, new JsonObject { ["code"] = call.Discount.Code }, call.Discount, ct);
            return found ?? (foundData?["codeDiscountNodeByCode"]?["id"]?.GetValue<string>() is { } existing
                ? new DiscountResult(DiscountOutcomes.Created, ShopDiscountId: existing)
                : new DiscountResult(DiscountOutcomes.Retry, "Shopify: code taken but not found"));
        }

        var reason = "Shopify: " + string.Join("; ", errors.Select(e => $"{e?["code"]?.GetValue<string>()} {string.Join('.', e?["field"]?.AsArray().Select(f => f?.ToString()) ?? [])}".Trim()));
        logger.LogWarning("Shopify refused discount {Key}: {Reason}", call.Discount.IdempotencyKey, reason);
        return new DiscountResult(DiscountOutcomes.Refused, reason);
    }

    /// <summary>
    /// Deletes the discount of <paramref name="call"/> (<c>discountCodeDelete</c>), found by its code
    /// when its id was never recorded; one the shop no longer has counts as deleted.
    /// </summary>
    public async Task<DiscountResult> DeleteAsync(DiscountCall call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Discount.ShopDiscountId is { } id)
        {
            var (failed, data) = await PostAsync(Delete, new JsonObject { ["id"] = id }, call.Discount, ct);
            if (failed is not null)
            {
                return failed;
            }

            var errors = data?["discountCodeDelete"]?["userErrors"]?.AsArray() ?? [];
            if (errors.Count == 0)
            {
                return new DiscountResult(DiscountOutcomes.Deleted, ShopDiscountId: id);
            }

            logger.LogWarning("Shopify did not delete discount {Key}: {Codes}", call.Discount.IdempotencyKey, string.Join(", ", errors.Select(e => e?["code"]?.ToString())));
        }

        // No id on record (a lost answer), or the shop would not delete that id: whatever has the code goes.
        var (lookupFailed, found) = await PostAsync(ByCode, new JsonObject { ["code"] = call.Discount.Code }, call.Discount, ct);
        if (lookupFailed is not null)
        {
            return lookupFailed;
        }

        if (found?["codeDiscountNodeByCode"]?["id"]?.GetValue<string>() is not { } existing)
        {
            return new DiscountResult(DiscountOutcomes.Deleted);
        }

        return existing == call.Discount.ShopDiscountId
            ? new DiscountResult(DiscountOutcomes.Retry, "Shopify: discountCodeDelete refused")
            : await DeleteAsync(call with { Discount = call.Discount with { ShopDiscountId = existing } }, ct);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    // One GraphQL request: a result when it failed (retry or refused), else the data.
    private async Task<(DiscountResult? Failed, JsonNode? Data)> PostAsync(string query, JsonObject variables, DiscountOrder d, CancellationToken ct)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Endpoint) { Content = JsonContent.Create(new JsonObject { ["query"] = query, ["variables"] = variables }) };
        request.Headers.Add("X-Shopify-Access-Token", o.AccessToken);
        try
        {
            using var response = await _http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (status is 429 or >= 500)
            {
                logger.LogWarning("Shopify answered {Status} for discount {Key}", status, d.IdempotencyKey);
                return (new DiscountResult(DiscountOutcomes.Retry, $"Shopify {status}"), null);
            }

            if (!response.IsSuccessStatusCode)
            {
                // 401 (bad token), 402 (shop frozen), 403 (scope missing), 404 (no such shop): for good.
                logger.LogWarning("Shopify answered {Status} for discount {Key}", status, d.IdempotencyKey);
                return (new DiscountResult(DiscountOutcomes.Refused, $"Shopify {status}"), null);
            }

            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            if (body?["errors"] is JsonArray { Count: > 0 } errors)
            {
                var codes = errors.Select(e => e?["extensions"]?["code"]?.GetValue<string>() ?? "error").ToList();
                var reason = "Shopify " + string.Join(", ", codes);
                logger.LogWarning("Shopify answered {Reason} for discount {Key}", reason, d.IdempotencyKey);
                return (new DiscountResult(codes.All(c => c is "THROTTLED" or "INTERNAL_SERVER_ERROR") ? DiscountOutcomes.Retry : DiscountOutcomes.Refused, reason), null);
            }

            return (null, body?["data"]);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("Shopify could not take discount {Key}: {ErrorType}", d.IdempotencyKey, ex.GetType().Name);
            return (new DiscountResult(DiscountOutcomes.Retry, "Shopify " + ex.GetType().Name), null);
        }
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    // A product or variant gid, or a bare id taken as a product.
    private static JsonObject Products(string? productId)
    {
        var gid = productId is null ? string.Empty : productId.StartsWith("gid://", StringComparison.Ordinal) ? productId : "gid://shopify/Product/" + productId;
        return gid.Contains("/ProductVariant/", StringComparison.Ordinal)
            ? new JsonObject { ["productVariantsToAdd"] = new JsonArray(gid) }
            : new JsonObject { ["productsToAdd"] = new JsonArray(gid) };
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Loyalty.Testing;

/// <summary>
/// A stand-in for WooCommerce's REST API v3 coupons (the real one cannot run here), a small Kestrel
/// server on a free loopback port that follows the published reference: <c>POST
/// /wp-json/wc/v3/coupons</c> and <c>GET /wp-json/wc/v3/coupons?code=</c> with the consumer key and
/// secret as HTTP Basic (else 401 <c>woocommerce_rest_cannot_create</c> / <c>woocommerce_rest_cannot_view</c>),
/// each coupon property checked against its schema type (a wrong one is 400 <c>rest_invalid_param</c>
/// with <c>data.params</c>), <c>code</c> required (400 <c>rest_missing_callback_param</c>) and unique
/// (400 <c>woocommerce_rest_coupon_code_already_exists</c>); 201 with the coupon; 503 while "down".
/// And the order refunds list, <c>GET /wp-json/wc/v3/orders/{id}/refunds</c> (the reference's "List all
/// refunds"): the same HTTP Basic keys (else 401 <c>woocommerce_rest_cannot_view</c>), 404
/// <c>woocommerce_rest_invalid_order_id</c> for an order the shop does not have, <c>per_page</c> 1 to
/// 100 (default 10; else 400 <c>rest_invalid_param</c>), newest first, each refund as the reference
/// shows it: <c>amount</c> a string, <c>line_items</c> with negative <c>quantity</c>, <c>subtotal</c>
/// and <c>total</c> and the order line in <c>meta_data</c> <c>_refunded_item_id</c>.
/// </summary>
public sealed class WooCommerceStandIn : KestrelStandIn
{
    private static readonly Dictionary<string, JsonValueKind[]> Schema = new()
    {
        ["code"] = [JsonValueKind.String],
        ["amount"] = [JsonValueKind.String],
        ["discount_type"] = [JsonValueKind.String],
        ["description"] = [JsonValueKind.String],
        ["date_expires"] = [JsonValueKind.String, JsonValueKind.Null],
        ["date_expires_gmt"] = [JsonValueKind.String, JsonValueKind.Null],
        ["individual_use"] = [JsonValueKind.True, JsonValueKind.False],
        ["product_ids"] = [JsonValueKind.Array],
        ["excluded_product_ids"] = [JsonValueKind.Array],
        ["usage_limit"] = [JsonValueKind.Number, JsonValueKind.Null],
        ["usage_limit_per_user"] = [JsonValueKind.Number, JsonValueKind.Null],
        ["limit_usage_to_x_items"] = [JsonValueKind.Number, JsonValueKind.Null],
        ["free_shipping"] = [JsonValueKind.True, JsonValueKind.False],
        ["email_restrictions"] = [JsonValueKind.Array],
        ["minimum_amount"] = [JsonValueKind.String],
        ["maximum_amount"] = [JsonValueKind.String],
    };

    private readonly List<JsonObject> _coupons = [];
    private readonly Dictionary<long, List<JsonObject>> _refunds = [];
    private int _refundLists;
    private readonly List<long> _deleted = [];
    private readonly string _authorization;

    private WooCommerceStandIn(string key, string secret) =>
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:{secret}"));

    /// <summary>The shop's address (<c>Loyalty:WooCommerce:StoreUrl</c>).</summary>
    public Uri StoreUrl => BaseUrl;

    /// <summary>While true, the key pair is refused (the shop owner revoked the keys).</summary>
    public bool Revoked { get; set; }

    /// <summary>The coupons created, as WooCommerce answered them.</summary>
    public IReadOnlyList<JsonObject> Coupons
    {
        get
        {
            lock (_coupons)
            {
                return [.. _coupons.Select(c => c.DeepClone().AsObject())];
            }
        }
    }

    /// <summary>How long the refunds list takes to answer (a slow shop).</summary>
    public TimeSpan RefundsDelay { get; set; }

    /// <summary>Refund lists asked for, any outcome.</summary>
    public int RefundLists => Volatile.Read(ref _refundLists);

    /// <summary>Adds an order the shop has, with no refunds yet.</summary>
    public void AddOrder(long orderId)
    {
        lock (_refunds)
        {
            _refunds.TryAdd(orderId, []);
        }
    }

    /// <summary>
    /// Refunds <paramref name="lines"/> of an order the shop has (each the order line it refunds,
    /// the product, a positive quantity and the line total refunded), as WooCommerce records it.
    /// </summary>
    public JsonObject AddRefund(long orderId, long refundId, decimal amount, params (long OrderLineId, long ProductId, int Quantity, decimal Total)[] lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var at = new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc).AddMinutes(refundId % 1000);
        var items = new JsonArray();
        foreach (var (line, product, quantity, total) in lines)
        {
            items.Add(new JsonObject
            {
                ["id"] = (refundId * 10) + items.Count,
                ["name"] = $"Product {product}",
                ["product_id"] = product,
                ["variation_id"] = 0,
                ["quantity"] = -quantity,
                ["tax_class"] = "",
                ["subtotal"] = Money(-total),
                ["subtotal_tax"] = "0.00",
                ["total"] = Money(-total),
                ["total_tax"] = "0.00",
                ["taxes"] = new JsonArray(),
                ["meta_data"] = new JsonArray(new JsonObject { ["id"] = (refundId * 100) + items.Count, ["key"] = "_refunded_item_id", ["value"] = line.ToString(CultureInfo.InvariantCulture) }),
                ["sku"] = "",
                ["price"] = -total / quantity,
            });
        }

        var refund = new JsonObject
        {
            ["id"] = refundId,
            ["date_created"] = at.AddHours(-5).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            ["date_created_gmt"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            ["amount"] = Money(amount),
            ["reason"] = "",
            ["refunded_by"] = 1,
            ["refunded_payment"] = false,
            ["meta_data"] = new JsonArray(),
            ["line_items"] = items,
            ["_links"] = new JsonObject
            {
                ["self"] = new JsonArray(new JsonObject { ["href"] = new Uri(BaseUrl, $"/wp-json/wc/v3/orders/{orderId}/refunds/{refundId}").ToString() }),
                ["collection"] = new JsonArray(new JsonObject { ["href"] = new Uri(BaseUrl, $"/wp-json/wc/v3/orders/{orderId}/refunds").ToString() }),
                ["up"] = new JsonArray(new JsonObject { ["href"] = new Uri(BaseUrl, $"/wp-json/wc/v3/orders/{orderId}").ToString() }),
            },
        };
        lock (_refunds)
        {
            if (!_refunds.TryGetValue(orderId, out var list))
            {
                throw new InvalidOperationException($"Order {orderId} is not in the shop: AddOrder first.");
            }

            list.Add(refund);
        }

        return refund.DeepClone().AsObject();
    }

    /// <summary>Starts the stand-in accepting the key pair.</summary>
    public static async Task<WooCommerceStandIn> StartAsync(string key, string secret)
    {
        var standIn = new WooCommerceStandIn(key, secret);
        await standIn.StartAsync(app =>
        {
            app.MapPost("/wp-json/wc/v3/coupons", standIn.CreateAsync);
            app.MapGet("/wp-json/wc/v3/coupons", standIn.List);
            app.MapDelete("/wp-json/wc/v3/coupons/{id}", standIn.Delete);
            app.MapGet("/wp-json/wc/v3/orders/{id}/refunds", standIn.ListRefundsAsync);
        });
        return standIn;
    }

    private async Task<IResult> CreateAsync(HttpRequest request)
    {
        if (TakeRequest())
        {
            return Results.StatusCode(503);
        }

        if (Revoked || request.Headers.Authorization.ToString() != _authorization)
        {
            return Error(401, "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.");
        }

        if (await JsonNode.ParseAsync(request.Body) is not JsonObject body)
        {
            return Error(400, "rest_invalid_json", "Invalid JSON body passed.");
        }

        var invalid = new JsonObject();
        foreach (var (name, value) in body)
        {
            var kind = value?.GetValueKind() ?? JsonValueKind.Null;
            if (Schema.TryGetValue(name, out var kinds) && !kinds.Contains(kind))
            {
                invalid[name] = $"{name} is not of type {Describe(kinds)}.";
            }
        }

        if (body["discount_type"] is JsonValue type && type.TryGetValue<string>(out var t) && t is not ("percent" or "fixed_cart" or "fixed_product"))
        {
            invalid["discount_type"] = "discount_type is not one of percent, fixed_cart, and fixed_product.";
        }

        foreach (var (list, itemKind) in new[] { ("product_ids", JsonValueKind.Number), ("email_restrictions", JsonValueKind.String) })
        {
            if (body[list] is JsonArray items && items.Any(i => i?.GetValueKind() != itemKind))
            {
                invalid[list] = $"{list}[0] is not of type {(itemKind == JsonValueKind.Number ? "integer" : "string")}.";
            }
        }

        if (body["date_expires"] is JsonValue expires && expires.TryGetValue<string>(out var e) && !DateTime.TryParseExact(e, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            invalid["date_expires"] = "Invalid date.";
        }

        if (invalid.Count > 0)
        {
            return Results.Json(new JsonObject
            {
                ["code"] = "rest_invalid_param",
                ["message"] = "Invalid parameter(s): " + string.Join(", ", invalid.Select(p => p.Key)),
                ["data"] = new JsonObject { ["status"] = 400, ["params"] = invalid },
            }, statusCode: 400);
        }

        if (body["code"] is not JsonValue codeValue || !codeValue.TryGetValue<string>(out var code) || code.Length == 0)
        {
            return Results.Json(new JsonObject { ["code"] = "rest_missing_callback_param", ["message"] = "Missing parameter(s): code", ["data"] = new JsonObject { ["status"] = 400, ["params"] = new JsonArray("code") } }, statusCode: 400);
        }

        JsonObject coupon;
        lock (_coupons)
        {
            // wc_format_coupon_code lower-cases: codes are unique whatever their case.
            if (_coupons.Any(c => string.Equals(c["code"]!.GetValue<string>(), code.ToLowerInvariant(), StringComparison.Ordinal)))
            {
                return Error(400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists");
            }

            coupon = body.DeepClone().AsObject();
            coupon["id"] = 700 + _coupons.Count + _deleted.Count;
            coupon["code"] = code.ToLowerInvariant();
            coupon["discount_type"] ??= "fixed_cart";
            coupon["usage_count"] = 0;
            _coupons.Add(coupon);
        }

        return Results.Json(coupon, statusCode: 201);
    }

    /// <summary>The ids of the coupons deleted, one entry per deletion.</summary>
    public IReadOnlyList<long> Deleted
    {
        get
        {
            lock (_coupons)
            {
                return [.. _deleted];
            }
        }
    }

    // DELETE /coupons/{id}: coupons have no trash in the REST API, so force=true is required (else
    // 501 woocommerce_rest_trash_not_supported); an unknown id is 404 woocommerce_rest_shop_coupon_invalid_id.
    private IResult Delete(HttpRequest request, string id)
    {
        if (TakeRequest())
        {
            return Results.StatusCode(503);
        }

        if (Revoked || request.Headers.Authorization.ToString() != _authorization)
        {
            return Error(401, "woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource.");
        }

        if (request.Query["force"].ToString() != "true")
        {
            return Error(501, "woocommerce_rest_trash_not_supported", "The coupon does not support trashing.");
        }

        lock (_coupons)
        {
            var coupon = _coupons.FirstOrDefault(c => c["id"]!.ToString() == id);
            if (coupon is null)
            {
                return Error(404, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.");
            }

            _coupons.Remove(coupon);
            _deleted.Add(long.Parse(id, CultureInfo.InvariantCulture));
            return Results.Json(coupon.DeepClone(), statusCode: 200);
        }
    }

    private IResult List(HttpRequest request)
    {
        if (TakeRequest())
        {
            return Results.StatusCode(503);
        }

        if (Revoked || request.Headers.Authorization.ToString() != _authorization)
        {
            return Error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
        }

        var code = request.Query["code"].ToString().ToLowerInvariant();
        return Results.Json(new JsonArray([.. Coupons.Where(c => code.Length == 0 || c["code"]!.GetValue<string>() == code)]));
    }

    private async Task<IResult> ListRefundsAsync(HttpRequest request, string id)
    {
        Interlocked.Increment(ref _refundLists);
        if (TakeRequest())
        {
            return Results.StatusCode(503);
        }

        if (RefundsDelay > TimeSpan.Zero)
        {
            await Task.Delay(RefundsDelay, request.HttpContext.RequestAborted);
        }

        // The route is orders/(?P<order_id>[\d]+)/refunds: anything else matches no route.
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            return Error(404, "rest_no_route", "No route was found matching the URL and request method.");
        }

        if (Revoked || request.Headers.Authorization.ToString() != _authorization)
        {
            return Error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
        }

        var perPageText = request.Query["per_page"].ToString();
        var pageText = request.Query["page"].ToString();
        if ((perPageText.Length > 0 && !(int.TryParse(perPageText, NumberStyles.None, CultureInfo.InvariantCulture, out var perPageValue) && perPageValue is >= 1 and <= 100))
            || (pageText.Length > 0 && !(int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var pageValue) && pageValue >= 1)))
        {
            var invalid = new JsonObject();
            if (perPageText.Length > 0)
            {
                invalid["per_page"] = "per_page must be between 1 (inclusive) and 100 (inclusive)";
            }

            return Results.Json(new JsonObject { ["code"] = "rest_invalid_param", ["message"] = "Invalid parameter(s): per_page", ["data"] = new JsonObject { ["status"] = 400, ["params"] = invalid } }, statusCode: 400);
        }

        var perPage = perPageText.Length > 0 ? int.Parse(perPageText, CultureInfo.InvariantCulture) : 10;
        var page = pageText.Length > 0 ? int.Parse(pageText, CultureInfo.InvariantCulture) : 1;
        List<JsonObject> all;
        lock (_refunds)
        {
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId) || !_refunds.TryGetValue(orderId, out var list))
            {
                return Error(404, "woocommerce_rest_invalid_order_id", "Invalid order ID.");
            }

            // Newest first (orderby date, order desc).
            all = [.. list.OrderByDescending(r => r["date_created_gmt"]!.GetValue<string>(), StringComparer.Ordinal).Select(r => r.DeepClone().AsObject())];
        }

        request.HttpContext.Response.Headers["X-WP-Total"] = all.Count.ToString(CultureInfo.InvariantCulture);
        request.HttpContext.Response.Headers["X-WP-TotalPages"] = Math.Max(1, (all.Count + perPage - 1) / perPage).ToString(CultureInfo.InvariantCulture);
        return Results.Json(new JsonArray([.. all.Skip((page - 1) * perPage).Take(perPage)]));
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new JsonObject { ["code"] = code, ["message"] = message, ["data"] = new JsonObject { ["status"] = status } }, statusCode: status);

    private static string Describe(JsonValueKind[] kinds) => kinds[0] switch
    {
        JsonValueKind.Number => "integer",
        JsonValueKind.True => "boolean",
        JsonValueKind.Array => "array",
        _ => "string",
    };
}

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

    /// <summary>Starts the stand-in accepting the key pair.</summary>
    public static async Task<WooCommerceStandIn> StartAsync(string key, string secret)
    {
        var standIn = new WooCommerceStandIn(key, secret);
        await standIn.StartAsync(app =>
        {
            app.MapPost("/wp-json/wc/v3/coupons", standIn.CreateAsync);
            app.MapGet("/wp-json/wc/v3/coupons", standIn.List);
            app.MapDelete("/wp-json/wc/v3/coupons/{id}", standIn.Delete);
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

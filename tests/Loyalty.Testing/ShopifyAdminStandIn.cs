using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Loyalty.Testing;

/// <summary>A code discount the stand-in holds.</summary>
public sealed record StandInDiscount(string Id, string Mutation, string Code, JsonObject Input);

/// <summary>
/// A stand-in for Shopify's Admin GraphQL API (the real one cannot run here), a small Kestrel
/// server on a free loopback port that follows the published 2025-01 reference: <c>POST
/// /admin/api/2025-01/graphql.json</c> with <c>X-Shopify-Access-Token</c> (else 401 with Shopify's
/// body), <c>discountCodeBasicCreate</c> and <c>discountCodeFreeShippingCreate</c> (and <c>discountCodeDelete(id:)</c>) with their input
/// objects checked field by field (a field the type does not define, a missing required one or a
/// value of the wrong type is a top-level GraphQL error, as Shopify answers), codes unique per shop
/// (<c>userErrors</c> code <c>TAKEN</c>), <c>codeDiscountNodeByCode</c>, and on demand HTTP 429,
/// the GraphQL <c>THROTTLED</c> error (<c>extensions.code</c>) or 503 while "down".
/// </summary>
public sealed class ShopifyAdminStandIn : KestrelStandIn
{
    /// <summary>The API version the stand-in serves.</summary>
    public const string Version = "2025-01";

    private static readonly string[] BasicFields = ["appliesOncePerCustomer", "code", "combinesWith", "customerGets", "customerSelection", "endsAt", "minimumRequirement", "recurringCycleLimit", "startsAt", "title", "usageLimit"];
    private static readonly string[] FreeShippingFields = ["appliesOnOneTimePurchase", "appliesOnSubscription", "appliesOncePerCustomer", "code", "combinesWith", "customerSelection", "destination", "endsAt", "maximumShippingPrice", "minimumRequirement", "recurringCycleLimit", "startsAt", "title", "usageLimit"];

    private readonly List<StandInDiscount> _discounts = [];
    private readonly List<string> _deleted = [];
    private readonly List<string> _shapeErrors = [];
    private readonly string _token;
    private int _throttle429;
    private int _throttleGraphQl;

    private ShopifyAdminStandIn(string token) => _token = token;

    /// <summary>The shop's address (<c>Loyalty:Shopify:ShopUrl</c>).</summary>
    public Uri ShopUrl => BaseUrl;

    /// <summary>How long a successful create waits before it answers (the discount exists already).</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>The discounts created.</summary>
    public IReadOnlyList<StandInDiscount> Discounts
    {
        get
        {
            lock (_discounts)
            {
                return [.. _discounts];
            }
        }
    }

    /// <summary>The ids of the discounts deleted (<c>discountCodeDelete</c>), one entry per deletion.</summary>
    public IReadOnlyList<string> Deleted
    {
        get
        {
            lock (_discounts)
            {
                return [.. _deleted];
            }
        }
    }

    /// <summary>Every request that did not match the reference, with why.</summary>
    public IReadOnlyList<string> ShapeErrors
    {
        get
        {
            lock (_discounts)
            {
                return [.. _shapeErrors];
            }
        }
    }

    /// <summary>The next <paramref name="http429"/> requests answer HTTP 429, then <paramref name="graphQl"/> more answer <c>THROTTLED</c>.</summary>
    public void Throttle(int http429, int graphQl)
    {
        Volatile.Write(ref _throttle429, http429);
        Volatile.Write(ref _throttleGraphQl, graphQl);
    }

    /// <summary>Starts the stand-in accepting <paramref name="token"/>.</summary>
    public static async Task<ShopifyAdminStandIn> StartAsync(string token)
    {
        var standIn = new ShopifyAdminStandIn(token);
        await standIn.StartAsync(app => app.MapPost($"/admin/api/{Version}/graphql.json", standIn.HandleAsync));
        return standIn;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        if (TakeRequest())
        {
            return Results.StatusCode(503);
        }

        if (request.Headers["X-Shopify-Access-Token"].ToString() != _token)
        {
            return Results.Json(new JsonObject { ["errors"] = "[API] Invalid API key or access token (unrecognized login or wrong password)" }, statusCode: 401);
        }

        if (Interlocked.Decrement(ref _throttle429) >= 0)
        {
            request.HttpContext.Response.Headers["Retry-After"] = "1.0";
            return Results.Json(new JsonObject { ["errors"] = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, statusCode: 429);
        }

        if (Interlocked.Decrement(ref _throttleGraphQl) >= 0)
        {
            return Results.Json(new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject
                {
                    ["message"] = "Throttled",
                    ["extensions"] = new JsonObject { ["code"] = "THROTTLED", ["documentation"] = "https://shopify.dev/api/usage/rate-limits" },
                }),
                ["extensions"] = new JsonObject { ["cost"] = new JsonObject { ["requestedQueryCost"] = 10, ["actualQueryCost"] = null, ["throttleStatus"] = new JsonObject { ["maximumAvailable"] = 2000.0, ["currentlyAvailable"] = 4, ["restoreRate"] = 100.0 } } },
            });
        }

        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.Ordinal))
        {
            return Error("Content-Type must be application/json");
        }

        var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        var query = Str(body?["query"]) ?? string.Empty;
        var variables = body?["variables"] as JsonObject ?? [];
        if (query.Contains("codeDiscountNodeByCode(code: $code)", StringComparison.Ordinal))
        {
            var code = Str(variables["code"]);
            var found = Discounts.FirstOrDefault(d => string.Equals(d.Code, code, StringComparison.OrdinalIgnoreCase));
            return Results.Json(new JsonObject { ["data"] = new JsonObject { ["codeDiscountNodeByCode"] = found is null ? null : new JsonObject { ["id"] = found.Id } } });
        }

        if (query.Contains("discountCodeDelete(id: $id)", StringComparison.Ordinal))
        {
            if (!query.Contains("$id: ID!", StringComparison.Ordinal) || Str(variables["id"]) is not { } id)
            {
                return Error("discountCodeDelete takes $id: ID!");
            }

            lock (_discounts)
            {
                var found = _discounts.FirstOrDefault(d => d.Id == id);
                if (found is null)
                {
                    return Results.Json(new JsonObject { ["data"] = new JsonObject { ["discountCodeDelete"] = new JsonObject { ["deletedCodeDiscountId"] = null, ["userErrors"] = new JsonArray(new JsonObject { ["field"] = new JsonArray("id"), ["code"] = null, ["message"] = "Discount does not exist" }) } } });
                }

                _discounts.Remove(found);
                _deleted.Add(id);
                return Results.Json(new JsonObject { ["data"] = new JsonObject { ["discountCodeDelete"] = new JsonObject { ["deletedCodeDiscountId"] = id, ["userErrors"] = new JsonArray() } } });
            }
        }

        var (mutation, variable, fields) = query switch
        {
            _ when query.Contains("discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount)", StringComparison.Ordinal) && query.Contains("$basicCodeDiscount: DiscountCodeBasicInput!", StringComparison.Ordinal)
                => ("discountCodeBasicCreate", "basicCodeDiscount", BasicFields),
            _ when query.Contains("discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount)", StringComparison.Ordinal) && query.Contains("$freeShippingCodeDiscount: DiscountCodeFreeShippingInput!", StringComparison.Ordinal)
                => ("discountCodeFreeShippingCreate", "freeShippingCodeDiscount", FreeShippingFields),
            _ => (null, null, null),
        };
        if (mutation is null || variables[variable!] is not JsonObject input)
        {
            return Error("The stand-in knows discountCodeBasicCreate, discountCodeFreeShippingCreate and codeDiscountNodeByCode, each with its declared variable");
        }

        if (Check(input, fields!, mutation) is { } problem)
        {
            return Error($"Variable ${variable} of type {(mutation == "discountCodeBasicCreate" ? "DiscountCodeBasicInput" : "DiscountCodeFreeShippingInput")}! was provided invalid value: {problem}");
        }

        var codeText = Str(input["code"])!;
        StandInDiscount created;
        lock (_discounts)
        {
            if (_discounts.Any(d => string.Equals(d.Code, codeText, StringComparison.OrdinalIgnoreCase)))
            {
                return Payload(mutation, null, new JsonObject { ["field"] = new JsonArray(variable, "code"), ["code"] = "TAKEN", ["message"] = "Code must be unique. Please try a different code." });
            }

            created = new StandInDiscount($"gid://shopify/DiscountCodeNode/{1000 + _discounts.Count + _deleted.Count}", mutation, codeText, input);
            _discounts.Add(created);
        }

        if (AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(AnswerDelay);
        }

        return Payload(mutation, created.Id, null);
    }

    // Field by field, as the schema declares them; null when the input fits.
    private static string? Check(JsonObject input, string[] fields, string mutation)
    {
        if (input.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k)) is { } unknown)
        {
            return $"{unknown} (Field is not defined on the input)";
        }

        foreach (var required in new[] { "code", "title", "startsAt" })
        {
            if (Str(input[required]) is not { Length: > 0 })
            {
                return $"{required} (Expected a non-empty String)";
            }
        }

        if (!IsDateTime(input["startsAt"]) || (input["endsAt"] is not null && !IsDateTime(input["endsAt"])))
        {
            return "startsAt/endsAt (Expected an ISO 8601 DateTime)";
        }

        if (input["usageLimit"] is { } limit && (limit.GetValueKind() != System.Text.Json.JsonValueKind.Number || limit.GetValue<int>() < 1))
        {
            return "usageLimit (Expected a positive Int)";
        }

        if (input["appliesOncePerCustomer"] is { } once && once.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
        {
            return "appliesOncePerCustomer (Expected a Boolean)";
        }

        if (input["customerSelection"] is JsonObject selection)
        {
            var ok = selection.Count == 1 && (selection["all"] is not null
                || (selection["customers"] is JsonObject customers && customers["add"] is JsonArray add && add.All(g => Str(g) is { } s && s.StartsWith("gid://shopify/Customer/", StringComparison.Ordinal) && long.TryParse(s["gid://shopify/Customer/".Length..], CultureInfo.InvariantCulture, out _))));
            if (!ok)
            {
                return "customerSelection (DiscountCustomerSelectionInput: all, or customers.add of Customer gids)";
            }
        }

        if (mutation == "discountCodeFreeShippingCreate")
        {
            return input["destination"] is JsonObject destination && (destination["all"] is not null || destination["countries"] is not null) ? null : "destination (DiscountShippingDestinationSelectionInput: all or countries)";
        }

        if (input["customerGets"] is not JsonObject gets || gets["value"] is not JsonObject value || gets["items"] is not JsonObject items)
        {
            return "customerGets (DiscountCustomerGetsInput with value and items)";
        }

        var valueOk = value.Count == 1 && (
            (value["percentage"] is JsonValue pct && pct.GetValueKind() == System.Text.Json.JsonValueKind.Number && pct.GetValue<double>() is > 0 and <= 1)
            || (value["discountAmount"] is JsonObject amount && Str(amount["amount"]) is { } text && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var money) && money > 0
                && amount["appliesOnEachItem"]?.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False));
        if (!valueOk)
        {
            return "customerGets.value (percentage between 0 and 1, or discountAmount { amount: Decimal, appliesOnEachItem: Boolean })";
        }

        var itemsOk = items.Count == 1 && (
            items["all"]?.GetValueKind() == System.Text.Json.JsonValueKind.True
            || (items["products"] is JsonObject products && products.All(p => p.Key is "productsToAdd" or "productVariantsToAdd" && p.Value is JsonArray ids && ids.Count > 0
                && ids.All(g => Str(g) is { } s && s.StartsWith(p.Key == "productsToAdd" ? "gid://shopify/Product/" : "gid://shopify/ProductVariant/", StringComparison.Ordinal)))));
        return itemsOk ? null : "customerGets.items (all: true, or products with productsToAdd / productVariantsToAdd gids)";
    }

    private static bool IsDateTime(JsonNode? node) =>
        Str(node) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private IResult Error(string message)
    {
        lock (_discounts)
        {
            _shapeErrors.Add(message);
        }

        return Results.Json(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["locations"] = new JsonArray(new JsonObject { ["line"] = 1, ["column"] = 10 }) }) });
    }

    private static IResult Payload(string mutation, string? id, JsonObject? userError) => Results.Json(new JsonObject
    {
        ["data"] = new JsonObject
        {
            [mutation] = new JsonObject
            {
                ["codeDiscountNode"] = id is null ? null : new JsonObject { ["id"] = id },
                ["userErrors"] = userError is null ? new JsonArray() : new JsonArray(userError),
            },
        },
        ["extensions"] = new JsonObject { ["cost"] = new JsonObject { ["requestedQueryCost"] = 10, ["actualQueryCost"] = 10 } },
    });
}

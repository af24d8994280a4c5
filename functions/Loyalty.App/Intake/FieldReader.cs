using System.Globalization;
using System.Text.Json;
using Loyalty.Core;

namespace Loyalty.App.Intake;

/// <summary>
/// Reads typed fields out of a parsed webhook body. The first problem met is kept as
/// <see cref="Rejection"/>, naming the JSON path (e.g. <c>line_items[2].price</c>); reads after a
/// failure return null, so a mapper reads what it needs and checks <see cref="Failed"/> once.
/// Numbers are read from their text (ids) or as decimal (money), never through double, so
/// Shopify's ids above 2^53 keep every digit. Messages never echo the value read.
/// </summary>
internal sealed class FieldReader
{
    /// <summary>Amounts at or above this are refused (the event rule is 10^9; this bound also keeps sums from overflowing).</summary>
    private const decimal MaxAmount = EventValidation.MaxAmount;

    public IntakeRejected? Rejection { get; private set; }

    public bool Failed => Rejection is not null;

    public static string At(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>Records a problem at <paramref name="field"/> unless one is already recorded.</summary>
    public void Fail(string field, string message) => Rejection ??= IntakeProblems.InvalidField(field, message);

    /// <summary>The root, which must be an object.</summary>
    public bool IsObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Fail("body", "expected a JSON object.");
            return false;
        }

        return true;
    }

    /// <summary>Whether <paramref name="name"/> is present with a value other than null.</summary>
    public static bool Has(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Object(JsonElement obj, string name, string path, bool required = false)
    {
        if (!Present(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(At(path, name), "expected an object.");
            return null;
        }

        return value;
    }

    /// <summary>The objects of an array, each with its path; empty when absent (unless required) or on failure.</summary>
    public IReadOnlyList<(JsonElement Item, string Path)> Objects(JsonElement obj, string name, string path, bool required = false)
    {
        if (!Present(obj, name, path, required, out var value))
        {
            return [];
        }

        var field = At(path, name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            Fail(field, "expected an array.");
            return [];
        }

        var items = new List<(JsonElement, string)>(value.GetArrayLength());
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Fail(itemPath, "expected an object.");
                return [];
            }

            items.Add((item, itemPath));
        }

        return items;
    }

    /// <summary>An id: a JSON integer (kept digit for digit) or a string, valid per <see cref="Keys.IsValid"/>.</summary>
    public string? Id(JsonElement obj, string name, string path, bool required = false)
    {
        if (!Present(obj, name, path, required, out var value))
        {
            return null;
        }

        var id = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => null,
        };
        var valid = value.ValueKind == JsonValueKind.Number
            ? id!.Length <= Keys.MaxLength && id.All(char.IsAsciiDigit)
            : Keys.IsValid(id);
        if (!valid)
        {
            Fail(At(path, name), $"expected an id: a whole number, or {Keys.Rule()}.");
            return null;
        }

        return id;
    }

    /// <summary>A string; empty strings read as null.</summary>
    public string? Text(JsonElement obj, string name, string path, bool required = false)
    {
        if (!Present(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(At(path, name), "expected a string.");
            return null;
        }

        var text = value.GetString();
        if (string.IsNullOrEmpty(text) && required)
        {
            Fail(At(path, name), "required.");
        }

        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>
    /// The <c>code</c> of each object in the list <paramref name="name"/> (Shopify's
    /// <c>discount_codes</c>, WooCommerce's <c>coupon_lines</c>), at most 100 characters each;
    /// null when the list is absent or empty.
    /// </summary>
    public IReadOnlyList<string>? Codes(JsonElement order, string name)
    {
        var codes = new List<string>();
        foreach (var (item, at) in Objects(order, name, string.Empty))
        {
            if (Text(item, "code", at, required: true) is { } code)
            {
                if (code.Length > EventValidation.MaxCodeLength)
                {
                    Fail(At(at, "code"), $"at most {EventValidation.MaxCodeLength} characters.");
                }

                codes.Add(code);
            }
        }

        return codes.Count == 0 ? null : codes;
    }

    /// <summary>An ISO 4217 code of three letters, returned in capitals.</summary>
    public string? Currency(JsonElement obj, string name, string path)
    {
        var text = Text(obj, name, path, required: true);
        if (text is null)
        {
            return null;
        }

        if (text.Length != 3 || !text.All(char.IsAsciiLetter))
        {
            Fail(At(path, name), "expected a three-letter ISO 4217 currency code.");
            return null;
        }

        return text.ToUpperInvariant();
    }

    /// <summary>An amount of money, as a decimal string (<c>"19.99"</c>) or a JSON number, below 10^9.</summary>
    public decimal? Money(JsonElement obj, string name, string path, bool required = false, bool allowNegative = false)
    {
        if (!Present(obj, name, path, required, out var value))
        {
            return null;
        }

        var amount = 0m;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.String => decimal.TryParse(
                value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount),
            JsonValueKind.Number => value.TryGetDecimal(out amount),
            _ => false,
        };
        var field = At(path, name);
        if (!parsed)
        {
            Fail(field, "expected an amount such as \"19.99\".");
            return null;
        }

        if (amount < 0m && !allowNegative)
        {
            Fail(field, "must not be negative.");
            return null;
        }

        if (Math.Abs(amount) >= MaxAmount)
        {
            Fail(field, $"must be less than {MaxAmount:0}.");
            return null;
        }

        return amount;
    }

    /// <summary>A whole JSON number, at least <paramref name="min"/>.</summary>
    public int? Count(JsonElement obj, string name, string path, int min, bool required = true)
    {
        if (!Present(obj, name, path, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count) || count < min)
        {
            Fail(At(path, name), $"expected a whole number of at least {min}.");
            return null;
        }

        return count;
    }

    public bool? Flag(JsonElement obj, string name, string path)
    {
        if (!Present(obj, name, path, required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Fail(At(path, name), "expected true or false.");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>An ISO 8601 timestamp; one without an offset is taken as UTC (WooCommerce's <c>*_gmt</c> fields).</summary>
    public DateTimeOffset? Timestamp(JsonElement obj, string name, string path)
    {
        if (!Present(obj, name, path, required: false, out var value))
        {
            return null;
        }

        // TryGetDateTime checks the strict ISO 8601 shape; TryParse then resolves the offset.
        if (value.ValueKind != JsonValueKind.String
            || !value.TryGetDateTime(out _)
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            Fail(At(path, name), "expected an ISO 8601 timestamp.");
            return null;
        }

        return at;
    }

    private bool Present(JsonElement obj, string name, string path, bool required, out JsonElement value)
    {
        if (Failed || obj.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }

        if (!obj.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(At(path, name), "required.");
            }

            return false;
        }

        return true;
    }
}

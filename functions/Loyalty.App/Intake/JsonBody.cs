using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace Loyalty.App.Intake;

/// <summary>
/// Parses a webhook body into a <see cref="JsonDocument"/>. A first pass with
/// <see cref="Utf8JsonReader"/> tracks where it is, so a malformed body is refused naming the
/// JSON path reached; it also refuses duplicate property names (which value would count is
/// ambiguous) and escaped text that is not valid UTF-16, so later reads of the document cannot fail.
/// </summary>
internal static class JsonBody
{
    private const int MaxDepth = 64;
    private const string Body = "body";

    public static bool TryParse(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out JsonDocument? document,
        [NotNullWhen(false)] out IntakeRejected? rejection)
    {
        document = null;
        body = WithoutBom(body);

        if (!Utf8.IsValid(body))
        {
            rejection = IntakeProblems.Malformed(Body, "the body is not valid UTF-8.");
            return false;
        }

        rejection = Scan(body);
        if (rejection is not null)
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
            return true;
        }
        catch (JsonException)
        {
            // The scan accepts exactly what the document parser accepts; this is a safety net.
            rejection = IntakeProblems.Malformed(Body, "not well-formed JSON.");
            return false;
        }
    }

    /// <summary>The body without a leading UTF-8 byte order mark.</summary>
    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> body) => body.StartsWith("\uFEFF"u8) ? body[3..] : body;

    private static IntakeRejected? Scan(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames[^1];
                        var name = reader.GetString()!;
                        frame.Property = name;
                        if (!frame.Names.Add(name))
                        {
                            return IntakeProblems.Malformed(PathOf(frames), "duplicate property name.");
                        }

                        break;
                    default:
                        Advance(frames);
                        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
                        {
                            _ = reader.GetString();
                        }

                        break;
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return IntakeProblems.Malformed(PathOf(frames), "not well-formed JSON (truncated, or an unexpected character).");
        }
        catch (InvalidOperationException)
        {
            // GetString on an escape sequence that is not valid UTF-16 (a lone surrogate).
            return IntakeProblems.Malformed(PathOf(frames), "text is not valid Unicode.");
        }
    }

    private static void Advance(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }
    }

    private static string PathOf(List<Frame> frames)
    {
        var path = new System.Text.StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                if (frame.Index >= 0)
                {
                    path.Append('[').Append(frame.Index).Append(']');
                }
            }
            else if (frame.Property is not null)
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                path.Append(SafeName(frame.Property));
            }
        }

        return path.Length == 0 ? Body : path.ToString();
    }

    // In a corrupted body a value (a name, an e-mail address) can stand where a property name
    // should be; only the names this service reads are echoed back, any other shows as "*".
    private static string SafeName(string name) => KnownNames.Contains(name) ? name : "*";

    private static readonly HashSet<string> KnownNames = new(StringComparer.Ordinal)
    {
        // Shopify orders and refunds.
        "id", "order_id", "financial_status", "customer", "email", "first_name", "last_name", "currency",
        "taxes_included", "line_items", "gift_card", "quantity", "price", "discount_allocations", "amount",
        "tax_lines", "sku", "product_type", "current_total_price", "total_price", "processed_at", "updated_at",
        "created_at", "cancelled_at", "refund_line_items", "line_item_id", "subtotal", "transactions", "kind", "status",

        // WooCommerce orders.
        "customer_id", "date_modified_gmt", "date_paid", "date_paid_gmt", "total", "billing", "refunds",

        // The event envelope.
        "eventId", "type", "memberId", "occurredAt", "schemaVersion", "payload", "orderId", "refundId", "lines",
        "lineId", "unitPrice", "discount", "orderTotal", "profile", "firstName", "lastName", "birthday", "full",
        "category", "requestId", "rewardId", "code", "reason", "points", "actor",
    };

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
    }
}

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
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

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

    // Property names come from the caller; only plain ones are echoed back.
    private static string SafeName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? name : "*";

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
    }
}

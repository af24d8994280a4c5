using System.Text;

namespace Loyalty.App.Import;

/// <summary>One record of a CSV file: its cells, the file line it starts on and its row in a spreadsheet (the header is row 1).</summary>
public sealed record CsvRecord(int Line, int Row, IReadOnlyList<string> Cells);

/// <summary>
/// CSV as Excel, WPS and Google Sheets save it: UTF-8 with or without BOM, UTF-16 with BOM
/// (Excel's "Unicode text"), or GB18030 (Excel's "CSV" on a Chinese Windows); comma, semicolon
/// or tab, sniffed from the header line or named by Excel's <c>sep=</c> first line; quoted
/// cells with embedded delimiters, quotes (<c>""</c>) and line breaks; CRLF, LF or CR.
/// </summary>
public static class CsvText
{
    /// <summary>The code page of GB18030.</summary>
    public const int Gb18030CodePage = 54936;

    /// <summary>The delimiters that are sniffed.</summary>
    public static IReadOnlyList<char> Delimiters { get; } = [',', ';', '\t'];

    /// <summary>GB18030, from the code pages provider.</summary>
    public static Encoding Gb18030
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(Gb18030CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
    }

    /// <summary>
    /// The text of <paramref name="bytes"/> and the encoding read: <paramref name="encoding"/>
    /// (<c>utf-8</c>, <c>gb18030</c>), or with <c>auto</c> the BOM's, else UTF-8 when the bytes are
    /// valid UTF-8, else GB18030. Null text when the bytes are not valid in that encoding.
    /// </summary>
    public static (string? Text, string Encoding) Decode(ReadOnlySpan<byte> bytes, string encoding = "auto")
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) && encoding is "auto" or "utf-8")
        {
            return (Strict(new UTF8Encoding(false, true), bytes[3..]), "utf-8");
        }

        if (encoding == "auto" && bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Strict(new UnicodeEncoding(false, false, true), bytes[2..]), "utf-16");
        }

        if (encoding == "auto" && bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Strict(new UnicodeEncoding(true, false, true), bytes[2..]), "utf-16be");
        }

        if (encoding is "auto" or "utf-8" && Strict(new UTF8Encoding(false, true), bytes) is { } utf8)
        {
            return (utf8, "utf-8");
        }

        return encoding is "auto" or "gb18030" ? (Strict(Gb18030, bytes), "gb18030") : (null, encoding);
    }

    /// <summary>
    /// The records of <paramref name="text"/> with <paramref name="delimiter"/> (null: sniffed).
    /// Returns the delimiter used and, when a quoted cell is never closed, the line it opens on.
    /// </summary>
    public static (IReadOnlyList<CsvRecord> Records, char Delimiter, int? UnclosedQuoteLine) Parse(string text, char? delimiter = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        var line = 1;
        if (text.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && text.Length > 4 && text.IndexOfAny(['\r', '\n']) is var end and (5 or -1))
        {
            delimiter ??= text[4];
            start = end < 0 ? text.Length : end + (end + 1 < text.Length && text[end] == '\r' && text[end + 1] == '\n' ? 2 : 1);
            line = 2;
        }

        var sep = delimiter ?? Sniff(text.AsSpan(start));
        var records = new List<CsvRecord>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var recordLine = line;
        var quoteLine = 0;
        var row = 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                    }

                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.Length == 0)
            {
                quoted = true;
                quoteLine = line;
            }
            else if (c == sep)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                cells.Add(cell.ToString());
                cell.Clear();
                records.Add(new CsvRecord(recordLine, ++row, [.. cells]));
                cells.Clear();
                recordLine = ++line;
            }
            else
            {
                cell.Append(c);
            }
        }

        if (quoted)
        {
            return (records, sep, quoteLine);
        }

        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            records.Add(new CsvRecord(recordLine, ++row, [.. cells]));
        }

        return (records, sep, null);
    }

    /// <summary>The delimiter of the header line: the most frequent of comma, semicolon and tab outside quotes (comma on a tie).</summary>
    public static char Sniff(ReadOnlySpan<char> text)
    {
        Span<int> counts = stackalloc int[Delimiters.Count];
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\r' or '\n')
            {
                break;
            }
            else if (!quoted && ",;\t".IndexOf(c, StringComparison.Ordinal) is >= 0 and var k)
            {
                counts[k]++;
            }
        }

        var best = 0;
        for (var k = 1; k < counts.Length; k++)
        {
            best = counts[k] > counts[best] ? k : best;
        }

        return Delimiters[best];
    }

    /// <summary>
    /// A cell as written: a value a spreadsheet would take for a formula (<c>= + - @</c>, tab, CR)
    /// gets a leading apostrophe (the import takes it off again); quoted when it holds a comma,
    /// quote or line break.
    /// </summary>
    public static string Cell(string? value)
    {
        var v = value ?? string.Empty;
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            v = "'" + v;
        }

        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }

    /// <summary>A cell's value as read: trimmed, and a formula guard's apostrophe taken off.</summary>
    public static string Value(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var v = cell.Trim();
        return v.Length > 1 && v[0] == '\'' && v[1] is '=' or '+' or '-' or '@' ? v[1..] : v;
    }

    private static string? Strict(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

namespace Loyalty.App.Import;

/// <summary>
/// The import's options as named pairs, the same from the command line (<c>--encoding gb18030</c>)
/// and the upload's query (<c>encoding=gb18030</c>): <c>encoding</c>, <c>delimiter</c>
/// (<c>comma</c>, <c>semicolon</c>, <c>tab</c>), <c>dates</c> (<c>auto</c>, <c>day-first</c>,
/// <c>month-first</c>), <c>column</c> (<c>header=field</c>, repeatable), <c>tier</c>
/// (<c>name=tier id</c>, repeatable).
/// </summary>
public static class ImportArguments
{
    /// <summary>The names of the options.</summary>
    public static IReadOnlyList<string> Names { get; } = ["encoding", "delimiter", "dates", "column", "tier"];

    /// <summary>The options, or the problem with one (naming it).</summary>
    public static (ImportOptions? Options, string? Field, string? Problem) Parse(IEnumerable<(string Name, string Value)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var options = new ImportOptions();
        var columns = new Dictionary<string, ImportField>(StringComparer.Ordinal);
        var tiers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            switch (name)
            {
                case "encoding" when ImportOptions.Encodings.Contains(value.ToLowerInvariant()):
                    options = options with { Encoding = value.ToLowerInvariant() };
                    break;
                case "encoding":
                    return (null, name, $"encoding: one of {string.Join(", ", ImportOptions.Encodings)}.");
                case "delimiter" when Delimiter(value) is { } d:
                    options = options with { Delimiter = d };
                    break;
                case "delimiter":
                    return (null, name, "delimiter: comma, semicolon or tab.");
                case "dates" when value is "auto" or "day-first" or "month-first":
                    options = options with { DateOrder = value switch { "day-first" => DateOrder.DayFirst, "month-first" => DateOrder.MonthFirst, _ => DateOrder.Auto } };
                    break;
                case "dates":
                    return (null, name, "dates: auto, day-first or month-first.");
                case "column" when Pair(value) is ({ } header, { } field) && ImportColumns.ParseField(field) is { } f:
                    columns[header] = f;
                    break;
                case "column":
                    return (null, name, $"column: header=field, the field one of {string.Join(", ", ImportColumns.Canonical.Values.Prepend("name"))}.");
                case "tier" when Pair(value) is ({ } tierName, { } id):
                    tiers[tierName] = id;
                    break;
                case "tier":
                    return (null, name, "tier: the file's name=a tier id of the program.");
                default:
                    return (null, name, $"{name}: not an import option; the options are {string.Join(", ", Names)}.");
            }
        }

        return (options with { Columns = columns, Tiers = tiers }, null, null);
    }

    private static char? Delimiter(string value) => value.ToLowerInvariant() switch
    {
        "comma" or "," => ',',
        "semicolon" or ";" => ';',
        "tab" or "\t" => '\t',
        _ => null,
    };

    private static (string?, string?) Pair(string value)
    {
        var eq = value.LastIndexOf('=');
        return eq > 0 && eq < value.Length - 1 ? (value[..eq].Trim(), value[(eq + 1)..].Trim()) : (null, null);
    }
}

using System.Security.Cryptography;
using System.Text;
using Loyalty.Core;

namespace Loyalty.App.Import;

/// <summary>How to read an import file; everything has a default that reads what spreadsheets save.</summary>
public sealed record ImportOptions
{
    /// <summary><c>auto</c> (BOM, else valid UTF-8, else GB18030), <c>utf-8</c> or <c>gb18030</c>.</summary>
    public string Encoding { get; init; } = "auto";

    /// <summary>The delimiter; null: sniffed from the header line.</summary>
    public char? Delimiter { get; init; }

    /// <summary>How a/b/yyyy dates are read.</summary>
    public DateOrder DateOrder { get; init; } = DateOrder.Auto;

    /// <summary>Headers the file uses for a field (header → field), over the built-in names.</summary>
    public IReadOnlyDictionary<string, ImportField> Columns { get; init; } = new Dictionary<string, ImportField>();

    /// <summary>Tier names the file uses (name → program tier id), over the program's ids and names.</summary>
    public IReadOnlyDictionary<string, string> Tiers { get; init; } = new Dictionary<string, string>();

    /// <summary>The encodings that may be named.</summary>
    public static IReadOnlyList<string> Encodings { get; } = ["auto", "utf-8", "gb18030"];
}

/// <summary>A row the import will not take, by its line in the file and its row in a spreadsheet, with the reasons (never a value of the row).</summary>
public sealed record ImportProblem(int Line, int Row, string Reason);

/// <summary>A row that reads well, as the event it imports.</summary>
public sealed record ImportRow(int Line, int Row, MemberImported Event);

/// <summary>How an import file was read: its hash, encoding, delimiter, dates and columns (the plan and the report both carry these).</summary>
public record ImportFileFacts
{
    /// <summary>The first 12 bytes (hex) of SHA-256 of the file: the event ids carry it.</summary>
    public required string FileHash { get; init; }

    /// <summary>The encoding read.</summary>
    public string Encoding { get; init; } = "utf-8";

    /// <summary>The delimiter read (<c>,</c> <c>;</c> or <c>tab</c>).</summary>
    public string Delimiter { get; init; } = ",";

    /// <summary>How a/b/yyyy dates were read.</summary>
    public DateOrder DateOrder { get; init; }

    /// <summary>Each header the import reads, with its field.</summary>
    public IReadOnlyDictionary<string, ImportField> Columns { get; init; } = new Dictionary<string, ImportField>();

    /// <summary>Headers no field matched (not imported).</summary>
    public IReadOnlyList<string> IgnoredColumns { get; init; } = [];

    /// <summary>What the owner should know (how dates were read).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Why the whole file cannot be read; then there are no rows.</summary>
    public string? FileProblem { get; init; }
}

/// <summary>What an import file holds: the rows that read well as events and the rows that do not.</summary>
public sealed record ImportPlan : ImportFileFacts
{
    /// <summary>Data rows (blank rows not counted).</summary>
    public int RowCount { get; init; }

    /// <summary>The rows that read well.</summary>
    public IReadOnlyList<ImportRow> Rows { get; init; } = [];

    /// <summary>The rows that do not, in file order.</summary>
    public IReadOnlyList<ImportProblem> Problems { get; init; } = [];
}

/// <summary>
/// Reads an import file into a plan (pure: no I/O, the clock passed in). Member ids come from
/// the file or are derived from the e-mail (else the phone) through HMAC-SHA256 under the
/// directory key, <c>m-{24 hex}</c>: stable, and no personal data in an id or a log line.
/// </summary>
public static class ImportFile
{
    /// <summary>Reads <paramref name="bytes"/>.</summary>
    public static ImportPlan Read(ReadOnlySpan<byte> bytes, ImportOptions options, LoyaltyProgram program, string? idKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(program);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes)[..12]);
        var (text, encoding) = CsvText.Decode(bytes, options.Encoding);
        if (text is null)
        {
            return new ImportPlan { FileHash = hash, Encoding = encoding, FileProblem = $"The file is not valid {encoding}." };
        }

        var (records, delimiter, unclosed) = CsvText.Parse(text, options.Delimiter);
        var plan = new ImportPlan { FileHash = hash, Encoding = encoding, Delimiter = delimiter == '\t' ? "tab" : delimiter.ToString() };
        if (unclosed is { } line)
        {
            return plan with { FileProblem = $"Line {line}: a quoted cell is never closed." };
        }

        if (records.Count == 0 || records[0].Cells.All(string.IsNullOrWhiteSpace))
        {
            return plan with { FileProblem = "The file has no header row." };
        }

        var header = records[0].Cells;
        var fields = new Dictionary<ImportField, int>();
        var columns = new Dictionary<string, ImportField>(StringComparer.Ordinal);
        var ignored = new List<string>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF');
            if (name.Length == 0)
            {
                continue;
            }

            if (ImportColumns.FieldOf(name, options.Columns) is not { } field)
            {
                ignored.Add(name);
            }
            else if (!fields.TryAdd(field, i))
            {
                return plan with { FileProblem = $"Columns '{header[fields[field]].Trim()}' and '{name}' both hold {ImportColumns.Canonical.GetValueOrDefault(field, field.ToString())}." };
            }
            else
            {
                columns[name] = field;
            }
        }

        plan = plan with { Columns = columns, IgnoredColumns = ignored };
        if (!fields.ContainsKey(ImportField.MemberId) && !fields.ContainsKey(ImportField.Email) && !fields.ContainsKey(ImportField.Phone))
        {
            return plan with { FileProblem = "No column holds the member id, the e-mail or the phone (name one with a column map: header=email)." };
        }

        var data = records.Skip(1).Where(r => !r.Cells.All(string.IsNullOrWhiteSpace)).ToList();
        var (order, warnings) = DateOrderOf(data, fields, options.DateOrder);
        var reader = new RowReader(fields, options, program, idKey is { Length: > 0 } ? Encoding.UTF8.GetBytes(idKey) : null, order, hash, now);
        var rows = new List<ImportRow>();
        var problems = new List<ImportProblem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in data)
        {
            var (evt, reasons) = reader.Read(record);
            if (evt is not null && seen.TryGetValue(evt.MemberId, out var first))
            {
                reasons.Add($"the same member as row {first}");
            }

            if (reasons.Count > 0 || evt is null)
            {
                problems.Add(new ImportProblem(record.Line, record.Row, string.Join("; ", reasons)));
                continue;
            }

            seen[evt.MemberId] = record.Row;
            rows.Add(new ImportRow(record.Line, record.Row, evt));
        }

        return plan with { DateOrder = order, Warnings = warnings, RowCount = data.Count, Rows = rows, Problems = problems };
    }

    /// <summary>The id a member without one in the file gets: <c>m-</c> and 24 hex digits of HMAC-SHA256 of the kind and the normalised value.</summary>
    public static string DerivedId(byte[] key, string kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normal = kind == "email" ? value.Trim().ToLowerInvariant() : (value.TrimStart().StartsWith('+') ? "+" : string.Empty) + new string([.. value.Where(char.IsAsciiDigit)]);
        return "m-" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("import-id\n" + kind + "\n" + normal))[..12]);
    }

    // One order for the whole file: what its dates say, else the option, else month first.
    private static (DateOrder Order, IReadOnlyList<string> Warnings) DateOrderOf(List<CsvRecord> data, Dictionary<ImportField, int> fields, DateOrder option)
    {
        if (option != DateOrder.Auto)
        {
            return (option, []);
        }

        var dateColumns = new[] { ImportField.Birthday, ImportField.LastPurchase, ImportField.PointsExpire }.Where(fields.ContainsKey).Select(f => fields[f]).ToList();
        var cells = data.SelectMany(r => dateColumns.Where(i => i < r.Cells.Count).Select(i => r.Cells[i])).ToList();
        var said = cells.Select(ImportValues.OrderOf).OfType<DateOrder>().Distinct().ToList();
        return said.Count == 1 ? (said[0], [])
            : said.Count > 1 ? (DateOrder.MonthFirst, ["Some dates read only day first and others only month first: they were read month first; name the order (day-first) if the file means otherwise."])
            : cells.Any(c => ImportValues.Date(c, DateOrder.MonthFirst) is not null && ImportValues.Date(c, DateOrder.MonthFirst) != ImportValues.Date(c, DateOrder.DayFirst))
                ? (DateOrder.MonthFirst, ["Dates like 05/06/2024 were read month first (no date in the file says otherwise); name the order (day-first) if the file means 5 June."])
                : (DateOrder.MonthFirst, []);
    }

    private sealed class RowReader(Dictionary<ImportField, int> fields, ImportOptions options, LoyaltyProgram program, byte[]? key, DateOrder order, string hash, DateTimeOffset now)
    {
        private readonly DateOnly _today = program.LocalDate(now);

        public (MemberImported? Event, List<string> Reasons) Read(CsvRecord record)
        {
            var reasons = new List<string>();
            string Cell(ImportField f) => fields.TryGetValue(f, out var i) && i < record.Cells.Count ? CsvText.Value(record.Cells[i]) : string.Empty;
            T? Parse<T>(ImportField f, Func<string, T?> parse, string what)
                where T : struct
            {
                var v = Cell(f);
                if (v.Length == 0)
                {
                    return null;
                }

                var parsed = parse(v);
                if (parsed is null)
                {
                    reasons.Add($"{ImportColumns.Canonical.GetValueOrDefault(f, f.ToString())}: {what}");
                }

                return parsed;
            }

            var email = Cell(ImportField.Email);
            if (email.Length > 0 && !ImportValues.IsEmail(email))
            {
                reasons.Add("email: not an address");
            }

            var phone = Cell(ImportField.Phone);
            if (phone.Length > 0 && !ImportValues.IsPhone(phone))
            {
                reasons.Add("phone: not a phone number");
            }

            var memberId = Cell(ImportField.MemberId) switch
            {
                { Length: > 0 } id when Keys.IsValidMemberId(id) => id,
                { Length: > 0 } => Reason("member id: " + Keys.MemberIdRule),
                _ when key is null && (email.Length > 0 || phone.Length > 0) => Reason("member id: missing, and no directory key is set to derive one from the e-mail or phone"),
                _ when key is not null && email.Length > 0 && ImportValues.IsEmail(email) => DerivedId(key, "email", email),
                _ when key is not null && phone.Length > 0 && ImportValues.IsPhone(phone) => DerivedId(key, "phone", phone),
                _ when email.Length > 0 || phone.Length > 0 => null,
                _ => Reason("no member id, e-mail or phone"),
            };

            var points = Parse(ImportField.Points, ImportValues.Points, "not a whole number") ?? 0;
            if (points < 0)
            {
                reasons.Add("points: negative");
            }

            var spend = Parse(ImportField.Spend, ImportValues.Amount, "not an amount");
            if (spend < 0)
            {
                reasons.Add("lifetime spend: negative");
            }

            var birthday = Parse(ImportField.Birthday, v => ImportValues.Date(v, order), Unreadable());
            if (birthday > _today)
            {
                reasons.Add("birthday: in the future");
            }

            var lastPurchase = Parse(ImportField.LastPurchase, v => ImportValues.Date(v, order), Unreadable());
            if (lastPurchase > _today)
            {
                reasons.Add("last purchase: in the future");
            }

            var expires = Parse(ImportField.PointsExpire, v => ImportValues.Date(v, order), Unreadable());
            if (expires < _today)
            {
                reasons.Add("points expire: the day is past");
            }

            var consent = Parse(ImportField.Consent, ImportValues.Consent, "not yes or no");
            var tierCell = Cell(ImportField.Tier);
            var tier = tierCell.Length == 0 ? null : TierOf(tierCell);
            if (tierCell.Length > 0 && tier is null)
            {
                reasons.Add("tier: not a tier of the program (map the file's names to tier ids)");
            }

            var (first, last) = ImportValues.SplitName(Cell(ImportField.Name));
            first = Cell(ImportField.FirstName) is { Length: > 0 } f ? f : first;
            last = Cell(ImportField.LastName) is { Length: > 0 } l ? l : last;
            if (reasons.Count > 0 || memberId is null)
            {
                return (null, reasons);
            }

            var profile = new MemberProfile(
                Email: Blank(email),
                FirstName: first,
                LastName: last,
                Birthday: birthday,
                Phone: Blank(phone),
                MarketingConsent: consent);
            var purchasedAt = lastPurchase is { } day ? LocalNoon(day) : (DateTimeOffset?)null;
            return (new MemberImported(MemberImported.IdFor(memberId, hash), memberId, now, profile, points, expires, tier, spend, purchasedAt, hash), reasons);

            string? Reason(string reason)
            {
                reasons.Add(reason);
                return null;
            }
        }

        private string Unreadable() => order == DateOrder.DayFirst
            ? "not a date (2024-09-30, 2024/9/30, 2024年9月30日 or 30/09/2024 day first)"
            : "not a date (2024-09-30, 2024/9/30, 2024年9月30日 or 9/30/2024 month first)";

        private string? TierOf(string value)
        {
            var mapped = options.Tiers.FirstOrDefault(t => string.Equals(t.Key.Trim(), value, StringComparison.OrdinalIgnoreCase)).Value ?? value;
            return program.Tiers.FirstOrDefault(t => string.Equals(t.Id, mapped, StringComparison.OrdinalIgnoreCase) || string.Equals(t.Name, mapped, StringComparison.OrdinalIgnoreCase))?.Id;
        }

        // A date without a time: noon in the program's zone, so it reads as the same day there.
        private DateTimeOffset LocalNoon(DateOnly day)
        {
            var local = day.ToDateTime(new TimeOnly(12, 0));
            return new DateTimeOffset(local, program.Zone.GetUtcOffset(local));
        }

        private static string? Blank(string v) => v.Length == 0 ? null : v;
    }
}

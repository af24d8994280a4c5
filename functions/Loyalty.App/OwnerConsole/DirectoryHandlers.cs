using System.Globalization;
using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.OwnerConsole;

/// <summary>
/// <c>GET /api/members</c> (admin key or console session): the members list, read from the
/// member directory only. Search by name prefix (case- and accent-insensitive, Chinese names
/// too), exact e-mail, phone, member id or order number; filters, sort, pages, CSV export.
/// </summary>
public sealed class DirectoryHandlers(
    MemberDirectory directory,
    LoyaltyProgram program,
    IOptions<LoyaltyOptions> options,
    TimeProvider clock,
    ILogger<DirectoryHandlers> logger)
{
    /// <summary>Members on a page unless <c>pageSize</c> says otherwise.</summary>
    public const int DefaultPageSize = 25;

    /// <summary>Most members on one page.</summary>
    public const int MaxPageSize = 200;

    private const int MaxQueryLength = 200;

    private static readonly string[] Sorts = ["name", "balance", "lastPurchase", "spend"];

    /// <summary>The list, a page of it as JSON, or all of it as CSV (<c>format=csv</c>).</summary>
    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        var (query, problem) = ListQuery.Parse(request.Query, program);
        if (query is null)
        {
            return problem!;
        }

        var today = program.LocalDate(clock.GetUtcNow());
        var (entries, matchedBy) = await FindAsync(query, ct);
        var rows = entries
            .Select(e => Row(e, today, query.ExpiringWithinDays))
            .Where(r => query.Keeps(r))
            .ToList();
        rows = Sort(rows, query.Sort, query.Descending);

        if (query.Csv)
        {
            return Results.File(Csv(rows), "text/csv; charset=utf-8", "members.csv");
        }

        var page = rows.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
        return Results.Json(new ListView(rows.Count, query.Page, query.PageSize, matchedBy, page), EventEnvelope.Json);
    }

    // Exact lookups first, each a point or single-range read that does not grow with the
    // members; a name (anything with a letter) reads the directory's member rows.
    private async Task<(IReadOnlyList<DirectoryEntry> Entries, string MatchedBy)> FindAsync(ListQuery query, CancellationToken ct)
    {
        var q = query.Text;
        var filter = new DirectoryFilter(query.MinBalance, query.MaxBalance, query.PurchasedAfter, query.PurchasedBefore);
        if (q is null)
        {
            return (await directory.ListAsync(filter, ct), "all");
        }

        if (q.Contains('@', StringComparison.Ordinal))
        {
            return (await directory.LookupAsync("email", q, ct), "email");
        }

        var found = new Dictionary<string, (DirectoryEntry Entry, string By)>(StringComparer.Ordinal);
        void Add(IEnumerable<DirectoryEntry> entries, string by)
        {
            foreach (var e in entries)
            {
                found.TryAdd(e.MemberId, (e, by));
            }
        }

        if (await directory.GetAsync(q, ct) is { } byId)
        {
            Add([byId], "memberId");
        }

        Add(await directory.LookupAsync("order", q, ct), "order");
        if (q.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.') && q.Count(char.IsAsciiDigit) >= 5)
        {
            Add(await directory.LookupAsync("phone", q, ct), "phone");
        }

        if (q.Any(char.IsLetter))
        {
            var prefix = Normalise(q);
            Add((await directory.ListAsync(filter, ct)).Where(e => NameKeys(e).Any(k => k.StartsWith(prefix, StringComparison.Ordinal))), "name");
        }

        var by = found.Values.Select(v => v.By).Distinct().ToList();
        return ([.. found.Values.Select(v => v.Entry)], by.Count == 1 ? by[0] : by.Count == 0 ? "none" : "several");
    }

    /// <summary>
    /// Lower-case, without accents and with single spaces, so "Zoë" is found by "zoe" and
    /// "ÉMILE" by "émile"; Chinese characters are kept as they are.
    /// </summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Trim().Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(char.IsWhiteSpace(c) ? ' ' : char.ToLowerInvariant(c));
            }
        }

        return string.Join(' ', kept.ToString().Normalize(NormalizationForm.FormC).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    // First name, last name, both ways round, and family name then given name without a space
    // (how Chinese names are written: 王小明 is 王 + 小明).
    private static IEnumerable<string> NameKeys(DirectoryEntry e)
    {
        var first = Normalise(e.FirstName ?? string.Empty);
        var last = Normalise(e.LastName ?? string.Empty);
        return new[] { first, last, $"{first} {last}".Trim(), $"{last} {first}".Trim(), last + first }.Where(k => k.Length > 0);
    }

    private MemberRow Row(DirectoryEntry e, DateOnly today, int? withinDays)
    {
        var tier = TierMath.Find(program, e.TierId) ?? TierMath.Lowest(program);
        return new MemberRow(
            e.MemberId,
            e.FirstName,
            e.LastName,
            e.Email,
            e.Phone,
            tier?.Id,
            tier?.Name,
            program.AllowNegativeBalance ? e.Balance : Math.Max(0, e.Balance),
            e.Pending,
            e.ExpiringBy(today.AddDays(30)),
            withinDays is { } n ? e.ExpiringBy(today.AddDays(n)) : null,
            e.LastPurchaseAt,
            e.Spend,
            e.Orders,
            e.Satisfaction,
            e.Nps,
            e.EnrolledAt,
            e.Segment);
    }

    private static List<MemberRow> Sort(List<MemberRow> rows, string sort, bool descending)
    {
        var names = StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace);
        IOrderedEnumerable<MemberRow> ordered = sort switch
        {
            "balance" => descending ? rows.OrderByDescending(r => r.Balance) : rows.OrderBy(r => r.Balance),
            "lastPurchase" => descending ? rows.OrderByDescending(r => r.LastPurchaseAt) : rows.OrderBy(r => r.LastPurchaseAt),
            "spend" => descending ? rows.OrderByDescending(r => r.Spend) : rows.OrderBy(r => r.Spend),
            _ => descending ? rows.OrderByDescending(r => r.DisplayName, names) : rows.OrderBy(r => r.DisplayName, names),
        };
        return [.. ordered.ThenBy(r => r.MemberId, StringComparer.Ordinal)];
    }

    /// <summary>The rows as CSV: UTF-8 with a byte-order mark (so Excel reads Chinese names), CRLF lines, formula-like cells defused.</summary>
    public static byte[] Csv(IEnumerable<MemberRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.Append("memberId,firstName,lastName,email,phone,tier,balance,pending,expiring30Days,lastPurchaseAt,spend,orders,satisfaction,nps,memberSince,value,behaviour,rfm,lifetimeValue\r\n");
        foreach (var r in rows)
        {
            string[] cells =
            [
                Cell(r.MemberId), Cell(r.FirstName), Cell(r.LastName), Cell(r.Email), Cell(r.Phone), Cell(r.TierName),
                Num(r.Balance), Num(r.Pending), Num(r.Expiring30Days),
                r.LastPurchaseAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty,
                r.Spend.ToString("0.00", CultureInfo.InvariantCulture), Num(r.Orders),
                r.Satisfaction is { } s ? Num(s) : string.Empty, r.Nps is { } n ? Num(n) : string.Empty,
                r.EnrolledAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.Segment?.Value ?? string.Empty, r.Segment?.Behaviour ?? string.Empty,
                r.Segment is { } g ? $"{g.Recency}{g.Frequency}{g.Monetary}" : string.Empty,
                r.Segment?.LifetimeValue.ToString("0.00", CultureInfo.InvariantCulture) ?? string.Empty,
            ];
            text.Append(string.Join(',', cells)).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    // A cell a spreadsheet would take for a formula (= + - @, tab, CR) gets a leading apostrophe.
    private static string Cell(string? value)
    {
        var v = value ?? string.Empty;
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            v = "'" + v;
        }

        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }

    /// <summary>One member in the list.</summary>
    public sealed record MemberRow(
        string MemberId,
        string? FirstName,
        string? LastName,
        string? Email,
        string? Phone,
        string? TierId,
        string? TierName,
        long Balance,
        long Pending,
        long Expiring30Days,
        long? ExpiringWithinDays,
        DateTimeOffset? LastPurchaseAt,
        decimal Spend,
        int Orders,
        int? Satisfaction,
        int? Nps,
        DateTimeOffset EnrolledAt,
        MemberSegment? Segment)
    {
        /// <summary>First and last name, or the member id when there is neither.</summary>
        public string DisplayName => $"{FirstName} {LastName}".Trim() is { Length: > 0 } name ? name : MemberId;
    }

    /// <summary>A page of the list.</summary>
    public sealed record ListView(int Total, int Page, int PageSize, string MatchedBy, IReadOnlyList<MemberRow> Members);

    /// <summary>The query string of the list, checked.</summary>
    private sealed record ListQuery(
        string? Text,
        string? TierId,
        string? Value,
        string? Behaviour,
        long? MinBalance,
        long? MaxBalance,
        int? ExpiringWithinDays,
        DateTimeOffset? PurchasedAfter,
        DateTimeOffset? PurchasedBefore,
        string Sort,
        bool Descending,
        int Page,
        int PageSize,
        bool Csv)
    {
        public bool Keeps(MemberRow r) =>
            (TierId is null || r.TierId == TierId)
            && (Value is null || r.Segment?.Value == Value)
            && (Behaviour is null || r.Segment?.Behaviour == Behaviour)
            && (MinBalance is null || r.Balance >= MinBalance)
            && (MaxBalance is null || r.Balance <= MaxBalance)
            && (ExpiringWithinDays is null || r.ExpiringWithinDays > 0)
            && (PurchasedAfter is null || r.LastPurchaseAt >= PurchasedAfter)
            && (PurchasedBefore is null || r.LastPurchaseAt < PurchasedBefore);

        public static (ListQuery? Query, IResult? Problem) Parse(IQueryCollection query, LoyaltyProgram program)
        {
            string? Text(string name) => query[name].ToString() is { Length: > 0 } v ? v : null;
            static (ListQuery?, IResult?) Fail(string field, string detail) => (null, Problems.Invalid(field, detail));

            var q = Text("q")?.Trim();
            if (q is { Length: > MaxQueryLength } || (q?.Any(char.IsControl) ?? false))
            {
                return Fail("q", $"q is at most {MaxQueryLength} characters, without control characters.");
            }

            var tier = Text("tier");
            if (tier is not null && program.Tiers.All(t => t.Id != tier))
            {
                return Fail("tier", $"tier is one of {string.Join(", ", program.Tiers.Select(t => t.Id))}.");
            }

            var value = Text("value");
            if (value is not null && !Segmentation.Values.Contains(value))
            {
                return Fail("value", $"value is one of {string.Join(", ", Segmentation.Values)}.");
            }

            var behaviour = Text("behaviour");
            if (behaviour is not null && !Segmentation.Behaviours.Contains(behaviour))
            {
                return Fail("behaviour", $"behaviour is one of {string.Join(", ", Segmentation.Behaviours)}.");
            }

            long? min = null, max = null;
            if (Text("minBalance") is { } minText && !TryLong(minText, out min))
            {
                return Fail("minBalance", "minBalance is a whole number.");
            }

            if (Text("maxBalance") is { } maxText && !TryLong(maxText, out max))
            {
                return Fail("maxBalance", "maxBalance is a whole number.");
            }

            int? within = null;
            if (Text("expiringWithinDays") is { } withinText)
            {
                if (!int.TryParse(withinText, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 3660)
                {
                    return Fail("expiringWithinDays", "expiringWithinDays is a whole number of days from 1 to 3660.");
                }

                within = days;
            }

            DateTimeOffset? after = null, before = null;
            if (Text("purchasedAfter") is { } afterText && !TryDay(afterText, out after))
            {
                return Fail("purchasedAfter", "purchasedAfter is a date, yyyy-MM-dd.");
            }

            if (Text("purchasedBefore") is { } beforeText && !TryDay(beforeText, out before))
            {
                return Fail("purchasedBefore", "purchasedBefore is a date, yyyy-MM-dd.");
            }

            var sort = Text("sort") ?? "name";
            if (!Sorts.Contains(sort, StringComparer.Ordinal))
            {
                return Fail("sort", $"sort is one of {string.Join(", ", Sorts)}.");
            }

            var order = Text("order") ?? "asc";
            if (order is not ("asc" or "desc"))
            {
                return Fail("order", "order is asc or desc.");
            }

            var page = 1;
            if (Text("page") is { } pageText && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page is < 1 or > 100_000))
            {
                return Fail("page", "page is a whole number from 1.");
            }

            var size = DefaultPageSize;
            if (Text("pageSize") is { } sizeText && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
            {
                return Fail("pageSize", $"pageSize is a whole number from 1 to {MaxPageSize}.");
            }

            var format = Text("format") ?? "json";
            if (format is not ("json" or "csv"))
            {
                return Fail("format", "format is json or csv.");
            }

            return (new ListQuery(q is { Length: > 0 } ? q : null, tier, value, behaviour, min, max, within, after, before, sort, order == "desc", page, size, format == "csv"), null);
        }

        private static bool TryLong(string text, out long? value)
        {
            var ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && Math.Abs(v) <= Decider.PointsCeiling;
            value = ok ? v : null;
            return ok;
        }

        private static bool TryDay(string text, out DateTimeOffset? value)
        {
            var ok = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 2100;
            value = ok ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
            return ok;
        }
    }
}

using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Loyalty.App.Import;

/// <summary>How a date like 05/06/2024 is read.</summary>
public enum DateOrder
{
    /// <summary>From the file: a first part over 12 means day first, a second over 12 month first; if every date is ambiguous, month first.</summary>
    Auto,

    /// <summary>30/09/2024.</summary>
    DayFirst,

    /// <summary>9/30/2024.</summary>
    MonthFirst,
}

/// <summary>Reading the cells of an import file: dates, whole points, amounts, consent, names.</summary>
public static partial class ImportValues
{
    private static readonly string[] Yes = ["yes", "y", "true", "1", "是", "同意", "已同意", "订阅", "已订阅", "接受", "subscribed", "opted in", "opt-in"];
    private static readonly string[] No = ["no", "n", "false", "0", "否", "不同意", "未同意", "未订阅", "退订", "已退订", "拒绝", "不接受", "unsubscribed", "not subscribed", "opted out", "opt-out"];

    /// <summary>
    /// A date as 2024-09-30, 2024/9/30, 2024.9.30, 2024年9月30日, or a/b/yyyy (also with '-' or '.')
    /// read by <paramref name="order"/>; a time after the date is ignored. Null when it is none of those.
    /// </summary>
    public static DateOnly? Date(string value, DateOrder order)
    {
        var m = YearFirst().Match(value);
        if (m.Success)
        {
            return Make(Int(m, "y"), Int(m, "m"), Int(m, "d"));
        }

        m = YearLast().Match(value);
        if (!m.Success)
        {
            return null;
        }

        var (a, b, y) = (Int(m, "a"), Int(m, "b"), Int(m, "y"));
        return OrderOf(a, b) is { } fixedOrder && order != DateOrder.Auto && fixedOrder != order ? null
            : (OrderOf(a, b) ?? (order == DateOrder.DayFirst ? DateOrder.DayFirst : DateOrder.MonthFirst)) == DateOrder.DayFirst ? Make(y, b, a) : Make(y, a, b);
    }

    /// <summary>The order a/b/yyyy must be in (a first part over 12: day first; a second: month first); null when both read.</summary>
    public static DateOrder? OrderOf(string value)
    {
        var m = YearLast().Match(value);
        return m.Success ? OrderOf(Int(m, "a"), Int(m, "b")) : null;
    }

    /// <summary>Whole points: digits with optional thousands separators (1,200 or 1 200); null otherwise.</summary>
    public static long? Points(string value)
    {
        var v = value.Replace(",", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\u00A0", string.Empty, StringComparison.Ordinal);
        if (v.EndsWith(".0", StringComparison.Ordinal) || v.EndsWith(".00", StringComparison.Ordinal))
        {
            v = v[..v.IndexOf('.', StringComparison.Ordinal)];
        }

        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>An amount: optional currency sign (¥ ￥ $ € £) or 元, thousands commas, a decimal point; null otherwise.</summary>
    public static decimal? Amount(string value)
    {
        var v = value.Trim().TrimStart('¥', '￥', '$', '€', '£').Replace("元", string.Empty, StringComparison.Ordinal)
            .Replace(",", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        return decimal.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    /// <summary>Consent: yes / no words in English or Chinese; null when it is neither.</summary>
    public static bool? Consent(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        return Yes.Contains(v) ? true : No.Contains(v) ? false : null;
    }

    /// <summary>An e-mail address: one <c>@</c>, a dotted domain, no spaces.</summary>
    public static bool IsEmail(string value) =>
        value.Count(c => c == '@') == 1 && !value.Any(char.IsWhiteSpace) && MailAddress.TryCreate(value, out var a) && a.Address == value && a.Host.Contains('.', StringComparison.Ordinal);

    /// <summary>A phone number: digits with spaces, dashes, dots, brackets and a leading +, 5 to 20 digits.</summary>
    public static bool IsPhone(string value) =>
        value.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.') && value.LastIndexOf('+') <= 0 && value.Count(char.IsAsciiDigit) is >= 5 and <= 20;

    /// <summary>
    /// A whole name split into given and family name: a name of Chinese characters without a
    /// space is family name (the first character) then given name; otherwise the last word is the
    /// family name.
    /// </summary>
    public static (string? First, string? Last) SplitName(string name)
    {
        var n = name.Trim();
        if (n.Length == 0)
        {
            return (null, null);
        }

        if (!n.Contains(' ', StringComparison.Ordinal) && n.All(IsCjk))
        {
            return n.Length == 1 ? (null, n) : (n[1..], n[..1]);
        }

        var space = n.LastIndexOf(' ');
        return space < 0 ? (n, null) : (n[..space].Trim(), n[(space + 1)..]);
    }

    private static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF' or '·';

    private static DateOrder? OrderOf(int a, int b) => a > 12 && b <= 12 ? DateOrder.DayFirst : b > 12 && a <= 12 ? DateOrder.MonthFirst : null;

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static DateOnly? Make(int y, int m, int d) =>
        y is >= 1900 and <= 2200 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;

    [GeneratedRegex(@"^\s*(?<y>\d{4})\s*(?:[-/.]|年)\s*(?<m>\d{1,2})\s*(?:[-/.]|月)\s*(?<d>\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")]
    private static partial Regex YearFirst();

    [GeneratedRegex(@"^\s*(?<a>\d{1,2})[-/.](?<b>\d{1,2})[-/.](?<y>\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?\s*$")]
    private static partial Regex YearLast();
}

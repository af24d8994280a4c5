using System.Globalization;
using System.Text;
using Loyalty.Core;
using Loyalty.Storage;

namespace Loyalty.App.Import;

/// <summary>
/// Every member in the import's own format (UTF-8 with BOM, comma, the import's English
/// headers), so a shop can always leave and the import reads the file back. Members come from
/// the directory; each one's state is read by key (birthday and consent are not in the directory).
/// The balance's expiry is the earliest open lot's: re-imported, no point lives longer than here.
/// </summary>
public sealed class MemberExport(MemberDirectory directory, MemberStore store, LoyaltyProgram program)
{
    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<ImportField> Fields { get; } =
    [
        ImportField.MemberId, ImportField.FirstName, ImportField.LastName, ImportField.Email, ImportField.Phone, ImportField.Points,
        ImportField.Tier, ImportField.Spend, ImportField.Birthday, ImportField.Consent, ImportField.LastPurchase, ImportField.PointsExpire,
    ];

    /// <summary>The whole file.</summary>
    public async Task<byte[]> WriteAsync(CancellationToken ct)
    {
        var entries = await directory.ListAsync(new DirectoryFilter(), ct);
        var states = new MemberState?[entries.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            states[i] = await store.GetStateAsync(entries[i].MemberId, token));
        var text = new StringBuilder();
        text.Append(string.Join(',', Fields.Select(f => ImportColumns.Canonical[f]))).Append("\r\n");
        foreach (var s in states.OfType<MemberState>().OrderBy(s => s.MemberId, StringComparer.Ordinal))
        {
            text.Append(string.Join(',', Row(s).Select(CsvText.Cell))).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private IEnumerable<string?> Row(MemberState s)
    {
        var p = s.Profile;
        var consent = s.Unsubscribed ? false : p.MarketingConsent;
        yield return s.MemberId;
        yield return p.FirstName;
        yield return p.LastName;
        yield return p.Email;
        yield return p.Phone;
        yield return s.Balance.ToString(CultureInfo.InvariantCulture);
        yield return s.TierId is null ? null : TierMath.Find(program, s.TierId)?.Id;
        yield return s.LifetimeSpend.ToString("0.00", CultureInfo.InvariantCulture);
        yield return Day(p.Birthday);
        yield return consent switch { true => "yes", false => "no", null => null };
        yield return s.LastPurchaseAt is { } at ? Day(program.LocalDate(at)) : null;
        yield return s.Lots.Count > 0 && s.Lots[0].ExpiresOn != DateOnly.MaxValue ? Day(s.Lots[0].ExpiresOn) : null;
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

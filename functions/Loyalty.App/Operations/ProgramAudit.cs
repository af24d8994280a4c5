using System.Globalization;
using Loyalty.Core;
using Loyalty.Storage;

namespace Loyalty.App.Operations;

/// <summary>
/// The operator's audit (<c>dotnet run --project functions/Loyalty.Local -- audit</c>): every
/// member partition (<see cref="MemberAudit"/>), every directory row against its member's state,
/// and the report's totals against the member partitions: the liability against the balances,
/// members, tiers and redeemers against the states, and each month's earned, imported, redeemed,
/// reinstated, expired, adjusted and taken-back points against the ledger entries of that
/// program-local month, and its active members against the members with an order credited in
/// that month (their <c>order|</c> rows); and each limited reward's slots against the redemptions
/// holding them. It reads every member: for the operator, never on a request path.
/// </summary>
public sealed class ProgramAudit(StorageClients clients, MemberDirectory directory, ReportStore reports, RewardSlots slots, LoyaltyProgram program)
{
    /// <summary>What the audit read and what disagrees (empty when everything agrees).</summary>
    public sealed record Result(int Members, int LedgerEntries, int DirectoryRows, int ReportMonths, IReadOnlyList<string> Disagreements);

    /// <summary>Reads everything and lists each disagreement.</summary>
    public async Task<Result> RunAsync(CancellationToken ct)
    {
        var members = await MemberAudit.ReadAsync(clients.Members, ct);
        var problems = new List<string>(MemberAudit.Inconsistencies(members, int.MaxValue));
        var states = members.Values.Select(m => m.State).OfType<MemberState>().ToList();

        var entries = (await directory.ListAsync(new DirectoryFilter(), ct)).ToDictionary(e => e.MemberId, StringComparer.Ordinal);
        foreach (var state in states)
        {
            if (!entries.TryGetValue(state.MemberId, out var entry))
            {
                problems.Add($"{state.MemberId}: no directory row");
            }
            else if (!entry.ListsAs(DirectoryEntry.From(state)))
            {
                problems.Add($"{state.MemberId}: directory row at version {entry.Version} (balance {entry.Balance}) differs from the member at version {state.Version} (balance {state.Balance})");
            }
        }

        problems.AddRange(entries.Keys.Where(id => !members.ContainsKey(id)).Select(id => $"{id}: directory row without a member"));

        var months = await reports.ReadAsync(ct);
        var total = ReportFigures.Total(months.Select(m => m.Figures));
        void Compare(string figure, decimal reported, decimal actual)
        {
            if (reported != actual)
            {
                problems.Add($"reports: {figure} is {reported.ToString(CultureInfo.InvariantCulture)}, the members give {actual.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        var ledger = members.Values.SelectMany(m => m.Ledger).ToList();
        Compare("liability", total.Liability, members.Values.Sum(m => m.Balance));
        Compare("pending", total.Pending, states.Sum(s => s.PendingPoints));
        Compare("members", total.Joined, members.Count);
        Compare("redeemers", total.NewRedeemers, states.Count(s => s.LifetimeRedeemed > 0));
        foreach (var tier in program.Tiers)
        {
            Compare($"members in tier {tier.Id}", total.Tiers.GetValueOrDefault(tier.Id), states.Count(s => TierMath.Find(program, s.TierId)?.Id == tier.Id));
        }

        var byMonth = months.ToDictionary(m => m.Month, m => m.Figures, StringComparer.Ordinal);
        var activeByMonth = members.Values
            .SelectMany(m => m.OrdersCreditedAt.Select(at => (m.MemberId, Month: ReportFigures.MonthKey(program.LocalDate(at)))))
            .Distinct()
            .GroupBy(p => p.Month, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        foreach (var month in ledger.Select(e => ReportFigures.MonthKey(program.LocalDate(e.At))).Concat(byMonth.Keys).Concat(activeByMonth.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var f = byMonth.GetValueOrDefault(month) ?? ReportFigures.Zero;
            var inMonth = ledger.Where(e => ReportFigures.MonthKey(program.LocalDate(e.At)) == month).ToList();
            long Sum(params string[] kinds) => inMonth.Where(e => kinds.Contains(e.Kind)).Sum(e => e.Points + e.PendingChange);
            Compare($"{month} earned", f.Earned, Sum([.. ReportFigures.EarnedKinds]));
            Compare($"{month} imported", f.Imported, Sum(ReportFigures.ImportedKind));
            Compare($"{month} redeemed", f.Redeemed, -Sum(LedgerKinds.Redeemed));
            Compare($"{month} reinstated", f.Reinstated, Sum(LedgerKinds.RedemptionReversed));
            Compare($"{month} expired", f.Expired, -Sum(LedgerKinds.Expired));
            Compare($"{month} adjusted", f.Adjusted, Sum(LedgerKinds.Adjusted));
            Compare($"{month} taken back", f.TakenBack, -Sum(LedgerKinds.Refunded, LedgerKinds.Cancelled));
            Compare($"{month} active members", f.ActiveMembers, activeByMonth.GetValueOrDefault(month));
        }

        // A limited reward's slots against the redemptions holding them: more slots than redemptions
        // is a claim whose redemption never committed (or whose release a crash cut off).
        foreach (var reward in program.Rewards.Where(r => r.GlobalLimit is not null))
        {
            var taken = await slots.TakenAsync(reward.Id, ct);
            var claims = await slots.ClaimsAsync(reward.Id, ct);
            var live = states.Sum(s => (long)s.Redemptions.GetValueOrDefault(reward.Id));
            if (taken != claims.Count || claims.Count != live)
            {
                problems.Add($"reward {reward.Id}: {taken} taken, {claims.Count} claim rows, {live} redemptions not reversed");
            }
        }

        return new Result(members.Count, ledger.Count, entries.Count, months.Count, problems);
    }
}

using Loyalty.App.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Bench;

/// <summary>
/// The operator's audit (<see cref="ProgramAudit"/>, what <c>audit</c> runs) at the end of a load
/// mode, printed. A mode that writes rows outside the member path (generated directory or report
/// rows, member partitions seeded straight into the table) names the disagreements those rows
/// cause by construction; every other disagreement fails the run.
/// </summary>
internal static class BenchAudit
{
    /// <summary>Runs the audit on the storage of <paramref name="services"/>, prints it, and returns whether every disagreement was expected.</summary>
    /// <param name="services">The local app's services (its storage, directory, reports and program).</param>
    /// <param name="expected">Whether a disagreement is one the mode's seeding causes; null when none is.</param>
    /// <param name="why">Why those disagreements are expected (printed).</param>
    public static async Task<bool> RunAsync(IServiceProvider services, Func<string, bool>? expected = null, string? why = null)
    {
        var result = await services.GetRequiredService<ProgramAudit>().RunAsync(CancellationToken.None);
        var unexpected = result.Disagreements.Where(d => expected is null || !expected(d)).ToList();
        var explained = result.Disagreements.Count - unexpected.Count;
        Console.WriteLine();
        Console.WriteLine($"Audit: {result.Members:N0} members, {result.LedgerEntries:N0} ledger entries, {result.DirectoryRows:N0} directory rows, {result.ReportMonths} report months read; {result.Disagreements.Count:N0} disagreement(s)");
        if (explained > 0)
        {
            Console.WriteLine($"   {explained:N0} expected: {why}");
        }

        foreach (var line in unexpected.Take(20))
        {
            Console.WriteLine("   DISAGREES " + line);
        }

        Console.WriteLine(unexpected.Count == 0
            ? explained == 0 ? "   Everything agrees." : "   Nothing else disagrees."
            : $"   {unexpected.Count:N0} unexpected disagreement(s).");
        return unexpected.Count == 0;
    }
}

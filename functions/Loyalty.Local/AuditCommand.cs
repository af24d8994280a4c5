using Loyalty.App.Operations;

namespace Loyalty.Local;

/// <summary>
/// <c>dotnet run --project functions/Loyalty.Local -- audit</c>: the operator's audit against the
/// storage the local host's settings name (start Azurite first, e.g. with <c>./scripts/run.sh</c>).
/// Prints what it read and every disagreement; exits 1 on any, 0 when everything agrees.
/// </summary>
public static class AuditCommand
{
    /// <summary>Runs the audit; <paramref name="args"/> are the host's usual settings (<c>--Loyalty:Storage:ConnectionString=...</c>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var app = LocalApp.Create(args);
        var result = await app.Services.GetRequiredService<ProgramAudit>().RunAsync(CancellationToken.None);
        await output.WriteLineAsync($"Audited {result.Members} members, {result.LedgerEntries} ledger entries, {result.DirectoryRows} directory rows, {result.ReportMonths} report months.");
        foreach (var problem in result.Disagreements)
        {
            await output.WriteLineAsync("DISAGREES " + problem);
        }

        await output.WriteLineAsync(result.Disagreements.Count == 0 ? "Everything agrees." : $"{result.Disagreements.Count} disagreement(s).");
        return result.Disagreements.Count == 0 ? 0 : 1;
    }
}

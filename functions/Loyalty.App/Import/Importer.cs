using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Loyalty.App.Configuration;
using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Import;

/// <summary>How far a run is: rows done of the rows to do, and the time so far.</summary>
public sealed record ImportProgress(int Done, int Total, TimeSpan Elapsed)
{
    /// <summary>Rows per second so far.</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;

    /// <summary>The time left at the rate so far; null before the first row.</summary>
    public TimeSpan? Left => Rate > 0 ? TimeSpan.FromSeconds((Total - Done) / Rate) : null;
}

/// <summary>A row that read well but was not imported (the member was imported from another file, or busy), with why.</summary>
public sealed record ImportRefusal(int Line, int Row, string MemberId, string Reason);

/// <summary>What an import did (or, on a dry run, would do).</summary>
public sealed record ImportReport : ImportFileFacts
{
    /// <summary>A report on the file <paramref name="file"/> describes.</summary>
    [SetsRequiredMembers]
    public ImportReport(ImportFileFacts file, bool dryRun)
        : base(file) => DryRun = dryRun;

    /// <summary>Whether nothing was written.</summary>
    public bool DryRun { get; }

    /// <summary>Data rows in the file.</summary>
    public int Rows { get; init; }

    /// <summary>Rows imported (dry run: that would be).</summary>
    public int Imported { get; init; }

    /// <summary>Rows whose member was already imported from this file: nothing changes.</summary>
    public int AlreadyImported { get; init; }

    /// <summary>Opening points imported (dry run: that would be).</summary>
    public long Points { get; init; }

    /// <summary>Rows that do not read, by line, with the reasons.</summary>
    public IReadOnlyList<ImportProblem> BadRows { get; init; } = [];

    /// <summary>Rows that read but were refused.</summary>
    public IReadOnlyList<ImportRefusal> Refused { get; init; } = [];

    /// <summary>How long it took.</summary>
    public double Seconds { get; init; }

    /// <summary>Rows handled per second.</summary>
    public double RowsPerSecond { get; init; }
}

/// <summary>
/// Moves members in from a spreadsheet: a dry run reads every member the file names (point
/// reads) and decides each row without writing anything; a real run sends every row through
/// <see cref="MemberCommands.ApplyAsync"/>, several members at once.
/// </summary>
public sealed class Importer(MemberStore store, MemberCommands commands, LoyaltyProgram program, IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<Importer> logger)
{
    /// <summary>Members imported at once unless told otherwise.</summary>
    public const int DefaultParallelism = 8;

    /// <summary>Reads a file into a plan (no I/O).</summary>
    public ImportPlan Plan(ReadOnlySpan<byte> bytes, ImportOptions importOptions) =>
        ImportFile.Read(bytes, importOptions, program, options.Value.DirectoryKey, clock.GetUtcNow());

    /// <summary>Runs <paramref name="plan"/>: with <paramref name="dryRun"/> nothing is written.</summary>
    public async Task<ImportReport> RunAsync(ImportPlan plan, bool dryRun, int parallelism, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var watch = Stopwatch.StartNew();
        var (imported, already, done) = (0, 0, 0);
        long points = 0;
        var refused = new List<ImportRefusal>();
        await Parallel.ForEachAsync(plan.Rows, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct }, async (row, token) =>
        {
            var (outcome, reason) = dryRun ? await DecideAsync(row.Event, token) : await ApplyAsync(row.Event, token);
            lock (refused)
            {
                switch (outcome)
                {
                    case DecisionOutcome.Applied:
                        imported++;
                        points += row.Event.OpeningBalance;
                        break;
                    case DecisionOutcome.AlreadyApplied:
                        already++;
                        break;
                    default:
                        refused.Add(new ImportRefusal(row.Line, row.Row, row.Event.MemberId, reason ?? outcome.ToString()));
                        break;
                }

                done++;
                if (done % 50 == 0 || done == plan.Rows.Count)
                {
                    progress?.Report(new ImportProgress(done, plan.Rows.Count, watch.Elapsed));
                }
            }
        });

        var report = new ImportReport(plan, dryRun)
        {
            Rows = plan.RowCount,
            Imported = imported,
            AlreadyImported = already,
            Points = points,
            BadRows = plan.Problems,
            Refused = [.. refused.OrderBy(r => r.Line)],
            Seconds = Math.Round(watch.Elapsed.TotalSeconds, 2),
            RowsPerSecond = watch.Elapsed.TotalSeconds > 0 ? Math.Round(plan.Rows.Count / watch.Elapsed.TotalSeconds, 1) : 0,
        };
        logger.LogInformation(
            "Import of file {FileHash} ({DryRun}): {Rows} rows, {Imported} imported, {Already} already imported, {Bad} bad rows, {Refused} refused, {Seconds} s",
            plan.FileHash,
            dryRun ? "dry run" : "real run",
            report.Rows,
            imported,
            already,
            plan.Problems.Count,
            refused.Count,
            report.Seconds);
        return report;
    }

    private async Task<(DecisionOutcome, string?)> DecideAsync(MemberImported evt, CancellationToken ct)
    {
        var loaded = await store.LoadAsync(evt.MemberId, null, null, ct);
        var decision = Decider.Decide(loaded.State, evt, DecisionInputs.None, program, clock.GetUtcNow());
        return (decision.Outcome, decision.Refusals.FirstOrDefault()?.Message);
    }

    private async Task<(DecisionOutcome, string?)> ApplyAsync(MemberImported evt, CancellationToken ct) =>
        await commands.TryApplyAsync(evt, ct) is { } result
            ? (result.Outcome, result.Decision.Refusals.FirstOrDefault()?.Message)
            : (DecisionOutcome.Refused, "the member changed under every attempt; import the file again (rows already in change nothing)");
}

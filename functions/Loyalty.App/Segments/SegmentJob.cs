using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;

namespace Loyalty.App.Segments;

/// <summary>What one segment recomputation did: the members scored, the rows written, and the segments' sizes.</summary>
public sealed record SegmentRun(DateOnly Today, int Members, int Written, SegmentSizes Sizes);

/// <summary>
/// The <c>SegmentMembers</c> job (timer and jobs route): scores every member from the member
/// directory alone (<see cref="Segmentation.Score"/>), merges each one's segment onto its
/// directory row and replaces the segments' summary row of the reports table. One query over the
/// directory's member rows (a page per 1,000), one transaction per 100 members and one upsert;
/// never a member partition.
/// </summary>
public sealed class SegmentJob(MemberDirectory directory, ReportStore reports, LoyaltyProgram program, TimeProvider clock, ILogger<SegmentJob> logger)
{
    /// <summary>The job's name.</summary>
    public const string Job = "SegmentMembers";

    /// <summary>Recomputes every member's segment as of today.</summary>
    public async Task<SegmentRun> RunAsync(CancellationToken ct)
    {
        var today = program.LocalDate(clock.GetUtcNow());
        var entries = await directory.ListAsync(new DirectoryFilter(), ct);
        var segments = Segmentation.Score([.. entries.Select(e => e.ToSegmentInput(program, today))], program.Segments, program.TierRules.WindowMonths, today);
        var written = await directory.WriteSegmentsAsync([.. entries.Zip(segments, (e, s) => (e.MemberId, s))], ct);
        var sizes = SegmentSizes.Of(segments);
        await reports.WriteSegmentsAsync(new SegmentSummary(today, sizes), ct);
        logger.LogInformation(
            "Segments of {Members} members recomputed as of {Today} ({Written} rows written): {High} high, {Medium} medium, {Low} low value; {Active} active, {AtRisk} at risk, {Lapsed} lapsed",
            entries.Count, today, written, sizes.High, sizes.Medium, sizes.Low, sizes.Active, sizes.AtRisk, sizes.Lapsed);
        return new SegmentRun(today, entries.Count, written, sizes);
    }
}

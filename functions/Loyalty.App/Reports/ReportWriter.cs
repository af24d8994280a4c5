using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;

namespace Loyalty.App.Reports;

/// <summary>
/// The reports' side of the member commit (docs/ARCHITECTURE.md, "reports"): the figures of a
/// decision go on the event's marker in the member's transaction, and the delta row is written
/// after the commit from them; a retry that finds the event applied writes the row from the
/// marker if it is missing, which mends a crash between the commit and the delta write and
/// leaves a written row untouched.
/// </summary>
public sealed class ReportWriter(ReportStore store, MemberStore members, LoyaltyProgram program, TimeProvider clock, ILogger<ReportWriter> logger)
{
    /// <summary>The delta of a decision about to be committed, as kept on its marker; null when it changes no figure.</summary>
    public string? Delta(MemberState? before, Decision decision)
    {
        // The day of the ledger entries' time, so the row's month is the one the ledger says.
        var figures = ReportFigures.Of(before, decision, program);
        // A purchase without entries (a zero-point order) goes by its own credit time, the month its active member counts in.
        var at = decision.Entries.Count > 0 ? decision.Entries[0].At
            : decision.State?.LastOrderCreditedAt is { } credited && credited != before?.LastOrderCreditedAt ? credited
            : clock.GetUtcNow();
        return figures.IsEmpty ? null : ReportStore.Serialize(program.LocalDate(at), figures);
    }

    /// <summary>Writes the delta row of a committed event (1 insert; none for a delta of null); false when there was nothing to write.</summary>
    public async Task<bool> RecordAsync(string memberId, string eventId, string? delta, CancellationToken ct)
    {
        if (delta is null)
        {
            return false;
        }

        var (day, figures) = ReportStore.Deserialize(delta);
        return await store.RecordAsync(memberId, eventId, day, figures, program.LocalDate(clock.GetUtcNow()), ct);
    }

    /// <summary>The event was found applied: writes its delta row from its marker if the row is missing (1 point read, then as above).</summary>
    public async Task MendAsync(string memberId, string eventId, CancellationToken ct)
    {
        if (Keys.IsValid(eventId)
            && await members.GetMarkerReportAsync(memberId, eventId, ct) is { } delta
            && await RecordAsync(memberId, eventId, delta, ct))
        {
            logger.LogInformation("Report delta of event {EventId} written again for member {MemberId}", eventId, memberId);
        }
    }
}

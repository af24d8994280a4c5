using Loyalty.App.Processing;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.Extensions.Logging;

namespace Loyalty.App.Privacy;

/// <summary>How an erasure came out: the member afterwards, the rows rewritten, or why not.</summary>
public sealed record ErasureResult(DecisionOutcome Outcome, MemberState? State, int RowsChanged, Refusal? Refusal);

/// <summary>
/// Erases one member's personal data: a <see cref="MemberErased"/> decision through
/// <see cref="MemberCommands"/> (the state loses its profile), then the member's other rows that
/// hold personal data are rewritten (<see cref="ErasureRows"/>) and the directory row is brought
/// up to the erased state. The member id stays as the pseudonym: member ids never hold <c>@</c> or
/// <c>+</c>, so an id holds no e-mail or phone (an id the shop made of a name stays as it is).
/// Running it again mends an erasure that stopped half-way and changes nothing otherwise.
/// </summary>
public sealed class MemberErasure(MemberCommands commands, ErasureRows rows, MemberDirectory directory, TimeProvider clock, ILogger<MemberErasure> logger)
{
    /// <summary>Erases <paramref name="memberId"/>; null when the member changed under every commit attempt (nothing erased yet: try again).</summary>
    public async Task<ErasureResult?> EraseAsync(string memberId, string reason, CancellationToken ct)
    {
        var result = await commands.TryApplyAsync(new MemberErased(MemberErased.IdFor(memberId), memberId, clock.GetUtcNow(), reason), ct);
        if (result is null)
        {
            return null;
        }

        if (result.Outcome is not (DecisionOutcome.Applied or DecisionOutcome.AlreadyApplied) || result.State is not { Erased: true } state)
        {
            return new ErasureResult(result.Outcome, result.State, 0, result.Decision.Refusals.FirstOrDefault());
        }

        var changed = await rows.ScrubAsync(memberId, ct);
        await directory.RecordAsync(state, null, ct);
        logger.LogInformation("Member {MemberId} erased ({Reason}); {Rows} other rows rewritten or removed", memberId, reason, changed);
        return new ErasureResult(result.Outcome, state, changed, null);
    }
}

using Loyalty.Core;

namespace Loyalty.App.Intake;

/// <summary>The last step every intake shares: validate the mapped events, then accept them.</summary>
internal static class Mapped
{
    public static IntakeResult Accept(DateTimeOffset? now, params IReadOnlyList<LoyaltyEvent> events)
    {
        foreach (var evt in events)
        {
            var errors = now is { } at ? EventValidation.Validate(evt, at) : EventValidation.Validate(evt);
            if (errors.Count > 0)
            {
                return IntakeProblems.InvalidField(errors[0].Field, errors[0].Message);
            }
        }

        return new IntakeAccepted(events);
    }
}

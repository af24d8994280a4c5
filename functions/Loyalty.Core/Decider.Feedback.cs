namespace Loyalty.Core;

public static partial class Decider
{
    // Feedback moves no points: the note row is written with the member's commit, and the
    // state keeps the latest scores for the directory. The event id makes a retry harmless.
    private static Decision Feedback(MemberState? state, FeedbackSubmitted e, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        if (FeedbackProblem(e) is { } problem)
        {
            return Refused(state, RefusalCodes.Invalid, problem);
        }

        var note = new MemberNote { NoteId = e.EventId, Kind = "feedback", At = e.OccurredAt, Satisfaction = e.Satisfaction, Nps = e.Nps, Text = e.Text, OrderId = e.OrderId };
        return Draft.Start(state, e, now)
            .With(s => s with
            {
                LastSatisfaction = e.Satisfaction ?? s.LastSatisfaction,
                LastNps = e.Nps ?? s.LastNps,
                LastFeedbackAt = s.LastFeedbackAt is { } last && last > e.OccurredAt ? last : e.OccurredAt,
            })
            .Applied(note: note);
    }

    private static Decision Service(MemberState? state, ServiceRecorded e, DateTimeOffset now)
    {
        if (state is null)
        {
            return Refused(state, RefusalCodes.UnknownMember, $"Member {e.MemberId} is not enrolled.");
        }

        if (!ServiceRecordKinds.Kinds.Contains(e.Kind) || !ServiceRecordKinds.Statuses.Contains(e.Status) || string.IsNullOrWhiteSpace(e.Summary))
        {
            return Refused(state, RefusalCodes.Invalid, $"kind: one of {string.Join(", ", ServiceRecordKinds.Kinds)}; status: one of {string.Join(", ", ServiceRecordKinds.Statuses)}; summary: required.");
        }

        var note = new MemberNote { NoteId = e.EventId, Kind = e.Kind, At = e.OccurredAt, Text = e.Summary, Status = e.Status };
        return Draft.Start(state, e, now).Applied(note: note);
    }

    /// <summary>What is wrong with a feedback's scores, naming the field; null when nothing is.</summary>
    public static string? FeedbackProblem(FeedbackSubmitted e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (sMin, sMax) = ServiceRecordKinds.Satisfaction;
        var (nMin, nMax) = ServiceRecordKinds.Nps;
        return e.Satisfaction is { } s && (s < sMin || s > sMax) ? $"satisfaction: a whole number from {sMin} to {sMax}."
            : e.Nps is { } n && (n < nMin || n > nMax) ? $"nps: a whole number from {nMin} to {nMax}."
            : e.Satisfaction is null && e.Nps is null && string.IsNullOrWhiteSpace(e.Text) ? "satisfaction, nps or text: at least one is required."
            : null;
    }
}

namespace Platform.Review.Domain;

public enum ApprovalOutcome
{
    Allowed,
    SelfApproval,
    NotPending,
    WindowOpen,
    NotReceived,
}

/// <summary>
/// Whether a supervisor may decide a proposal now: never its proposer, only while it is pending, only once the
/// recipient received the notice (a proof of receipt with a certain date, CASF L262-37 and décret n° 2025-478), and
/// only once they have been heard — the window, counted from that receipt, closed, or an observation arrived after the
/// notification.
/// </summary>
public static class ApprovalGate
{
    public static ApprovalOutcome Evaluate(
        string decider, string proposedBy, bool pending, DateTimeOffset notifiedAt, DateTimeOffset? receivedAt, DateTimeOffset answerBy,
        DateTimeOffset? observationAt, DateTimeOffset now)
    {
        if (string.Equals(decider, proposedBy, StringComparison.Ordinal))
        {
            return ApprovalOutcome.SelfApproval;
        }

        if (!pending)
        {
            return ApprovalOutcome.NotPending;
        }

        if (receivedAt is not { } received || received > now)
        {
            return ApprovalOutcome.NotReceived;
        }

        var heard = now >= answerBy || (observationAt is { } observed && observed >= notifiedAt && observed <= now);
        return heard ? ApprovalOutcome.Allowed : ApprovalOutcome.WindowOpen;
    }
}

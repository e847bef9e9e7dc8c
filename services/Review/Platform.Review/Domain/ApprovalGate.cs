namespace Platform.Review.Domain;

public enum ApprovalOutcome
{
    Allowed,
    SelfApproval,
    NotPending,
    WindowOpen,
}

/// <summary>
/// Whether a supervisor may decide a proposal now: never its proposer, only while it is pending, and only once the
/// recipient has been heard — the window closed, or an observation arrived after the notification (CASF L262-37).
/// </summary>
public static class ApprovalGate
{
    public static ApprovalOutcome Evaluate(
        string decider, string proposedBy, bool pending, DateTimeOffset notifiedAt, DateTimeOffset answerBy,
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

        var heard = now >= answerBy || (observationAt is { } observed && observed >= notifiedAt && observed <= now);
        return heard ? ApprovalOutcome.Allowed : ApprovalOutcome.WindowOpen;
    }
}

using Platform.Contracts.Review;

namespace Platform.Review.Domain;

public enum ApprovalOutcome
{
    Allowed,
    SelfApproval,
    NotPending,
    WindowOpen,
    NotReceived,
    HearingPending,
}

/// <summary>What the recipient did about a proposal's answer window: when they said they had nothing to add, and the hearing they asked for.</summary>
/// <param name="NothingToAddAt">When the recipient first said, since the notification, that they had nothing to add; null if not.</param>
/// <param name="Hearing">The hearing they asked for on this proposal; null if none.</param>
public sealed record AnswerWindow(DateTimeOffset? NothingToAddAt, Hearing? Hearing)
{
    public static readonly AnswerWindow Untouched = new(null, null);
}

/// <summary>How and when an answer window closed (<see cref="WindowClosure"/>).</summary>
public sealed record ClosedWindow(string By, DateTimeOffset At);

/// <summary>
/// Whether a supervisor may decide a proposal now: never its proposer, only while it is pending, only once the
/// recipient received the notice (a proof of receipt with a certain date, CASF L262-37 and décret n° 2025-478), and
/// only once the answer window closed: its deadline, counted from that receipt, passed, or the recipient said they had
/// nothing to add, or the hearing they asked for was held. A first observation does not close it (the person may write
/// « more to come »), and while a requested hearing is not held, nothing does.
/// </summary>
public static class ApprovalGate
{
    public static (ApprovalOutcome Outcome, ClosedWindow? Closed) Evaluate(
        string decider, string proposedBy, bool pending, DateTimeOffset? receivedAt, DateTimeOffset answerBy, AnswerWindow window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (string.Equals(decider, proposedBy, StringComparison.Ordinal))
        {
            return (ApprovalOutcome.SelfApproval, null);
        }

        if (!pending)
        {
            return (ApprovalOutcome.NotPending, null);
        }

        if (receivedAt is not { } received || received > now)
        {
            return (ApprovalOutcome.NotReceived, null);
        }

        if (window.Hearing is { IsHeld: false })
        {
            return (ApprovalOutcome.HearingPending, null);
        }

        return ClosedWindow(receivedAt, answerBy, window, now) is { } closed ? (ApprovalOutcome.Allowed, closed) : (ApprovalOutcome.WindowOpen, null);
    }

    /// <summary>
    /// How the answer window closed by <paramref name="now"/>, null while it is open (or the notice not received): the
    /// hearing's record when one was asked for (it alone closes the window then), else the earliest of « nothing to add »
    /// and the deadline.
    /// </summary>
    public static ClosedWindow? ClosedWindow(DateTimeOffset? receivedAt, DateTimeOffset answerBy, AnswerWindow window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (receivedAt is null || receivedAt > now)
        {
            return null;
        }

        if (window.Hearing is { } hearing)
        {
            return hearing is { IsHeld: true, HeldAt: { } held } && held <= now ? new ClosedWindow(WindowClosure.Hearing, held) : null;
        }

        if (window.NothingToAddAt is { } said && said <= now && said < answerBy)
        {
            return new ClosedWindow(WindowClosure.NothingToAdd, said);
        }

        return now >= answerBy ? new ClosedWindow(WindowClosure.Deadline, answerBy) : null;
    }
}

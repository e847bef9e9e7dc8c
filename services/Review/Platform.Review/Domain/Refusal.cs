using Platform.Contracts.Review;
using Platform.Rules.Sanctions;

namespace Platform.Review.Domain;

/// <summary>The stable codes of the transitions the review domain refuses; each answers one problem type.</summary>
public static class RefusalCode
{
    /// <summary>Claiming a case someone else claimed, or a closed one.</summary>
    public const string CaseNotOpen = "case-not-open";

    /// <summary>Working on an open case nobody claimed yet.</summary>
    public const string CaseNotClaimed = "case-not-claimed";

    /// <summary>Working on a case another counsellor claimed.</summary>
    public const string NotYourCase = "not-your-case";

    /// <summary>Working on a case whose sanction proposal waits for a second person.</summary>
    public const string CaseAwaitsDecision = "case-awaits-decision";

    /// <summary>Changing a case already closed (dismissed, resolved, decided, withdrawn or expired).</summary>
    public const string CaseClosed = "case-closed";

    /// <summary>Proposing a sanction on a flag whose rule does not allow one.</summary>
    public const string SanctionNotAllowed = "sanction-not-allowed";

    /// <summary>A proposal whose sanction would start before the month after now: a decision never applies to the past.</summary>
    public const string StartMonthPast = "start-month-past";

    /// <summary>Approving, after its start month has come, a proposal that would then apply to a month already begun.</summary>
    public const string StartMonthRetroactive = SanctionSchedule.Retroactive;

    /// <summary>A second sanction for weeks already sanctioned or under a pending proposal: one breach, one sanction.</summary>
    public const string BreachAlreadySanctioned = SanctionSchedule.BreachAlreadySanctioned;

    /// <summary>The household's suspensions together would withhold more than the cap of CASF R262-68-6 in some month.</summary>
    public const string HouseholdCapExceeded = SanctionSchedule.HouseholdCapExceeded;

    /// <summary>A proposal claiming a repeated breach whose breach began before any earlier decision.</summary>
    public const string RepeatNotEstablished = SanctionSchedule.RepeatNotEstablished;

    /// <summary>A sanction outside the bounds of CASF R262-68 (scale) and R262-68-6 (cap) for this household and this recipient's history.</summary>
    public const string OutOfBounds = "sanction-out-of-bounds";

    /// <summary>Deciding, withdrawing or expiring a proposal that no longer waits for a decision.</summary>
    public const string ProposalNotPending = "proposal-not-pending";

    /// <summary>The proposer deciding their own proposal.</summary>
    public const string SelfApproval = "forbidden-self-approval";

    /// <summary>Approving before the recipient was heard: the window is open and they have not answered.</summary>
    public const string ObservationWindowOpen = "observation-window-open";

    /// <summary>Approving before any proof that the recipient received the notice: their window has not begun.</summary>
    public const string NoticeNotReceived = "notice-not-received";

    /// <summary>A postal receipt dated before the notice was produced.</summary>
    public const string ReceiptBeforeNotice = "receipt-before-notice";

    /// <summary>A postal receipt dated in the future.</summary>
    public const string ReceiptInFuture = "receipt-in-future";

    /// <summary>Approving while the hearing the recipient asked for has not been held.</summary>
    public const string HearingPending = "hearing-pending";

    /// <summary>Asking for a hearing once the answer window closed (deadline passed, or « nothing to add » said).</summary>
    public const string AnswerWindowClosed = "answer-window-closed";

    /// <summary>Asking for a second hearing on the same proposal.</summary>
    public const string HearingAlreadyRequested = "hearing-already-requested";

    /// <summary>Scheduling or recording a hearing nobody asked for.</summary>
    public const string NoHearingRequested = "no-hearing-requested";

    /// <summary>Scheduling or recording a hearing already recorded.</summary>
    public const string HearingAlreadyHeld = "hearing-already-held";

    /// <summary>Scheduling a hearing at an instant already past.</summary>
    public const string HearingInThePast = "hearing-in-the-past";

    /// <summary>Recording a hearing never scheduled.</summary>
    public const string HearingNotScheduled = "hearing-not-scheduled";

    /// <summary>Recording a hearing before its scheduled time.</summary>
    public const string HearingNotYetDue = "hearing-not-yet-due";

    /// <summary>
    /// Proposing or approving a sanction whose breach touches a week an accepted justified absence covers (CASF
    /// R262-68-6): the absence may have been accepted after the proposal was made.
    /// </summary>
    public const string BreachWeekExcused = "breach-week-excused";

    /// <summary>Answering a flag that is not the caller's.</summary>
    public const string NotTheRecipientsFlag = "not-the-recipients-flag";
}

/// <summary>Why a transition was refused: a stable <see cref="RefusalCode"/> and the facts its message needs.</summary>
public sealed record Refusal(string Code)
{
    /// <summary>Until when the recipient may answer, for <see cref="RefusalCode.ObservationWindowOpen"/>.</summary>
    public DateTimeOffset? AnswerBy { get; init; }

    /// <summary>When the answer window closed, for <see cref="RefusalCode.AnswerWindowClosed"/>.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>When the hearing is scheduled, for <see cref="RefusalCode.HearingNotYetDue"/>.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>Every bound broken, for <see cref="RefusalCode.OutOfBounds"/>.</summary>
    public IReadOnlyList<SanctionBoundsViolation> Violations { get; init; } = [];

    /// <summary>The first month a sanction decided now may withhold, for <see cref="RefusalCode.StartMonthPast"/>.</summary>
    public DateOnly? EarliestStartMonth { get; init; }

    /// <summary>The accepted absence covering a week of the breach, for <see cref="RefusalCode.BreachWeekExcused"/>.</summary>
    public ExcusingAbsence? Excused { get; init; }

    /// <summary>The breach an accepted absence excuses, for <see cref="RefusalCode.BreachWeekExcused"/>.</summary>
    public BreachPeriod? Breach { get; init; }

    /// <summary>The schedule conflict behind the refusal, with its sentence in French and English.</summary>
    public ScheduleConflict? Conflict { get; init; }

    public static Refusal ForSchedule(ScheduleConflict conflict)
    {
        ArgumentNullException.ThrowIfNull(conflict);
        return new Refusal(conflict.Code) { Conflict = conflict };
    }
}

/// <summary>What an aggregate method returns: the change to save, or why nothing changes.</summary>
public readonly record struct Outcome(ReviewChange? Change, Refusal? Refusal)
{
    public static implicit operator Outcome(ReviewChange change) => new(change, null);

    public static implicit operator Outcome(Refusal refusal) => new(null, refusal);

    public static Outcome Refuse(string code) => new Refusal(code);

    public static Outcome FromReviewChange(ReviewChange change) => change;

    public static Outcome FromRefusal(Refusal refusal) => refusal;
}

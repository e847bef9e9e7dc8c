using Platform.Contracts.Review;
using Platform.Rules.Sanctions;

namespace Platform.Review.Domain;

/// <summary>
/// A sanction proposal: proposed by one person, notified to the recipient with time to answer, then approved (and
/// signed) or rejected by a second person. Only a pending proposal can be decided, withdrawn or expire. Its window runs
/// from <see cref="ReceivedAt"/>, the first proof that the recipient received the notice; until then
/// <see cref="AnswerBy"/> is only what the deadline would be if the notice were received when it was sent.
/// </summary>
public sealed record Proposal(
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    string RuleId,
    int Percent,
    int Months,
    string StartMonth,
    bool RepeatedBreach,
    string ProposedBy,
    string Reason,
    Guid NotificationId,
    DateTimeOffset NotifiedAt,
    DateTimeOffset AnswerBy,
    string State,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    Guid? DecisionId,
    string? BreachFirstWeek,
    string? BreachLastWeek,
    string? AssessmentVulnerability,
    string? AssessmentDependants,
    string? AssessmentNatureAndFrequency,
    string? AssessmentConsequences,
    DateTimeOffset? ReceivedAt = null)
{
    /// <summary>The proportionality assessment (CASF R262-68-5); null only for proposals made before it was asked.</summary>
    public SanctionAssessment? Assessment =>
        AssessmentVulnerability is null || AssessmentDependants is null || AssessmentNatureAndFrequency is null || AssessmentConsequences is null
            ? null
            : new(AssessmentVulnerability, AssessmentDependants, AssessmentNatureAndFrequency, AssessmentConsequences);

    public bool IsPending => State == ProposalState.Pending;

    /// <summary>The breach this proposal sanctions; null only for proposals made before breaches were recorded.</summary>
    public BreachPeriod? Breach => BreachPeriod.TryParse(BreachFirstWeek, BreachLastWeek, out var breach) ? breach : null;

    /// <summary>This proposal as a suspension of the household, for the bounds of the others.</summary>
    public Suspension AsSuspension(DateTimeOffset decidedAt) =>
        new(Percent, Platform.Rules.Calendar.Months.TryParse(StartMonth, out var first) ? first : default, Months, decidedAt, Breach);

    internal static Proposal Notified(
        Case proposedOn, string me, SanctionTerms terms, bool repeatedBreach, BreachPeriod breach, Guid proposalId, Guid notificationId,
        DateTimeOffset now, DateTimeOffset answerBy) =>
        new(proposalId, proposedOn.CaseId, proposedOn.FlagId, proposedOn.RecipientId, proposedOn.RuleId, terms.Percent, terms.Months,
            terms.StartMonth, repeatedBreach, me, terms.Reason, notificationId, now, answerBy, ProposalState.Pending, null, null, null, null,
            breach.First.ToString(), breach.Last.ToString(), terms.Assessment.Vulnerability, terms.Assessment.Dependants,
            terms.Assessment.NatureAndFrequency, terms.Assessment.Consequences);

    /// <summary>
    /// The recipient received the notice at <paramref name="at"/>: the first proof of receipt starts the window of
    /// <paramref name="window"/>; a later proof changes nothing, an earlier one (a letter received before the e-mail's link
    /// was followed) moves the start back. A decided proposal keeps the window it was decided on.
    /// </summary>
    public Proposal Received(DateTimeOffset at, TimeSpan window) =>
        IsPending && (ReceivedAt is null || at < ReceivedAt) ? this with { ReceivedAt = at, AnswerBy = at + window } : this;

    /// <summary>
    /// Approves the proposal: a second person, once the recipient's answer window closed (<see cref="ApprovalGate"/>: its
    /// deadline passed, they said they had nothing to add, or the hearing they asked for was held), and only while it
    /// still keeps the bounds against the recipient's other approved sanctions, the absences accepted since (a week they
    /// cover cannot be sanctioned, CASF R262-68-6) and the decision's own date
    /// (<see cref="SanctionSchedule"/>: a proposal approved after its start month began would be retroactive). The decision
    /// states how and when the window closed, is signed by <paramref name="sign"/> and is the only event the allocations
    /// service acts on.
    /// </summary>
    /// <param name="observedAt">When the recipient's first observation since the notification arrived; null if none.</param>
    /// <param name="window">What the recipient did about the window: « nothing to add », a hearing.</param>
    /// <param name="standing">The recipient's other sanctions and household, as they stand now.</param>
    public Outcome Approve(
        Case decidedCase, string me, string reason, DateTimeOffset? observedAt, AnswerWindow window, RecipientStanding standing, DateTimeOffset now,
        Func<SanctionDecided, SanctionDecided> sign)
    {
        ArgumentNullException.ThrowIfNull(decidedCase);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(standing);
        ArgumentNullException.ThrowIfNull(sign);
        var (outcome, closed) = ApprovalGate.Evaluate(me, ProposedBy, IsPending, ReceivedAt, AnswerBy, window, now);
        // An absence accepted after the proposal excuses its weeks all the same: the proposal can only be rejected.
        if (outcome is not (ApprovalOutcome.SelfApproval or ApprovalOutcome.NotPending) && Breach is { } breach && standing.ExcuseFor(breach) is { } excused)
        {
            return excused;
        }

        if (RefusalFor(outcome, mustHaveHeard: true) is { } refusal)
        {
            return refusal;
        }

        if (SanctionSchedule.Check(AsSuspension(now), RepeatedBreach, standing.Decided, _ => standing.CeilingPercent, standing.RepeatDelay) is { } conflict)
        {
            return Refusal.ForSchedule(conflict);
        }

        var decision = sign(new SanctionDecided(
            Guid.CreateVersion7(now), ProposalId, CaseId, FlagId, RecipientId, RuleId, Percent, Months, StartMonth, RepeatedBreach, ProposedBy,
            me, NotificationId, NotifiedAt, AnswerBy, observedAt, now, KeyId: "", Signature: "", BreachFirstWeek, BreachLastWeek, Assessment, ReceivedAt,
            closed!.By, closed.At) { OccurredAt = now });
        return Decide(decidedCase, ProposalState.Approved, CaseState.Sanctioned, CaseHistoryAction.SanctionApproved, me, reason, now, decision.DecisionId, decision);
    }

    /// <summary>Rejects the proposal. A rejection only ever favours the recipient, so it needs no wait for their observations.</summary>
    public Outcome Reject(Case decidedCase, string me, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decidedCase);
        if (RefusalFor(ApprovalGate.Evaluate(me, ProposedBy, IsPending, ReceivedAt, AnswerBy, AnswerWindow.Untouched, now).Outcome, mustHaveHeard: false)
            is { } refusal)
        {
            return refusal;
        }

        return Decide(decidedCase, ProposalState.Rejected, CaseState.Rejected, CaseHistoryAction.SanctionRejected, me, reason, now, null,
            new SanctionRejected(ProposalId, CaseId, FlagId, RecipientId, me, reason) { OccurredAt = now });
    }

    /// <summary>The pending proposal of a case withdrawn or expired: void, decided by nobody.</summary>
    internal Proposal Void(string state, DateTimeOffset now) => IsPending ? this with { State = state, DecidedAt = now } : this;

    /// <summary>Why the decider may not decide now; null when they may. Only an approval waits for the recipient.</summary>
    private Refusal? RefusalFor(ApprovalOutcome outcome, bool mustHaveHeard) => outcome switch
    {
        ApprovalOutcome.NotReceived when mustHaveHeard => new Refusal(RefusalCode.NoticeNotReceived),
        ApprovalOutcome.SelfApproval => new Refusal(RefusalCode.SelfApproval),
        ApprovalOutcome.NotPending => new Refusal(RefusalCode.ProposalNotPending),
        ApprovalOutcome.WindowOpen when mustHaveHeard => new Refusal(RefusalCode.ObservationWindowOpen) { AnswerBy = AnswerBy },
        ApprovalOutcome.HearingPending when mustHaveHeard => new Refusal(RefusalCode.HearingPending),
        _ => null,
    };

    private ReviewChange Decide(
        Case decidedCase, string state, string caseState, string action, string me, string reason, DateTimeOffset now, Guid? decisionId,
        Platform.Contracts.PlatformEvent decided) =>
        new(decidedCase with { State = caseState, ClosedAt = now })
        {
            Proposal = this with { State = state, DecidedBy = me, DecidedAt = now, DecisionReason = reason, DecisionId = decisionId },
            History = [decidedCase.Step(now, action, me, reason)],
            Events = [decided],
        };
}

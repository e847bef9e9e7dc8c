using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Sanctions;

namespace Platform.Review.Domain;

/// <summary>
/// A review case: one flag, kept exactly as raised, and what people did about it. Every state change goes through a
/// method here, which checks the rule and returns the change to save or a refusal; nothing else writes a case's state.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The domain's word; no consumer is written in Visual Basic.")]
public sealed record Case(
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    string Week,
    string RuleId,
    int RuleVersion,
    JsonElement Facts,
    IReadOnlyDictionary<string, decimal> Parameters,
    Explanation Explanation,
    bool SanctionEligible,
    string State,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    string? ClaimedBy,
    DateTimeOffset? ClosedAt)
{
    public bool IsUndecided => CaseState.IsUndecided(State);

    /// <summary>Opens the case of a flag just raised; it expires, in the recipient's favour, after <paramref name="expiry"/>.</summary>
    public static ReviewChange Open(FlagRaised flag, Guid caseId, DateTimeOffset now, TimeSpan expiry)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var opened = new Case(
            caseId,
            flag.FlagId,
            flag.RecipientId,
            flag.Week,
            flag.RuleId,
            flag.RuleVersion,
            flag.Facts.ValueKind == JsonValueKind.Undefined ? JsonDocument.Parse("{}").RootElement.Clone() : flag.Facts,
            flag.Parameters ?? new Dictionary<string, decimal>(),
            flag.Explanation ?? new Explanation("", ""),
            flag.SanctionEligible,
            CaseState.Open,
            now,
            now + expiry,
            null,
            null);
        return new ReviewChange(opened) { History = [new(caseId, now, CaseHistoryAction.Opened, SystemActors.Rules, null)] };
    }

    /// <summary>Takes an open case. Claiming one's own case again changes nothing.</summary>
    public Outcome Claim(string me, DateTimeOffset now)
    {
        if (State == CaseState.Claimed && ClaimedBy == me)
        {
            return new ReviewChange(this) { Unchanged = true };
        }

        if (State != CaseState.Open)
        {
            return Outcome.Refuse(RefusalCode.CaseNotOpen);
        }

        return new ReviewChange(this with { State = CaseState.Claimed, ClaimedBy = me })
        {
            History = [Step(now, CaseHistoryAction.Claimed, me, null)],
            Events = [new CaseClaimed(CaseId, FlagId, RecipientId, me) { OccurredAt = now }],
        };
    }

    /// <summary>Closes a case its caller claimed with no further action.</summary>
    public Outcome Dismiss(string me, string reason, DateTimeOffset now) =>
        RefuseUnlessClaimedBy(me) is { } refusal
            ? refusal
            : Close(CaseState.Dismissed, CaseHistoryAction.Dismissed, me, reason, now, new FlagDismissed(CaseId, FlagId, RecipientId, RuleId, me, reason));

    /// <summary>Closes a case its caller claimed with a support action offered to the recipient.</summary>
    public Outcome Resolve(string me, string supportAction, string reason, DateTimeOffset now) =>
        RefuseUnlessClaimedBy(me) is { } refusal
            ? refusal
            : Close(CaseState.Resolved, CaseHistoryAction.Resolved, me, $"{supportAction} — {reason}", now,
                new FlagResolved(CaseId, FlagId, RecipientId, RuleId, me, supportAction, reason));

    /// <summary>
    /// Proposes a sanction within the bounds of CASF R262-68 (scale) and R262-68-6 (cap) for this household and this recipient's history
    /// (<see cref="SanctionBounds"/>, <see cref="SanctionSchedule"/>: never retroactive, one per breach, the cap on the
    /// household's total), on no week an accepted justified absence excuses, and notifies the recipient, who has <paramref name="observationWindow"/> to answer. Nothing is
    /// decided here; the same bounds are checked again at approval.
    /// </summary>
    public Outcome Propose(
        string me, SanctionTerms terms, RecipientStanding standing, TimeSpan observationWindow, Guid proposalId, Guid notificationId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(standing);
        if (!Months.TryParse(terms.StartMonth, out var startMonth) || startMonth < SanctionSchedule.EarliestStartMonth(now))
        {
            return new Refusal(RefusalCode.StartMonthPast) { EarliestStartMonth = SanctionSchedule.EarliestStartMonth(now) };
        }

        if (RefuseUnlessClaimedBy(me) is { } refusal)
        {
            return refusal;
        }

        if (!SanctionEligible || !IsoWeek.TryParse(Week, out var week))
        {
            return Outcome.Refuse(RefusalCode.SanctionNotAllowed);
        }

        var breach = BreachPeriod.BehindFlag(week);
        var repeated = standing.RepeatedBreachFor(breach);
        var household = standing.HouseholdForBounds;
        var violations = SanctionBounds.Check(terms.Percent, terms.Months, repeated, household.Size, household.LoneParentIncrease);
        if (violations.Count > 0)
        {
            return new Refusal(RefusalCode.OutOfBounds) { Violations = violations };
        }

        var candidate = new Suspension(terms.Percent, startMonth, terms.Months, now, breach);
        if (SanctionSchedule.Check(candidate, repeated, [.. standing.Decided, .. standing.Pending], _ => standing.CeilingPercent, standing.RepeatDelay)
            is { } conflict)
        {
            return Refusal.ForSchedule(conflict);
        }

        if (standing.ExcuseFor(breach) is { } excused)
        {
            return excused;
        }

        var proposal = Proposal.Notified(this, me, terms, repeated, breach, proposalId, notificationId, now, now + observationWindow);
        return new ReviewChange(this with { State = CaseState.Proposed, ClaimedBy = me, ClosedAt = null })
        {
            Proposal = proposal,
            History = [Step(now, CaseHistoryAction.SanctionProposed, me, $"{terms.Percent} % × {terms.Months} ({terms.StartMonth}) — {terms.Reason}")],
            Events =
            [
                new SanctionProposed(
                    proposalId, CaseId, FlagId, RecipientId, RuleId, terms.Percent, terms.Months, terms.StartMonth, repeated, me,
                    terms.Reason) { OccurredAt = now },
                new RecipientNotified(
                    notificationId, proposalId, CaseId, FlagId, RecipientId, terms.Percent, terms.Months, terms.StartMonth, now, proposal.AnswerBy,
                    RuleId, Facts, Explanation, terms.Reason) { OccurredAt = now },
            ],
        };
    }

    /// <summary>
    /// Records what the recipient answered to their own flag, whatever the case's state: they may always speak. With
    /// <paramref name="nothingToAdd"/>, they also say they have nothing more to add, which closes the answer window of a
    /// pending proposal (<see cref="ApprovalGate"/>); a plain observation does not.
    /// </summary>
    public Outcome RecordObservation(string recipientId, Guid observationId, string text, DateTimeOffset now, bool nothingToAdd = false)
    {
        if (recipientId != RecipientId)
        {
            return Outcome.Refuse(RefusalCode.NotTheRecipientsFlag);
        }

        return new ReviewChange(this)
        {
            Observation = new Observation(observationId, FlagId, recipientId, text, now, nothingToAdd),
            History = [Step(now, CaseHistoryAction.ObservationReceived, recipientId, nothingToAdd ? "nothing to add" : null)],
            Events = [new ObservationReceived(observationId, FlagId, recipientId, text, now, nothingToAdd) { OccurredAt = now }],
        };
    }

    /// <summary>
    /// The rules service withdrew the flag: an undecided case closes in the recipient's favour and its pending proposal
    /// is void. A case people already decided stays as they decided it.
    /// </summary>
    public Outcome Withdraw(Proposal? pending, string? reason, DateTimeOffset now)
    {
        if (!IsUndecided)
        {
            return Outcome.Refuse(RefusalCode.CaseClosed);
        }

        return new ReviewChange(this with { State = CaseState.Withdrawn, ClosedAt = now })
        {
            Proposal = pending?.Void(ProposalState.Withdrawn, now),
            History = [Step(now, CaseHistoryAction.Withdrawn, SystemActors.Rules, reason)],
        };
    }

    /// <summary>Nobody decided in time: the case closes as expired, in the recipient's favour, never the other way round.</summary>
    public Outcome Expire(Proposal? pending, DateTimeOffset now)
    {
        if (!IsUndecided)
        {
            return Outcome.Refuse(RefusalCode.CaseClosed);
        }

        return new ReviewChange(this with { State = CaseState.Expired, ClosedAt = now })
        {
            Proposal = pending?.Void(ProposalState.Expired, now),
            History = [Step(now, CaseHistoryAction.Expired, SystemActors.Review, null)],
            Events = [new FlagExpired(CaseId, FlagId, RecipientId, RuleId) { OccurredAt = now }],
        };
    }

    internal HistoryStep Step(DateTimeOffset at, string action, string actor, string? detail) => new(CaseId, at, action, actor, detail);

    /// <summary>Why <paramref name="me"/> cannot work on this case now; null when it is theirs and claimed.</summary>
    private Refusal? RefuseUnlessClaimedBy(string me) => State switch
    {
        CaseState.Claimed when ClaimedBy == me => null,
        CaseState.Claimed => new Refusal(RefusalCode.NotYourCase),
        CaseState.Open => new Refusal(RefusalCode.CaseNotClaimed),
        CaseState.Proposed => new Refusal(RefusalCode.CaseAwaitsDecision),
        _ => new Refusal(RefusalCode.CaseClosed),
    };

    private ReviewChange Close(string state, string action, string me, string detail, DateTimeOffset now, PlatformEvent outcome) =>
        new(this with { State = state, ClaimedBy = me, ClosedAt = now })
        {
            History = [Step(now, action, me, detail)],
            Events = [outcome with { OccurredAt = now }],
        };
}

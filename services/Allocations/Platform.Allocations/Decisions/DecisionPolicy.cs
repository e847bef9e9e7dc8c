using Platform.Rules.Calendar;
using Platform.Contracts.Review;
using Platform.Rules.Sanctions;

namespace Platform.Allocations.Decisions;

/// <summary>What the allocation held for the decision's start month: the base amount and the household facts.</summary>
public sealed record HouseholdFacts(decimal MonthlyBaseAmount, int HouseholdSize, bool LoneParentIncrease);

/// <summary>Why a decision changes nothing: a stable code (see <see cref="DecisionPolicy"/>) and a sentence.</summary>
public sealed record DecisionRefusal(string ReasonCode, string Reason);

/// <summary>
/// The last gate before money moves: a decision is applied only when it is signed by a known review key, untouched,
/// not seen before, decided by two distinct people, within CASF R262-68's bounds for the household this service
/// knows, and taken after the recipient received the notice and their answer window, at least 10 days from the first
/// proof of receipt (CASF L262-37), closed in one of the ways the decision states and signs (<see cref="WindowClosure"/>):
/// the deadline passed, the recipient said they had nothing to add, or the hearing they asked for was held. A first
/// observation alone no longer closes it.
/// Whatever a buggy or hostile publisher sends, anything else is refused.
/// </summary>
public static class DecisionPolicy
{
    public const string UnknownKey = "unknown-key";
    public const string BadSignature = "bad-signature";
    public const string Replay = "replay";
    public const string SelfApproval = "self-approval";
    public const string NoAllocation = "no-allocation";
    public const string BadMonth = "bad-month";
    public const string RepeatNotEstablished = "repeat-not-established";
    public const string NotNotified = "not-notified-before-decision";
    public const string NotReceived = "notice-not-received";
    public const string WindowTooShort = "window-too-short";
    public const string DecidedTooEarly = "decided-before-window";
    public const string WindowClosureMissing = "window-closure-missing";
    public const string UnknownPublisher = "unknown-publisher";
    public const string BreachMissing = "breach-period-missing";
    public const string Retroactive = SanctionSchedule.Retroactive;
    public const string BreachAlreadySanctioned = SanctionSchedule.BreachAlreadySanctioned;
    public const string HouseholdCapExceeded = SanctionSchedule.HouseholdCapExceeded;

    /// <summary>
    /// The bounds in time and against the recipient's other applied suspensions, checked again here so that a bug in the
    /// review service cannot break them (<see cref="SanctionSchedule"/>): a breach named, never sanctioned twice; a start
    /// month after the decision's month; "repeated" only when the breach began after an applied decision; and the
    /// total withheld in each month within the cap of CASF R262-68-6 for the household in force that month.
    /// Run after <see cref="Evaluate"/> found the decision genuine and lawful on its own.
    /// </summary>
    /// <param name="applied">The recipient's suspensions already applied (as lifted, if lifted).</param>
    /// <param name="ceilingPercent">The cap for a month, from the allocation in force that month.</param>
    /// <returns>Null when the decision is to be applied.</returns>
    public static DecisionRefusal? CheckSchedule(
        SanctionDecided decision, IReadOnlyCollection<Suspension> applied, Func<DateOnly, int> ceilingPercent, TimeSpan repeatDelay)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!BreachPeriod.TryParse(decision.BreachFirstWeek, decision.BreachLastWeek, out var breach))
        {
            return new(BreachMissing, "The decision names no breach period (first and last ISO week): one breach may be sanctioned only once.");
        }

        if (!Months.TryParse(decision.StartMonth, out var startMonth))
        {
            return new(BadMonth, "The start month is not a month (YYYY-MM).");
        }

        var candidate = new Suspension(decision.Percent, startMonth, decision.Months, decision.DecidedAt, breach);
        return SanctionSchedule.Check(candidate, decision.RepeatedBreach, applied, ceilingPercent, repeatDelay) is { } conflict
            ? new(conflict.Code, conflict.En)
            : null;
    }

    /// <summary>Null when the message was published by the review service's broker user, as RabbitMQ validated it.</summary>
    public static DecisionRefusal? CheckPublisher(string? validatedUserId, string reviewUserId) =>
        string.Equals(validatedUserId, reviewUserId, StringComparison.Ordinal)
            ? null
            : new(UnknownPublisher, validatedUserId is null
                ? "The message carries no validated publisher (AMQP user_id): only the review service's broker user may publish decisions."
                : "The message was published by a broker user other than the review service's.");

    /// <param name="household">The allocation in force for the decision's start month; null when none is held.</param>
    /// <param name="earlierDecisionApplied">Whether a decision taken before this one was already applied to this recipient.</param>
    /// <param name="alreadyApplied">Whether this decision id was already applied.</param>
    /// <returns>Null when the decision is to be applied.</returns>
    public static DecisionRefusal? Evaluate(
        SanctionDecided decision, DecisionVerifier verifier, HouseholdFacts? household, bool earlierDecisionApplied, bool alreadyApplied)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(verifier);
        switch (verifier.Check(decision))
        {
            case SignatureCheck.UnknownKey:
                return new(UnknownKey, $"No review-service public key is configured under the key id '{decision.KeyId}'.");
            case SignatureCheck.BadSignature:
                return new(BadSignature, "The signature does not verify: the decision was altered or signed with another key.");
            default:
                break;
        }

        if (alreadyApplied)
        {
            return new(Replay, "This decision was already applied; a replay has no second effect.");
        }

        if (string.IsNullOrWhiteSpace(decision.ProposedBy) || string.IsNullOrWhiteSpace(decision.ApprovedBy)
            || string.Equals(decision.ProposedBy.Trim(), decision.ApprovedBy.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return new(SelfApproval, "The proposer and the approver must be two distinct, named people.");
        }

        if (household is null)
        {
            return new(NoAllocation, "No allocation is held for this recipient for the decision's start month.");
        }

        if (!Months.TryParse(decision.StartMonth, out _))
        {
            return new(BadMonth, "The start month is not a month (YYYY-MM).");
        }

        var violations = SanctionBounds.Check(
            decision.Percent, decision.Months, decision.RepeatedBreach, household.HouseholdSize, household.LoneParentIncrease);
        if (violations.Count > 0)
        {
            return new(violations[0].Code, violations[0].En);
        }

        if (decision.RepeatedBreach && !earlierDecisionApplied)
        {
            return new(RepeatNotEstablished, "The decision claims a repeated breach but no earlier decision was applied to this recipient.");
        }

        if (decision.NotifiedAt >= decision.DecidedAt)
        {
            return new(NotNotified, "The recipient was not notified before the decision.");
        }

        // The window runs from the first proof that the person received the notice, never from its sending.
        if (decision.ReceivedAt is not { } received || received < decision.NotifiedAt || received >= decision.DecidedAt)
        {
            return new(NotReceived, "The decision names no proof that the recipient received the notice between its sending and the decision.");
        }

        if (decision.AnswerBy - received < ReviewDeadlines.MinimumObservationWindow)
        {
            return new(WindowTooShort, "The recipient was given less than 10 days from receiving the notice to answer.");
        }

        return CheckWindowClosure(decision);
    }

    /// <summary>
    /// The signed claim of how the answer window closed must hold on the decision's own instants: the deadline, at the
    /// deadline itself and no later than the decision; « nothing to add » or the hearing, after the notification and no
    /// later than the decision. No claim, or another way, and nothing is applied.
    /// </summary>
    private static DecisionRefusal? CheckWindowClosure(SanctionDecided decision)
    {
        if (decision.WindowClosedBy is null || decision.WindowClosedAt is not { } closed)
        {
            return new(WindowClosureMissing, "The decision does not state how the recipient's answer window closed (deadline, nothing to add, or hearing).");
        }

        var consistent = decision.WindowClosedBy switch
        {
            WindowClosure.Deadline => closed == decision.AnswerBy && closed <= decision.DecidedAt,
            WindowClosure.NothingToAdd or WindowClosure.Hearing => closed >= decision.NotifiedAt && closed <= decision.DecidedAt,
            _ => false,
        };
        return consistent
            ? null
            : new(DecidedTooEarly, decision.WindowClosedBy switch
            {
                WindowClosure.Deadline => "The decision claims the answer deadline passed, but it was taken before that deadline.",
                WindowClosure.NothingToAdd or WindowClosure.Hearing =>
                    $"The decision claims the window closed by '{decision.WindowClosedBy}' at an instant outside the notification and the decision.",
                _ => $"'{decision.WindowClosedBy}' is not a way the answer window closes.",
            });
    }
}

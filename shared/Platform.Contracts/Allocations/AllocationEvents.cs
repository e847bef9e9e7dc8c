namespace Platform.Contracts.Allocations;

/// <summary>
/// The paying body (CAF or MSA) stated a recipient's monthly base amount and the household facts needed for the
/// 50 % cap, from a month on. A statement is never rewritten: a correction of a month already begun is a new one.
/// </summary>
/// <param name="FromMonth">e.g. <c>2026-01</c>.</param>
/// <param name="SetBy">Who stated it: the payer client's subject (e.g. <c>caf-75</c>).</param>
/// <param name="Correction">True when <paramref name="FromMonth"/> had already begun when it was stated: it corrects past months.</param>
/// <param name="PreviousMonthlyBaseAmount">The amount held for <paramref name="FromMonth"/> before this statement, if any.</param>
public sealed record AllocationSet(
    string RecipientId,
    decimal MonthlyBaseAmount,
    int HouseholdSize,
    bool LoneParentIncrease,
    string FromMonth,
    string SetBy,
    bool Correction = false,
    decimal? PreviousMonthlyBaseAmount = null) : PlatformEvent;

/// <summary>A verified, lawful, signed decision was applied to the allocation.</summary>
public sealed record AllocationAdjusted(
    Guid AdjustmentId,
    Guid DecisionId,
    string RecipientId,
    int Percent,
    int Months,
    string FromMonth,
    decimal MonthlyAmountWithheld,
    string KeyId) : PlatformEvent;

/// <summary>
/// A decision that did not verify or was not lawful reached the allocation service and changed nothing.
/// Published so the audit log sees every attempt.
/// </summary>
/// <param name="ReasonCode">Stable code, e.g. <c>bad-signature</c>, <c>unknown-key</c>, <c>self-approval</c>.</param>
public sealed record AdjustmentRejected(
    Guid DecisionId,
    string RecipientId,
    string ReasonCode,
    string Reason) : PlatformEvent;

/// <summary>
/// A signed <c>SuspensionEnded</c> decision was verified and applied: the suspension ends from <paramref name="FromMonth"/>
/// and what was withheld before it is paid back, within the limit the law sets.
/// </summary>
public sealed record SuspensionLifted(
    Guid AdjustmentId,
    Guid DecisionId,
    string RecipientId,
    string FromMonth,
    decimal AmountRepaid,
    Guid? EndingDecisionId = null,
    string? KeyId = null) : PlatformEvent;

/// <summary>
/// A signed <c>AppealDecided</c> (reduced or annulled) was verified and applied: from <paramref name="FromMonth"/> the
/// suspension withholds only what the appeal left (<paramref name="Percent"/> for <paramref name="Months"/> months from
/// its start; nothing when annulled), and what the months before withheld beyond that is paid back, naming the appeal.
/// </summary>
public sealed record AppealRepaid(
    Guid RepaymentId,
    Guid AppealDecisionId,
    Guid AppealId,
    Guid SanctionDecisionId,
    string RecipientId,
    string Outcome,
    int Percent,
    int Months,
    string FromMonth,
    decimal AmountRepaid,
    string KeyId) : PlatformEvent;

namespace Platform.Contracts.Allocations;

/// <summary>A counsellor set a recipient's monthly base amount and the household facts needed for the 50 % cap.</summary>
/// <param name="FromMonth">e.g. <c>2026-01</c>.</param>
public sealed record AllocationSet(
    string RecipientId,
    decimal MonthlyBaseAmount,
    int HouseholdSize,
    bool LoneParentIncrease,
    string FromMonth,
    string SetBy) : PlatformEvent;

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

/// <summary>The recipient updated their engagement during a suspension: it ends and what was withheld is paid back.</summary>
public sealed record SuspensionLifted(
    Guid AdjustmentId,
    Guid DecisionId,
    string RecipientId,
    string FromMonth,
    decimal AmountRepaid) : PlatformEvent;

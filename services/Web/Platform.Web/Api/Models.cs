using System.Text.Json;

namespace Platform.Web.Api;

// The services' JSON shapes as the pages read them (docs/api.md); extra fields are ignored.

public sealed record Text(string Fr, string En)
{
    public string Current => Platform.ServiceDefaults.Problems.Localized.Text(Fr, En);
}

public sealed record Activity(string Category, DateOnly Date, decimal Hours, string? Note);

public sealed record DeclarationVersion(string RecipientId, string Week, int Version, bool Late, decimal TotalHours, IReadOnlyList<Activity> Activities, DateTimeOffset SubmittedAt);

public sealed record DeclarationWithVersions(
    string RecipientId, string Week, int Version, bool Late, decimal TotalHours, IReadOnlyList<Activity> Activities, DateTimeOffset SubmittedAt,
    DateTimeOffset Deadline, IReadOnlyList<DeclarationVersion> Versions);

public sealed record DeclarationList(string RecipientId, string From, string To, IReadOnlyList<DeclarationVersion> Items);

public sealed record Observation(Guid ObservationId, string Text, DateTimeOffset ReceivedAt);

public sealed record RecipientProposal(Guid ProposalId, int Percent, int Months, string StartMonth, string Reason, DateTimeOffset NotifiedAt, DateTimeOffset AnswerBy, string State);

public sealed record RecipientFlag(
    Guid FlagId, string Week, string RuleId, int RuleVersion, string State, JsonElement Facts, Text Explanation, bool SanctionEligible,
    IReadOnlyList<RecipientProposal> Proposals, IReadOnlyList<Observation> Observations);

public sealed record RecipientFlags(string RecipientId, IReadOnlyList<RecipientFlag> Flags);

public sealed record Flag(
    Guid FlagId, string RecipientId, string Week, string RuleId, int RuleVersion, string State, JsonElement Facts,
    IReadOnlyDictionary<string, decimal> Parameters, Text Explanation, bool SanctionEligible);

public sealed record HistoryEntry(DateTimeOffset At, string Action, string Actor, string? Detail);

public sealed record Proposal(
    Guid ProposalId, Guid CaseId, int Percent, int Months, string StartMonth, bool RepeatedBreach, string ProposedBy, string Reason,
    DateTimeOffset NotifiedAt, DateTimeOffset AnswerBy, string State, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason, Guid? DecisionId,
    ProposalAssessment? Assessment = null);

/// <summary>The proportionality assessment (CASF R262-68-5) a proposal rests on.</summary>
public sealed record ProposalAssessment(string Vulnerability, string Dependants, string NatureAndFrequency, string Consequences);

public sealed record ReviewCase(
    Guid CaseId, Flag Flag, string State, DateTimeOffset OpenedAt, DateTimeOffset ExpiresAt, string? ClaimedBy, DateTimeOffset? ClosedAt,
    IReadOnlyList<HistoryEntry> History, IReadOnlyList<Proposal> Proposals, IReadOnlyList<Observation> Observations);

public sealed record CasePage(string Status, int Page, int PageSize, long Total, IReadOnlyList<ReviewCase> Items);

public sealed record AdjustmentLine(Guid DecisionId, int Percent, decimal Amount, string FromMonth, int Months, string KeyId, string? LiftedFromMonth);

public sealed record RepaymentLine(Guid DecisionId, decimal Amount, string KeyId);

public sealed record MonthlyAllocation(
    string RecipientId, string Month, decimal BaseAmount, decimal AmountDue, IReadOnlyList<AdjustmentLine> Adjustments, IReadOnlyList<RepaymentLine>? Repayments);

public sealed record RuleParameter(string Name, decimal Default, decimal Minimum, decimal Maximum, string Unit, Text Meaning);

public sealed record RuleDefinition(string Id, int Version, DateOnly InForceFrom, DateOnly? InForceUntil, string LegalBasis, IReadOnlyList<RuleParameter> Parameters, Text Explanation, bool SanctionEligible);

public sealed record RuleCatalogue(IReadOnlyList<RuleDefinition> Rules);

public sealed record RuleMonthStatistics(string RuleId, string Month, long Raised, long Withdrawn, long Dismissed, long Resolved, long Expired, long Upheld, decimal? DismissalRate);

public sealed record RuleStatistics(IReadOnlyList<RuleMonthStatistics> Months);

public sealed record Violation(long? Position, string Kind, string Reason);

public sealed record Verification(bool Intact, long Entries, IReadOnlyList<Violation> Violations);

public sealed record AppliedParameter(string Name, decimal Value);

/// <summary>The four items CRPA R311-3-1-2 requires, as the review service states them.</summary>
public sealed record CrpaExplanation(
    Guid FlagId, string RuleId, int RuleVersion, string Week, Text DegreeAndModeOfContribution, Text DataAndSources, JsonElement Facts,
    Text ParametersAsApplied, IReadOnlyList<AppliedParameter> Parameters, Text OperationsPerformed, Text Explanation);

public sealed record ReplayDeclaration(string Week, int Version, bool Late, decimal TotalHours, IReadOnlyList<Activity> Activities, DateTimeOffset SubmittedAt);

public sealed record ReplayFlag(Guid FlagId, string Week, string RuleId, int RuleVersion, string State, JsonElement Facts, Text Explanation, DateTimeOffset RaisedAt);

public sealed record ReplayStep(DateTimeOffset At, string Step, string? By, string? Detail, long Position);

public sealed record ReplayCase(Guid CaseId, Guid FlagId, string State, string? ClaimedBy, IReadOnlyList<ReplayStep> History);

public sealed record ReplayAdjustment(Guid DecisionId, int Percent, int Months, string FromMonth, decimal MonthlyAmountWithheld, string KeyId, string? LiftedFromMonth);

public sealed record ReplayAllocation(string Month, decimal BaseAmount, decimal AmountDue, IReadOnlyList<ReplayAdjustment> Adjustments);

public sealed record Replay(
    string RecipientId, DateTimeOffset At, IReadOnlyList<ReplayDeclaration> Declarations, IReadOnlyList<ReplayFlag> Flags, IReadOnlyList<ReplayCase> Cases,
    ReplayAllocation? Allocation);

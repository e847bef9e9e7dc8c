using System.Text.Json;

namespace Platform.Review.Cases;

/// <summary>States of a case. The closed ones never reopen.</summary>
public static class CaseStates
{
    public const string Open = "open";
    public const string Claimed = "claimed";
    public const string Proposed = "proposed";
    public const string Dismissed = "dismissed";
    public const string Resolved = "resolved";
    public const string Sanctioned = "sanctioned";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";

    public static readonly IReadOnlyList<string> All = [Open, Claimed, Proposed, Dismissed, Resolved, Sanctioned, Rejected, Withdrawn, Expired];

    /// <summary>States in which the case still waits for a human (and so can expire or be withdrawn).</summary>
    public static readonly string[] Undecided = [Open, Claimed, Proposed];
}

/// <summary>Plain-language text in French (authoritative) and English.</summary>
public sealed record TextView(string Fr, string En);

/// <summary>A flag as API.md shapes it, for the recipient and inside a case. No score, no rank.</summary>
public sealed record FlagView(
    Guid FlagId,
    string RecipientId,
    string Week,
    string RuleId,
    int RuleVersion,
    string State,
    JsonElement Facts,
    IReadOnlyDictionary<string, decimal> Parameters,
    TextView Explanation,
    bool SanctionEligible);

public sealed record HistoryEntry(DateTimeOffset At, string Action, string Actor, string? Detail);

public sealed record CaseView(
    Guid CaseId,
    FlagView Flag,
    string State,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    string? ClaimedBy,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<ProposalView> Proposals,
    IReadOnlyList<CaseObservation> Observations);

/// <summary>What the recipient answered, for the counsellor and the supervisor to read before deciding.</summary>
public sealed record CaseObservation(Guid ObservationId, string Text, DateTimeOffset ReceivedAt);

public sealed record CasePage(string Status, int Page, int PageSize, long Total, IReadOnlyList<CaseView> Items);

public sealed record ProposalView(
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
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
    Guid? DecisionId);

/// <summary>A case row as stored.</summary>
internal sealed record CaseRow(
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    string Week,
    string RuleId,
    int RuleVersion,
    string Facts,
    string Parameters,
    string ExplanationFr,
    string ExplanationEn,
    bool SanctionEligible,
    string State,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    string? ClaimedBy,
    DateTimeOffset? ClosedAt)
{
    public const string Select =
        """
        SELECT case_id, flag_id, recipient_id, week, rule_id, rule_version, facts::text AS facts, parameters::text AS parameters,
               explanation_fr, explanation_en, sanction_eligible, state, opened_at, expires_at, claimed_by, closed_at
        FROM cases
        """;

    public bool IsUndecided => CaseStates.Undecided.Contains(State);

    public FlagView ToFlag() => new(
        FlagId,
        RecipientId,
        Week,
        RuleId,
        RuleVersion,
        State,
        JsonDocument.Parse(Facts).RootElement.Clone(),
        JsonSerializer.Deserialize<Dictionary<string, decimal>>(Parameters) ?? [],
        new TextView(ExplanationFr, ExplanationEn),
        SanctionEligible);

    public CaseView ToView(IEnumerable<HistoryEntry> history, IEnumerable<ProposalView> proposals, IEnumerable<CaseObservation> observations) =>
        new(CaseId, ToFlag(), State, OpenedAt, ExpiresAt, ClaimedBy, ClosedAt, history.ToList(), proposals.ToList(), observations.ToList());
}

internal static class ProposalSql
{
    public const string Select =
        """
        SELECT proposal_id, case_id, flag_id, percent, months, start_month, repeated_breach, proposed_by, reason,
               notification_id, notified_at, answer_by, state, decided_by, decided_at, decision_reason, decision_id
        FROM proposals
        """;
}

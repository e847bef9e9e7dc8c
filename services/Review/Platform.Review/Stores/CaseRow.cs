using System.Text.Json;
using Platform.Review.Cases;

namespace Platform.Review.Stores;

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

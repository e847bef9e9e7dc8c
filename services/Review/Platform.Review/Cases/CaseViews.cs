using System.Text.Json;

namespace Platform.Review.Cases;

/// <summary>Plain-language text in French (authoritative) and English.</summary>
public sealed record TextView(string Fr, string En);

/// <summary>A flag as the API shows it, to the recipient and inside a case. No score, no rank.</summary>
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

/// <summary>What the recipient answered, for the counsellor and the supervisor to read before deciding; whether they said they had nothing to add.</summary>
public sealed record CaseObservation(Guid ObservationId, string Text, DateTimeOffset ReceivedAt, bool NothingToAdd);

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
    Guid? DecisionId,
    string? BreachFirstWeek,
    string? BreachLastWeek,
    Platform.Contracts.Review.SanctionAssessment? Assessment,
    DateTimeOffset? ReceivedAt,
    HearingView? Hearing)
{
    public static ProposalView Of(Domain.Proposal proposal, Domain.Hearing? hearing)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return new(
            proposal.ProposalId, proposal.CaseId, proposal.FlagId, proposal.Percent, proposal.Months, proposal.StartMonth, proposal.RepeatedBreach,
            proposal.ProposedBy, proposal.Reason, proposal.NotificationId, proposal.NotifiedAt, proposal.AnswerBy, proposal.State, proposal.DecidedBy,
            proposal.DecidedAt, proposal.DecisionReason, proposal.DecisionId, proposal.BreachFirstWeek, proposal.BreachLastWeek,
            proposal.Assessment, proposal.ReceivedAt, hearing is null ? null : HearingView.Of(hearing));
    }
}

/// <summary>A requested hearing as the API shows it: asked for, scheduled, held (or the person did not come).</summary>
public sealed record HearingView(
    Guid HearingId,
    string State,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    string? AssistantName,
    string? AssistantRole,
    DateTimeOffset? ScheduledAt,
    string? Place,
    DateTimeOffset? HeldAt,
    bool? PersonAttended,
    string? Attendees,
    string? Summary,
    string? RecordedBy)
{
    public static HearingView Of(Domain.Hearing hearing)
    {
        ArgumentNullException.ThrowIfNull(hearing);
        return new(
            hearing.HearingId, hearing.State, hearing.RequestedBy, hearing.RequestedAt, hearing.AssistantName, hearing.AssistantRole, hearing.ScheduledAt,
            hearing.Place, hearing.HeldAt, hearing.PersonAttended, hearing.Attendees, hearing.Summary, hearing.RecordedBy);
    }
}

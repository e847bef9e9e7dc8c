using System.Text.Json;
using Platform.Contracts.Rules;

namespace Platform.Contracts.Review;

/// <summary>A counsellor took a case.</summary>
public sealed record CaseClaimed(Guid CaseId, Guid FlagId, string RecipientId, string ClaimedBy) : PlatformEvent;

/// <summary>A counsellor closed a case without consequence, with a written reason.</summary>
public sealed record FlagDismissed(
    Guid CaseId, Guid FlagId, string RecipientId, string RuleId, string DismissedBy, string Reason) : PlatformEvent;

/// <summary>A counsellor closed a case with a support action, with a written reason.</summary>
public sealed record FlagResolved(
    Guid CaseId, Guid FlagId, string RecipientId, string RuleId, string ResolvedBy, string SupportAction, string Reason)
    : PlatformEvent;

/// <summary>Nobody decided the case in time: it closes in the recipient's favour, never the other way round.</summary>
public sealed record FlagExpired(Guid CaseId, Guid FlagId, string RecipientId, string RuleId) : PlatformEvent;

/// <summary>A counsellor proposed a sanction (CASF R262-68); nothing changes until a second person approves.</summary>
/// <param name="StartMonth">e.g. <c>2027-01</c>.</param>
public sealed record SanctionProposed(
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
    string Reason) : PlatformEvent;

/// <summary>
/// The recipient was told of the facts and the proposed sanction and may answer until <paramref name="AnswerBy"/>
/// (CASF L262-37: « préalablement mis en mesure de faire connaître ses observations »).
/// </summary>
/// <param name="Facts">The flag's facts as the rule evaluated them: what the recipient is told about.</param>
/// <param name="Explanation">The flag's explanation in French and English.</param>
/// <param name="Reason">The counsellor's written reason for the proposal.</param>
public sealed record RecipientNotified(
    Guid NotificationId,
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    int Percent,
    int Months,
    string StartMonth,
    DateTimeOffset NotifiedAt,
    DateTimeOffset AnswerBy,
    string RuleId = "",
    JsonElement? Facts = null,
    Explanation? Explanation = null,
    string Reason = "") : PlatformEvent;

/// <summary>The recipient answered a flag in their own words.</summary>
/// <param name="NothingToAdd">
/// The recipient says they have nothing to add: an explicit act that closes the answer window of a pending proposal on
/// this flag before its deadline (see <see cref="WindowClosure"/>).
/// </param>
public sealed record ObservationReceived(
    Guid ObservationId, Guid FlagId, string RecipientId, string Text, DateTimeOffset ReceivedAt, bool NothingToAdd = false) : PlatformEvent;

/// <summary>A supervisor refused a proposal: nothing changes for the recipient.</summary>
public sealed record SanctionRejected(
    Guid ProposalId, Guid CaseId, Guid FlagId, string RecipientId, string RejectedBy, string Reason) : PlatformEvent;

/// <summary>
/// The one event that may change an allocation: a proposal approved by a second person after the recipient was
/// heard, signed by the review service (ECDSA P-256 over <see cref="SanctionDecisionSignature.Payload"/>).
/// </summary>
/// <param name="KeyId">Which review-service key signed; lets keys rotate.</param>
/// <param name="Signature">Base64 of the IEEE P1363 ECDSA P-256 / SHA-256 signature.</param>
/// <param name="BreachFirstWeek">First ISO week of the breach sanctioned (e.g. <c>2026-W44</c>): one breach, one sanction.</param>
/// <param name="BreachLastWeek">Last ISO week of the breach sanctioned (the flag's week).</param>
/// <param name="Assessment">The proportionality assessment of CASF R262-68-5 the decision rests on.</param>
/// <param name="ReceivedAt">
/// The first proof that the recipient received the notice (CASF L262-37: « par tout moyen conférant date certaine à la
/// réception »); the answer window runs from it. Signed; a decision without it changes no allocation.
/// </param>
/// <param name="WindowClosedBy">
/// How the recipient's answer window closed before the decision (<see cref="WindowClosure"/>): its deadline passed, the
/// recipient said they had nothing to add, or the hearing they asked for was held. A first observation no longer closes
/// it. Signed; a decision without it changes no allocation.
/// </param>
/// <param name="WindowClosedAt">When the window closed that way (the deadline itself, the recipient's act, the hearing's record).</param>
public sealed record SanctionDecided(
    Guid DecisionId,
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
    string ApprovedBy,
    Guid NotificationId,
    DateTimeOffset NotifiedAt,
    DateTimeOffset AnswerBy,
    DateTimeOffset? ObservationReceivedAt,
    DateTimeOffset DecidedAt,
    string KeyId,
    string Signature,
    string? BreachFirstWeek = null,
    string? BreachLastWeek = null,
    SanctionAssessment? Assessment = null,
    DateTimeOffset? ReceivedAt = null,
    string? WindowClosedBy = null,
    DateTimeOffset? WindowClosedAt = null) : PlatformEvent;

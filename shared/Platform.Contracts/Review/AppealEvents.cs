namespace Platform.Contracts.Review;

/// <summary>The outcomes of a prior appeal (RAPO, CASF L262-47) decided by a person.</summary>
public static class AppealOutcome
{
    /// <summary>The sanction stands as decided.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>The sanction is lightened: a smaller share, fewer months, or both.</summary>
    public const string Reduced = "reduced";

    /// <summary>The sanction is withdrawn: nothing is withheld, what was withheld is paid back.</summary>
    public const string Annulled = "annulled";

    public static bool IsKnown(string? outcome) => outcome is Confirmed or Reduced or Annulled;
}

/// <summary>
/// The instructor of a prior appeal recorded the opinion of the commission de recours amiable (CASF R262-89) before
/// deciding it; the opinion binds nobody, but the decision's letter quotes it and the audit log keeps who recorded it.
/// </summary>
public sealed record AppealCommissionOpinionRecorded(
    Guid AppealId,
    Guid SanctionDecisionId,
    string RecipientId,
    string Opinion,
    string RecordedBy) : PlatformEvent;

/// <summary>
/// A person filed a prior appeal (RAPO) against a signed sanction decision, online or on paper recorded by a counsellor.
/// Without an outcome by <paramref name="ImplicitRejectionOn"/> (two months after filing, Paris date, <c>yyyy-MM-dd</c>) it is implicitly rejected.
/// </summary>
/// <param name="Channel"><c>online</c> or <c>paper</c>.</param>
/// <param name="Late">Filed more than two months after the decision letter's receipt: accepted, and marked so.</param>
public sealed record AppealFiled(
    Guid AppealId,
    Guid SanctionDecisionId,
    string RecipientId,
    string FiledBy,
    string Channel,
    string FiledOn,
    bool Late,
    string ImplicitRejectionOn) : PlatformEvent;

/// <summary>
/// The decision on a prior appeal, taken by a person who neither proposed nor approved the sanction, by delegation of
/// the président du conseil départemental, signed by the review service (ECDSA P-256 over
/// <see cref="AppealDecidedSignature.Payload"/>). Reduced or annulled, the allocations service verifies it and pays back
/// what was withheld beyond the new sanction.
/// </summary>
/// <param name="SanctionDecisionId">The signed <see cref="SanctionDecided"/> the appeal contested.</param>
/// <param name="Outcome">One of <see cref="AppealOutcome"/>.</param>
/// <param name="Percent">The share suspended after the appeal: the sanction's own when confirmed, 0 when annulled.</param>
/// <param name="Months">The months suspended after the appeal: the sanction's own when confirmed, 0 when annulled.</param>
public sealed record AppealDecided(
    Guid DecisionId,
    Guid AppealId,
    Guid SanctionDecisionId,
    string RecipientId,
    string Outcome,
    int Percent,
    int Months,
    string DecidedBy,
    DateTimeOffset DecidedAt,
    string KeyId,
    string Signature) : PlatformEvent;

/// <summary>
/// Two months passed after an appeal was filed without an outcome: it is implicitly rejected (CASF R262-88 and
/// following), and the tribunal administratif may be seized until <paramref name="TribunalBy"/>.
/// </summary>
public sealed record AppealImplicitlyRejected(
    Guid AppealId, Guid SanctionDecisionId, string RecipientId, string RejectedOn, string TribunalBy) : PlatformEvent;

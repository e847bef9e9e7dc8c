using Platform.Contracts.Review;

namespace Platform.Review.Domain;

/// <summary>The channels by which a prior appeal reaches the département.</summary>
public static class AppealChannel
{
    public const string Online = "online";
    public const string Paper = "paper";
}

/// <summary>The kinds of letter an appeal gives.</summary>
public static class AppealLetterKind
{
    public const string Acknowledged = "appeal-acknowledged";
    public const string Decided = "appeal-decided";
    public const string ImplicitlyRejected = "appeal-implicitly-rejected";
}

/// <summary>Why an appeal transition is refused: a stable code, and for a reduction the fields at fault.</summary>
public sealed record AppealRefusal(string Code, IReadOnlyDictionary<string, (string Fr, string En)>? Fields = null)
{
    public const string AlreadyDecided = "appeal-already-decided";
    public const string InstructorTookPart = "appeal-instructor-took-part";
    public const string BadReduction = "appeal-bad-reduction";
}

/// <summary>
/// A prior appeal (recours administratif préalable obligatoire, CASF L262-47 and R262-88 and following) against one
/// signed sanction decision: filed within two months of the decision letter's receipt, or later and then marked late
/// (the instructor may still reconsider); implicitly rejected two months after filing without an outcome; decided by
/// a person who neither proposed nor approved the sanction. Dates are Paris dates.
/// </summary>
public sealed record Appeal(
    Guid AppealId,
    Guid SanctionDecisionId,
    Guid DecisionLetterId,
    Guid ProposalId,
    string RecipientId,
    int Percent,
    int Months,
    string StartMonth,
    string ProposedBy,
    string ApprovedBy,
    string Channel,
    string FiledBy,
    DateOnly FiledOn,
    DateTimeOffset RecordedAt,
    string Reasons,
    IReadOnlyList<string> Documents,
    bool Late,
    DateOnly ImplicitRejectionOn,
    string? CommissionOpinion = null,
    string? CommissionRecordedBy = null,
    DateTimeOffset? CommissionRecordedAt = null,
    string? Outcome = null,
    int? OutcomePercent = null,
    int? OutcomeMonths = null,
    string? OutcomeReason = null,
    string? DecidedBy = null,
    Guid? DelegationId = null,
    DateTimeOffset? DecidedAt = null,
    Guid? AppealDecisionId = null,
    string? KeyId = null,
    string? Signature = null,
    string? SignedDecision = null,
    DateTimeOffset? ImplicitlyRejectedAt = null)
{
    /// <summary>The time the law gives to appeal, and the silence after which an appeal is implicitly rejected.</summary>
    public const int MonthsToAppeal = 2;

    /// <summary>
    /// Files an appeal on <paramref name="filedOn"/>. Late when the letter was received and more than two months passed
    /// since; a letter never proven received opposes no deadline (CJA R421-5), so nothing filed against it is late.
    /// </summary>
    public static Appeal File(
        Guid appealId, DecisionLetterRecord letter, Proposal proposal, DateOnly? letterReceivedOn, string channel, string filedBy, DateOnly filedOn,
        DateTimeOffset now, string reasons, IReadOnlyList<string> documents)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(proposal);
        var late = letterReceivedOn is { } received && filedOn > received.AddMonths(MonthsToAppeal);
        return new Appeal(
            appealId, letter.DecisionId ?? throw new InvalidOperationException("Only a signed decision can be appealed."), letter.LetterId,
            proposal.ProposalId, proposal.RecipientId, proposal.Percent, proposal.Months, proposal.StartMonth, proposal.ProposedBy,
            proposal.DecidedBy ?? throw new InvalidOperationException("A signed decision names who approved it."), channel, filedBy, filedOn, now,
            reasons, documents, late, filedOn.AddMonths(MonthsToAppeal));
    }

    /// <summary>pending, confirmed, reduced, annulled, or implicitly-rejected (until a person decides after all).</summary>
    public string Status => Outcome ?? (ImplicitlyRejectedAt is null ? "pending" : "implicitly-rejected");

    /// <summary>The last day to seize the tribunal administratif after an implicit rejection (CJA R421-2).</summary>
    public DateOnly TribunalByAfterImplicitRejection => ImplicitRejectionOn.AddMonths(MonthsToAppeal);

    /// <summary>Whether <paramref name="person"/> proposed or approved the contested sanction.</summary>
    public bool TookPart(string person) =>
        string.Equals(person.Trim(), ProposedBy.Trim(), StringComparison.OrdinalIgnoreCase)
        || string.Equals(person.Trim(), ApprovedBy.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Records the commission de recours amiable's opinion (R262-89), by someone who took no part in the sanction.</summary>
    public (Appeal? Appeal, AppealRefusal? Refusal) RecordOpinion(string instructor, string opinion, DateTimeOffset now)
    {
        if (Outcome is not null)
        {
            return (null, new AppealRefusal(AppealRefusal.AlreadyDecided));
        }

        return TookPart(instructor)
            ? (null, new AppealRefusal(AppealRefusal.InstructorTookPart))
            : (this with { CommissionOpinion = opinion, CommissionRecordedBy = instructor, CommissionRecordedAt = now }, null);
    }

    /// <summary>
    /// Decides the appeal: once, by someone who took no part in the sanction; a reduction keeps the sanction's start and
    /// lowers its share, its length, or both (never raises either). Returns the sanction as it stands after the appeal.
    /// </summary>
    public (int Percent, int Months)? Decide(string instructor, string outcome, int? percent, int? months, out AppealRefusal? refusal)
    {
        refusal = null;
        if (Outcome is not null)
        {
            refusal = new AppealRefusal(AppealRefusal.AlreadyDecided);
            return null;
        }

        if (TookPart(instructor))
        {
            refusal = new AppealRefusal(AppealRefusal.InstructorTookPart);
            return null;
        }

        switch (outcome)
        {
            case AppealOutcome.Confirmed:
                return (Percent, Months);
            case AppealOutcome.Annulled:
                return (0, 0);
            default:
                var newPercent = percent ?? Percent;
                var newMonths = months ?? Months;
                var fields = new Dictionary<string, (string Fr, string En)>();
                if (newPercent < 1 || newPercent > Percent)
                {
                    fields["percent"] = ($"Une réduction garde une part entre 1 et {Percent} %.", $"A reduction keeps a share between 1 and {Percent} %.");
                }

                if (newMonths < 1 || newMonths > Months)
                {
                    fields["months"] = ($"Une réduction garde une durée entre 1 et {Months} mois.", $"A reduction keeps a length between 1 and {Months} month(s).");
                }

                if (fields.Count == 0 && newPercent == Percent && newMonths == Months)
                {
                    fields["percent"] = (
                        "Une réduction baisse la part, la durée ou les deux : sinon, confirmez la décision.",
                        "A reduction lowers the share, the length or both: otherwise, confirm the decision.");
                }

                if (fields.Count > 0)
                {
                    refusal = new AppealRefusal(AppealRefusal.BadReduction, fields);
                    return null;
                }

                return (newPercent, newMonths);
        }
    }
}

/// <summary>One of an appeal's letters as issued; its text is composed from the appeal each time it is read.</summary>
public sealed record AppealLetterRecord(Guid LetterId, Guid AppealId, string Kind, DateTimeOffset CreatedAt);

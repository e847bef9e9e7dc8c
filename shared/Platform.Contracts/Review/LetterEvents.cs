namespace Platform.Contracts.Review;

/// <summary>The letters the review service issues about a decision, each naming what it tells of.</summary>
public static class DecisionLetterKind
{
    /// <summary>An approved sanction: names the signed <see cref="SanctionDecided"/> by its decision id.</summary>
    public const string SanctionApproved = "sanction-approved";

    /// <summary>A rejected proposal: names the <see cref="SanctionRejected"/> by its proposal id (a rejection changes nothing and is not signed).</summary>
    public const string SanctionRejected = "sanction-rejected";

    /// <summary>An appeal's acknowledgement: names the <see cref="AppealFiled"/> by its appeal id.</summary>
    public const string AppealAcknowledged = "appeal-acknowledged";

    /// <summary>An appeal's outcome: names the signed <see cref="AppealDecided"/> by its decision id.</summary>
    public const string AppealDecided = "appeal-decided";

    /// <summary>An appeal's implicit rejection: names the <see cref="AppealImplicitlyRejected"/> by its appeal id.</summary>
    public const string AppealImplicitlyRejected = "appeal-implicitly-rejected";

    /// <summary>A suspension ended early: names the signed <see cref="SuspensionEnded"/> by its decision id.</summary>
    public const string SuspensionEnded = "suspension-ended";
}

/// <summary>
/// The review service issued a letter to the person about a decision (CRPA L211-2, L211-5, L212-1), in the decision's own
/// transaction: <paramref name="Kind"/> (<see cref="DecisionLetterKind"/>) says what it tells of, and the ids name it, so
/// that the audit log can prove every letter refers to a decision it holds. The letter's text is served by the review
/// service, not carried here.
/// </summary>
/// <param name="DecisionId">The signed decision the letter tells of (an approved sanction, an appeal's outcome); null otherwise.</param>
/// <param name="ProposalId">The sanction proposal, for the letters about a sanction.</param>
/// <param name="AppealId">The appeal, for the letters about an appeal.</param>
public sealed record DecisionLetterIssued(
    Guid LetterId, string RecipientId, string Kind, Guid? DecisionId, Guid? ProposalId, Guid? AppealId) : PlatformEvent;

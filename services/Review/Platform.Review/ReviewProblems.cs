using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review;

/// <summary>The review service's stable problem types and answers.</summary>
internal static class ReviewProblems
{
    public const string ForbiddenSelfApproval = ProblemTypes.Base + "forbidden-self-approval";
    public const string ObservationWindowOpen = ProblemTypes.Base + "observation-window-open";
    public const string CaseNotOpen = ProblemTypes.Base + "case-not-open";
    public const string CaseNotClaimed = ProblemTypes.Base + "case-not-claimed";
    public const string CaseClosed = ProblemTypes.Base + "case-closed";
    public const string NotYourCase = ProblemTypes.Base + "not-your-case";
    public const string SanctionNotAllowed = ProblemTypes.Base + "sanction-not-allowed";
    public const string ProposalNotPending = ProblemTypes.Base + "proposal-not-pending";

    public static ProblemHttpResult CaseNotFound() => Problems.NotFound("Ce dossier n'existe pas.", "This case does not exist.");

    public static ProblemHttpResult FlagNotFound() => Problems.NotFound("Ce signalement n'existe pas.", "This flag does not exist.");

    public static ProblemHttpResult ProposalNotFound() => Problems.NotFound("Cette proposition n'existe pas.", "This proposal does not exist.");

    public static ProblemHttpResult SelfApproval() => Problems.Create(
        StatusCodes.Status403Forbidden,
        ForbiddenSelfApproval,
        Localized.Text("Décision par l'auteur de la proposition", "Decision by the proposer"),
        Localized.Text(
            "Vous avez proposé cette sanction : une autre personne doit l'approuver ou la rejeter.",
            "You proposed this sanction: someone else must approve or reject it."));

    public static ProblemHttpResult WindowOpen(DateTimeOffset answerBy) => Problems.Conflict(
        ObservationWindowOpen,
        $"L'allocataire peut encore présenter ses observations jusqu'au {answerBy:yyyy-MM-dd HH:mm} UTC et n'a pas encore répondu : attendez sa réponse ou la fin du délai.",
        $"The recipient may still send observations until {answerBy:yyyy-MM-dd HH:mm} UTC and has not answered yet: wait for the answer or the end of the window.");

    /// <summary>Why a case cannot be worked on by <paramref name="me"/> now; null when it is theirs and claimed.</summary>
    public static ProblemHttpResult? RequireClaimedBy(Cases.CaseRow row, string me) => row.State switch
    {
        Cases.CaseStates.Claimed when row.ClaimedBy == me => null,
        Cases.CaseStates.Claimed => Problems.Create(
            StatusCodes.Status403Forbidden,
            NotYourCase,
            Localized.Text("Dossier d'un autre conseiller", "Another counsellor's case"),
            Localized.Text("Ce dossier a été pris par un autre conseiller.", "Another counsellor has claimed this case.")),
        Cases.CaseStates.Open => Problems.Conflict(
            CaseNotClaimed, "Prenez d'abord le dossier (claim).", "Claim the case first."),
        Cases.CaseStates.Proposed => Problems.Conflict(
            ProposalNotPending,
            "Une proposition de sanction est en attente de décision : le dossier ne peut pas être modifié.",
            "A sanction proposal awaits a decision: the case cannot be changed."),
        _ => Problems.Conflict(CaseClosed, "Ce dossier est clos.", "This case is closed."),
    };
}

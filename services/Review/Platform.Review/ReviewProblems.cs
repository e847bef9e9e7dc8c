using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review;

/// <summary>The review service's stable problem types, and the one place where a domain refusal becomes an answer.</summary>
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
    public const string NoticeNotReceived = ProblemTypes.Base + "notice-not-received";
    public const string AcknowledgementLinkUsed = ProblemTypes.Base + "acknowledgement-link-used";
    public const string StartMonthRetroactive = ProblemTypes.Base + RefusalCode.StartMonthRetroactive;
    public const string BreachAlreadySanctioned = ProblemTypes.Base + RefusalCode.BreachAlreadySanctioned;
    public const string HouseholdCapExceeded = ProblemTypes.Base + RefusalCode.HouseholdCapExceeded;
    public const string RepeatNotEstablished = ProblemTypes.Base + RefusalCode.RepeatNotEstablished;
    public const string HearingPending = ProblemTypes.Base + RefusalCode.HearingPending;
    public const string AnswerWindowClosed = ProblemTypes.Base + RefusalCode.AnswerWindowClosed;
    public const string HearingAlreadyRequested = ProblemTypes.Base + RefusalCode.HearingAlreadyRequested;
    public const string NoHearingRequested = ProblemTypes.Base + RefusalCode.NoHearingRequested;
    public const string HearingAlreadyHeld = ProblemTypes.Base + RefusalCode.HearingAlreadyHeld;
    public const string HearingNotScheduled = ProblemTypes.Base + RefusalCode.HearingNotScheduled;
    public const string HearingNotYetDue = ProblemTypes.Base + RefusalCode.HearingNotYetDue;
    public const string BreachWeekExcused = ProblemTypes.Base + RefusalCode.BreachWeekExcused;
    public const string NoDelegation = ProblemTypes.Base + "no-delegation";
    public const string DelegationForSelf = ProblemTypes.Base + "delegation-for-self";
    public const string DelegationExists = ProblemTypes.Base + "delegation-exists";
    public const string DelegationDepartementNotYours = ProblemTypes.Base + "delegation-departement-not-yours";
    public const string AppealExists = ProblemTypes.Base + "appeal-exists";
    public const string AppealInstructorTookPart = ProblemTypes.Base + AppealRefusal.InstructorTookPart;
    public const string AppealAlreadyDecided = ProblemTypes.Base + AppealRefusal.AlreadyDecided;

    public static ProblemHttpResult CaseNotFound() => Problems.NotFound("Ce dossier n'existe pas.", "This case does not exist.");

    public static ProblemHttpResult FlagNotFound() => Problems.NotFound("Ce signalement n'existe pas.", "This flag does not exist.");

    public static ProblemHttpResult ProposalNotFound() => Problems.NotFound("Cette proposition n'existe pas.", "This proposal does not exist.");

    public static ProblemHttpResult NoticeNotFound() => Problems.NotFound("Cet avis n'existe pas.", "This notice does not exist.");

    public static ProblemHttpResult LetterNotFound() => Problems.NotFound("Cette lettre de décision n'existe pas.", "This decision letter does not exist.");

    public static ProblemHttpResult AppealNotFound() => Problems.NotFound("Ce recours n'existe pas.", "This appeal does not exist.");

    /// <summary>No signed decision of this recipient carries this number: another person's, a rejection, or none at all.</summary>
    public static ProblemHttpResult AppealableDecisionNotFound() => Problems.NotFound(
        "Aucune décision de sanction signée à votre nom ne porte ce numéro.", "No signed sanction decision of yours carries this number.");

    public static ProblemHttpResult AppealAlreadyFiled() => Problems.Conflict(
        AppealExists,
        "Un recours a déjà été formé contre cette décision : il est en cours ou a été tranché. Consultez-le sur la page « Mes décisions ».",
        "An appeal was already filed against this decision: it is under way or was decided. See it on the page \"My decisions\".");

    /// <summary>The answer to a refused appeal transition, by its stable code.</summary>
    public static ProblemHttpResult For(AppealRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return refusal.Code switch
        {
            AppealRefusal.AlreadyDecided => Problems.Conflict(
                AppealAlreadyDecided, "Ce recours a déjà été tranché : sa décision ne se réécrit pas.", "This appeal was already decided: its decision is not rewritten."),
            AppealRefusal.InstructorTookPart => Problems.Create(
                StatusCodes.Status403Forbidden,
                AppealInstructorTookPart,
                Localized.Text("Instruction par une personne qui a pris part à la décision", "Instruction by someone who took part in the decision"),
                Localized.Text(
                    "Vous avez proposé ou approuvé la sanction contestée : une autre personne doit instruire ce recours. Rien n'a été enregistré.",
                    "You proposed or approved the sanction contested: someone else must instruct this appeal. Nothing was recorded.")),
            _ => Problems.Validation((refusal.Fields ?? new Dictionary<string, (string Fr, string En)>())
                .ToDictionary(field => field.Key, field => new[] { Localized.Text(field.Value.Fr, field.Value.En) })),
        };
    }

    /// <summary>The decider holds no delegation of the président in force today: nobody may decide in the président's name without one.</summary>
    public static ProblemHttpResult WithoutDelegation(string departement) => Problems.Create(
        StatusCodes.Status403Forbidden,
        NoDelegation,
        Localized.Text("Pas de délégation en vigueur", "No delegation in force"),
        Localized.Text(
            $"Vous n'avez pas aujourd'hui de délégation du président du conseil départemental ({departement}) pour décider en son nom : rien n'a été enregistré. Une décision sans délégation serait prise par une autorité incompétente.",
            $"You hold no delegation in force today from the président of the conseil départemental ({departement}) to decide in their name: nothing was recorded. A decision without one would be taken by an authority without competence."));

    /// <summary>The answer to a refused transition, by its stable code.</summary>
    public static ProblemHttpResult For(Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return refusal.Code switch
        {
            RefusalCode.CaseNotOpen => Problems.Conflict(
                CaseNotOpen,
                "Ce dossier n'est plus ouvert : il a été pris par quelqu'un d'autre ou il est clos.",
                "This case is no longer open: someone else claimed it or it is closed."),
            RefusalCode.NotYourCase => Problems.Create(
                StatusCodes.Status403Forbidden,
                NotYourCase,
                Localized.Text("Dossier d'un autre conseiller", "Another counsellor's case"),
                Localized.Text("Ce dossier a été pris par un autre conseiller.", "Another counsellor has claimed this case.")),
            RefusalCode.CaseNotClaimed => Problems.Conflict(CaseNotClaimed, "Prenez d'abord le dossier (claim).", "Claim the case first."),
            RefusalCode.CaseAwaitsDecision => Problems.Conflict(
                ProposalNotPending,
                "Une proposition de sanction est en attente de décision : le dossier ne peut pas être modifié.",
                "A sanction proposal awaits a decision: the case cannot be changed."),
            RefusalCode.CaseClosed => Problems.Conflict(CaseClosed, "Ce dossier est clos.", "This case is closed."),
            RefusalCode.SanctionNotAllowed => Problems.Conflict(
                SanctionNotAllowed,
                "La règle à l'origine de ce signalement ne permet pas de proposer une sanction : classez le dossier ou proposez un accompagnement.",
                "The rule behind this flag does not allow a sanction to be proposed: dismiss the case or offer support."),
            RefusalCode.StartMonthPast => Problems.Validation(new Dictionary<string, string[]>
            {
                ["startMonth"] = [Localized.Text(
                    $"Une sanction ne s'applique qu'aux mois qui suivent sa décision : elle commence au plus tôt en {refusal.EarliestStartMonth:yyyy-MM}.",
                    $"A sanction applies only to the months after its decision: it starts in {refusal.EarliestStartMonth:yyyy-MM} at the earliest.")],
            }),
            RefusalCode.StartMonthRetroactive => Problems.Conflict(
                StartMonthRetroactive, refusal.Conflict!.Fr + " Rejetez cette proposition ; une nouvelle pourra être faite.",
                refusal.Conflict.En + " Reject this proposal; a new one can be made."),
            RefusalCode.BreachAlreadySanctioned => Problems.Conflict(BreachAlreadySanctioned, refusal.Conflict!.Fr, refusal.Conflict.En),
            RefusalCode.HouseholdCapExceeded => Problems.Conflict(HouseholdCapExceeded, refusal.Conflict!.Fr, refusal.Conflict.En),
            RefusalCode.RepeatNotEstablished => Problems.Conflict(RepeatNotEstablished, refusal.Conflict!.Fr, refusal.Conflict.En),
            RefusalCode.OutOfBounds => Problems.Validation(refusal.Violations
                .GroupBy(violation => violation.Field)
                .ToDictionary(group => group.Key, group => group.Select(violation => Localized.Text(violation.Fr, violation.En)).ToArray())),
            RefusalCode.ProposalNotPending => Problems.Conflict(
                ProposalNotPending,
                "Cette proposition n'attend plus de décision (déjà décidée, retirée ou expirée).",
                "This proposal no longer awaits a decision (already decided, withdrawn or expired)."),
            RefusalCode.SelfApproval => Problems.Create(
                StatusCodes.Status403Forbidden,
                ForbiddenSelfApproval,
                Localized.Text("Décision par l'auteur de la proposition", "Decision by the proposer"),
                Localized.Text(
                    "Vous avez proposé cette sanction : une autre personne doit l'approuver ou la rejeter.",
                    "You proposed this sanction: someone else must approve or reject it.")),
            RefusalCode.ObservationWindowOpen => Problems.Conflict(
                ObservationWindowOpen,
                $"L'allocataire peut encore présenter ses observations ou demander à être entendu jusqu'au {refusal.AnswerBy:yyyy-MM-dd HH:mm} UTC (CASF L262-37) : une première observation ne clôt pas ce délai. Attendez sa fin, ou que l'allocataire indique n'avoir rien à ajouter.",
                $"The recipient may still send observations or ask to be heard until {refusal.AnswerBy:yyyy-MM-dd HH:mm} UTC (CASF L262-37): a first observation does not close this window. Wait for its end, or for the recipient to say they have nothing to add."),
            RefusalCode.HearingPending => Problems.Conflict(
                HearingPending,
                "L'allocataire a demandé à être entendu et l'entretien n'a pas encore eu lieu : aucune décision n'est possible avant que l'entretien soit tenu et enregistré (CASF L262-37).",
                "The recipient asked to be heard and the hearing has not taken place yet: no decision is possible until the hearing is held and recorded (CASF L262-37)."),
            RefusalCode.AnswerWindowClosed => Problems.Conflict(
                AnswerWindowClosed,
                $"Le délai de réponse s'est clos le {refusal.ClosedAt:yyyy-MM-dd HH:mm} UTC (échéance passée ou « rien à ajouter » indiqué) : un entretien ne peut plus être demandé sur cette proposition.",
                $"The answer window closed on {refusal.ClosedAt:yyyy-MM-dd HH:mm} UTC (deadline passed, or « nothing to add » said): a hearing can no longer be asked for on this proposal."),
            RefusalCode.HearingAlreadyRequested => Problems.Conflict(
                HearingAlreadyRequested, "Un entretien a déjà été demandé sur cette proposition.", "A hearing was already asked for on this proposal."),
            RefusalCode.NoHearingRequested => Problems.Conflict(
                NoHearingRequested, "Personne n'a demandé d'entretien sur cette proposition.", "Nobody asked for a hearing on this proposal."),
            RefusalCode.HearingAlreadyHeld => Problems.Conflict(
                HearingAlreadyHeld, "L'entretien a déjà été tenu et enregistré.", "The hearing was already held and recorded."),
            RefusalCode.HearingNotScheduled => Problems.Conflict(
                HearingNotScheduled, "L'entretien n'a pas été programmé : fixez d'abord sa date et son lieu.", "The hearing was never scheduled: set its date and place first."),
            RefusalCode.HearingNotYetDue => Problems.Conflict(
                HearingNotYetDue,
                $"L'entretien est prévu le {refusal.ScheduledAt:yyyy-MM-dd HH:mm} UTC : il ne peut pas être enregistré avant. S'il a été avancé, programmez-le d'abord à sa nouvelle date.",
                $"The hearing is scheduled for {refusal.ScheduledAt:yyyy-MM-dd HH:mm} UTC: it cannot be recorded before then. If it was brought forward, schedule it at its new date first."),
            RefusalCode.HearingInThePast => Problems.Validation(new Dictionary<string, string[]>
            {
                ["scheduledAt"] = [Localized.Text("L'entretien ne peut pas être fixé dans le passé.", "The hearing cannot be scheduled in the past.")],
            }),
            RefusalCode.NoticeNotReceived => Problems.Conflict(
                NoticeNotReceived,
                "Rien ne prouve encore que l'allocataire a reçu l'avis de sanction envisagée : son délai de réponse n'a pas commencé (CASF L262-37). Attendez son accusé de réception (application ou lien du courriel) ou enregistrez la date de réception du recommandé.",
                "Nothing proves yet that the recipient received the notice of the envisaged sanction: their answer window has not begun (CASF L262-37). Wait for their acknowledgement (application or e-mail link) or record the registered letter's date of receipt."),
            RefusalCode.ReceiptBeforeNotice => Problems.Validation(new Dictionary<string, string[]>
            {
                ["receivedOn"] = [Localized.Text(
                    "La date de réception ne peut pas précéder la date de l'avis.", "The date of receipt cannot be before the notice's date.")],
            }),
            RefusalCode.ReceiptInFuture => Problems.Validation(new Dictionary<string, string[]>
            {
                ["receivedOn"] = [Localized.Text("La date de réception ne peut pas être dans le futur.", "The date of receipt cannot be in the future.")],
            }),
            RefusalCode.BreachWeekExcused => Problems.Conflict(
                BreachWeekExcused,
                $"Le manquement (semaines {refusal.Breach!.Value.First} à {refusal.Breach.Value.Last}) repose sur des semaines couvertes par l'absence justifiée n° {refusal.Excused!.AbsenceId} "
                    + $"(semaines {refusal.Excused.FromWeek} à {refusal.Excused.ToWeek}), acceptée : un motif légitime excuse ces semaines et aucune sanction ne peut s'y appuyer "
                    + "(CASF R262-68-6). Une proposition déjà faite ne peut plus être approuvée : rejetez-la.",
                $"The breach (weeks {refusal.Breach.Value.First} to {refusal.Breach.Value.Last}) rests on weeks covered by justified absence no. {refusal.Excused.AbsenceId} "
                    + $"(weeks {refusal.Excused.FromWeek} to {refusal.Excused.ToWeek}), accepted: a legitimate reason excuses those weeks and no sanction may rest on them "
                    + "(CASF R262-68-6). A proposal already made can no longer be approved: reject it."),
            RefusalCode.NotTheRecipientsFlag => FlagNotFound(),
            _ => throw new InvalidOperationException($"No answer is defined for the refusal '{refusal.Code}'."),
        };
    }
}

using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Review;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Problems;

namespace Platform.Web.Pages;

/// <summary>Every word the pages show for a code, in French and English, in plain language.</summary>
public static class Labels
{
    public static readonly IReadOnlyList<string> Categories =
    [
        "training", "work-immersion", "job-search", "workshop", "employment", "business-creation",
        "volunteering", "rights-access", "health", "housing", "childcare", "other",
    ];

    public static string T(string french, string english) => Localized.Text(french, english);

    public static string Category(string code) => code switch
    {
        "training" => T("Formation", "Training"),
        "work-immersion" => T("Immersion professionnelle", "Work immersion"),
        "job-search" => T("Recherche d'emploi", "Job search"),
        "workshop" => T("Atelier", "Workshop"),
        "employment" => T("Emploi", "Employment"),
        "business-creation" => T("Création d'entreprise", "Starting a business"),
        "volunteering" => T("Bénévolat", "Volunteering"),
        "rights-access" => T("Accès aux droits", "Access to rights"),
        "health" => T("Santé", "Health"),
        "housing" => T("Logement", "Housing"),
        "childcare" => T("Garde d'enfants", "Childcare"),
        "other" => T("Autre", "Other"),
        "personal-appointment" => T("Rendez-vous personnel", "Personal appointment"),
        _ => code,
    };

    public static string AbsenceKind(string kind) => kind switch
    {
        "illness" => T("Maladie", "Illness"),
        "hospitalisation" => T("Hospitalisation", "Hospitalisation"),
        "childcare-breakdown" => T("Panne de garde d'enfant", "Childcare breakdown"),
        "other" => T("Autre raison", "Other reason"),
        _ => kind,
    };

    public static string AbsenceStatus(string status) => status switch
    {
        "pending" => T("En attente de décision", "Awaiting a decision"),
        "accepted" => T("Acceptée", "Accepted"),
        "refused" => T("Refusée", "Refused"),
        _ => status,
    };

    /// <summary>Where a prior appeal (RAPO) stands.</summary>
    public static string AppealStatus(string status) => status switch
    {
        "pending" => T("En cours d'instruction", "Being examined"),
        AppealOutcome.Confirmed => T("Décision confirmée", "Decision confirmed"),
        AppealOutcome.Reduced => T("Sanction réduite", "Sanction reduced"),
        AppealOutcome.Annulled => T("Décision annulée", "Decision annulled"),
        "implicitly-rejected" => T("Rejeté implicitement (sans réponse en deux mois)", "Implicitly rejected (no answer within two months)"),
        _ => status,
    };

    public static string AppealChannel(string channel) => channel switch
    {
        "online" => T("en ligne", "online"),
        "paper" => T("par courrier", "by post"),
        _ => channel,
    };

    public static string AppealLetter(string kind) => kind switch
    {
        "appeal-acknowledged" => T("Accusé de réception du recours", "Acknowledgement of the appeal"),
        "appeal-decided" => T("Décision sur le recours", "Decision on the appeal"),
        "appeal-implicitly-rejected" => T("Rejet implicite du recours", "Implicit rejection of the appeal"),
        _ => kind,
    };

    public static string Role(string role) => role switch
    {
        Roles.Recipient => T("Allocataire", "Recipient"),
        Roles.Counsellor => T("Conseiller ou conseillère", "Counsellor"),
        Roles.Supervisor => T("Responsable (second regard)", "Supervisor (second person)"),
        Roles.Auditor => T("Auditeur ou auditrice", "Auditor"),
        _ => role,
    };

    /// <summary>The service whose data an agent read, as a person would name it.</summary>
    public static string Service(string service) => service switch
    {
        "declarations" => T("Déclarations et engagement", "Declarations and engagement"),
        "rules" => T("Règles", "Rules"),
        "review" => T("Examen des signalements et décisions", "Flag review and decisions"),
        "allocations" => T("Allocation", "Allocation"),
        "audit" => T("Journal d'audit", "Audit log"),
        _ => service,
    };

    /// <summary>A flag's or a case's state, said plainly.</summary>
    public static string State(string state) => state switch
    {
        CaseState.Open => T("En attente d'examen par un conseiller", "Waiting for a counsellor to look at it"),
        CaseState.Claimed => T("En cours d'examen", "Being looked at"),
        CaseState.Proposed => T("Sanction proposée, en attente d'une seconde décision", "Sanction proposed, waiting for a second decision"),
        CaseState.Dismissed => T("Classé sans suite", "Closed with no further action"),
        CaseState.Resolved => T("Clos avec un accompagnement", "Closed with support offered"),
        CaseState.Sanctioned => T("Sanction décidée", "Sanction decided"),
        CaseState.Rejected or ProposalState.Rejected => T("Sanction rejetée", "Sanction rejected"),
        CaseState.Withdrawn or ProposalState.Withdrawn => T("Retiré : la situation a été corrigée", "Withdrawn: the situation was corrected"),
        CaseState.Expired or ProposalState.Expired => T("Clos faute d'examen dans le délai", "Closed: not reviewed in time"),
        FlagState.InReview => T("En cours d'examen", "Being looked at"),
        FlagState.SanctionProposed => T("Sanction proposée, en attente d'une seconde décision", "Sanction proposed, waiting for a second decision"),
        FlagState.SanctionRejected => T("Sanction rejetée", "Sanction rejected"),
        ProposalState.Pending => T("En attente de décision", "Awaiting a decision"),
        ProposalState.Approved => T("Approuvée", "Approved"),
        _ => state,
    };

    public static string Rule(string ruleId) => ruleId switch
    {
        "weekly-hours-below-engagement" => T("Heures de la semaine sous l'engagement", "Week's hours below the engagement"),
        "declaration-missing" => T("Semaine non déclarée", "Week not declared"),
        "repeated-shortfall" => T("Insuffisance répétée", "Repeated shortfall"),
        _ => ruleId,
    };

    public static string Action(string action) => action switch
    {
        CaseHistoryAction.Opened => T("Dossier ouvert", "Case opened"),
        CaseHistoryAction.Claimed => T("Pris par", "Claimed by"),
        CaseHistoryAction.Dismissed => T("Classé sans suite", "Dismissed"),
        CaseHistoryAction.Resolved => T("Clos avec accompagnement", "Resolved with support"),
        CaseHistoryAction.SanctionProposed => T("Sanction proposée", "Sanction proposed"),
        CaseHistoryAction.RecipientNotified => T("Allocataire informé", "Recipient notified"),
        CaseHistoryAction.SanctionApproved => T("Sanction approuvée", "Sanction approved"),
        CaseHistoryAction.SanctionRejected => T("Sanction rejetée", "Sanction rejected"),
        CaseHistoryAction.Withdrawn => T("Signalement retiré", "Flag withdrawn"),
        CaseHistoryAction.Expired => T("Délai d'examen dépassé", "Review time ran out"),
        CaseHistoryAction.ObservationReceived => T("Observation reçue", "Observation received"),
        CaseHistoryAction.HearingRequested => T("Entretien demandé", "Hearing requested"),
        CaseHistoryAction.HearingScheduled => T("Entretien fixé", "Hearing scheduled"),
        CaseHistoryAction.HearingHeld => T("Entretien tenu", "Hearing held"),
        _ => action,
    };

    public static string Date(DateTimeOffset instant) =>
        instant.ToOffset(TimeSpan.Zero).ToString(T("dd/MM/yyyy HH:mm 'UTC'", "yyyy-MM-dd HH:mm 'UTC'"), CultureInfo.InvariantCulture);

    /// <summary>A deadline as people in France read it: Paris time.</summary>
    public static string ParisDate(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Platform.Rules.Calendar.WeekCalendar.Paris)
            .ToString(T("dddd d MMMM yyyy 'à' HH:mm '(heure de Paris)'", "dddd d MMMM yyyy 'at' HH:mm '(Paris time)'"), CultureInfo.CurrentCulture);

    public static string Day(DateOnly day) => day.ToString(T("dddd d MMMM yyyy", "dddd d MMMM yyyy"), CultureInfo.CurrentCulture);

    public static string Hours(decimal hours) => hours.ToString("0.##", CultureInfo.CurrentCulture) + " h";

    public static string Money(decimal amount) => amount.ToString("C", CultureInfo.GetCultureInfo("fr-FR"));

    /// <summary>A fact's value as a person reads it (numbers, text, lists).</summary>
    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number => value.GetDecimal().ToString("0.##", CultureInfo.CurrentCulture),
        JsonValueKind.True => T("oui", "yes"),
        JsonValueKind.False => T("non", "no"),
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        JsonValueKind.Array when value.GetArrayLength() == 0 => T("aucune", "none"),
        JsonValueKind.Array => string.Join(" ; ", value.EnumerateArray().Select(Value)),
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(property => property.Name switch
        {
            "category" when property.Value.ValueKind == JsonValueKind.String => Category(property.Value.GetString()!),
            "hours" or "totalHours" when property.Value.ValueKind == JsonValueKind.Number => Hours(property.Value.GetDecimal()),
            "date" or "week" => Value(property.Value),
            _ => $"{FactName(property.Name)} : {Value(property.Value)}",
        })),
        _ => value.GetRawText(),
    };

    /// <summary>A fact's name (camelCase in the JSON) as words.</summary>
    public static string FactName(string name) => name switch
    {
        "totalHours" => T("Heures déclarées", "Hours declared"),
        "engagementHoursPerWeek" => T("Heures prévues par l'engagement", "Hours in the engagement"),
        "hoursPerWeek" => T("Heures prévues par l'engagement", "Hours in the engagement"),
        "declared" => T("Semaine déclarée", "Week declared"),
        "shortWeeks" => T("Semaines insuffisantes", "Short weeks"),
        "week" => T("Semaine", "Week"),
        "activities" => T("Activités déclarées", "Activities declared"),
        "previousWeeks" => T("Semaines précédentes", "Previous weeks"),
        "category" => T("Activité", "Activity"),
        "hours" => T("Heures", "Hours"),
        "date" => T("Date", "Date"),
        "toleranceHours" => T("Tolérance (heures)", "Tolerance (hours)"),
        "minimumShortfallWeeks" => T("Semaines insuffisantes avant signalement", "Short weeks before a flag"),
        _ => name,
    };

    /// <summary>Where an appeal stands in the audit log's replay, or its outcome (<c>filed</c>, <c>decided</c>, <c>implicitly-rejected</c>, <c>confirmed</c>…).</summary>
    public static string AuditedAppeal(string code) => code switch
    {
        "filed" => T("Déposé, en instruction", "Filed, under review"),
        "decided" => T("Décidé", "Decided"),
        "implicitly-rejected" => T("Rejeté implicitement (deux mois sans réponse)", "Implicitly rejected (two months without an answer)"),
        "confirmed" => T("Sanction confirmée", "Sanction confirmed"),
        "reduced" => T("Sanction réduite", "Sanction reduced"),
        "annulled" => T("Sanction annulée", "Sanction annulled"),
        "online" => T("en ligne", "online"),
        "paper" => T("sur papier", "on paper"),
        _ => code,
    };
}

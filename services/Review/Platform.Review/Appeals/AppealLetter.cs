using System.Globalization;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Letters;
using Platform.Review.Notices;
using Platform.Rules.Calendar;

namespace Platform.Review.Appeals;

/// <summary>
/// The text of an appeal's letters in one language (French by default), used alike by the API, the PDF and the e-mail:
/// the acknowledgement, sent at once, with the date on which silence becomes an implicit rejection (CASF R262-88 and
/// following); the decision on the appeal, with its reasons, its author and delegation (CRPA L211-2, L211-5, L212-1),
/// its seal, and the route to the tribunal administratif with its deadline (CJA R421-1, R421-5); the implicit rejection,
/// telling the person the tribunal may now be seized, and until when (CJA R421-2).
/// </summary>
public sealed record AppealLetter(string Language, string Title, LetterSeal? Seal, IReadOnlyList<NoticeSection> Sections)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static AppealLetter Compose(
        AppealLetterRecord letter, Appeal appeal, Delegation? delegation, LetterOptions options, string publicBaseUrl, string language)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(appeal);
        ArgumentNullException.ThrowIfNull(options);
        var fr = language != "en";
        var culture = fr ? French : English;
        string T(string french, string english) => fr ? french : english;
        string Day(DateOnly day) => day.ToString("dd/MM/yyyy", culture);
        string DayOf(DateTimeOffset instant) => Day(WeekCalendar.TodayIn(instant));
        // The président named is the one whose delegation the decision rests on; before a decision, the service's own.
        var departementName = DepartementNames.Of(delegation?.Departement ?? options.Departement, options);
        var president = T($"le président du conseil départemental {departementName.French}", $"the président of the conseil départemental of {departementName.English}");
        var contested = T(
            $"Décision contestée : n° {appeal.SanctionDecisionId:D}, suspension de {appeal.Percent} % de votre RSA pendant {appeal.Months} mois à compter de {appeal.StartMonth}.",
            $"Decision contested: no. {appeal.SanctionDecisionId:D}, {appeal.Percent} % of your RSA suspended for {appeal.Months} month(s) from {appeal.StartMonth}.");
        var filed = appeal.Channel == AppealChannel.Paper
            ? T($"Votre recours, reçu par courrier le {Day(appeal.FiledOn)}, a été enregistré sous la référence {appeal.AppealId:D}.",
                $"Your appeal, received by post on {Day(appeal.FiledOn)}, was recorded under the reference {appeal.AppealId:D}.")
            : T($"Votre recours, déposé dans l'application le {Day(appeal.FiledOn)}, a été enregistré sous la référence {appeal.AppealId:D}.",
                $"Your appeal, filed in the application on {Day(appeal.FiledOn)}, was recorded under the reference {appeal.AppealId:D}.");
        var late = appeal.Late
            ? T("Il a été formé plus de deux mois après la réception de la décision : il est enregistré et sera examiné, mais il est hors délai, et l'administration peut le rejeter pour ce motif.",
                "It was filed more than two months after the decision was received: it is recorded and will be examined, but it is late, and the administration may reject it for that reason.")
            : T("Il a été formé dans le délai de deux mois.", "It was filed within the two months.");
        var reasons = T($"Vos motifs : « {appeal.Reasons} »", $"Your reasons: \"{appeal.Reasons}\"")
            + (appeal.Documents.Count == 0 ? "" : "\n" + T("Pièces jointes : ", "Documents: ") + string.Join(" ; ", appeal.Documents));

        List<NoticeSection> sections;
        LetterSeal? seal = null;
        string title;
        switch (letter.Kind)
        {
            case AppealLetterKind.Acknowledged:
                title = T("Accusé de réception de votre recours préalable", "Acknowledgement of your prior appeal");
                sections =
                [
                    new("appeal", T("Votre recours", "Your appeal"), $"{filed}\n{contested}\n{late}"),
                    new("reasons", T("Ce que vous avez écrit", "What you wrote"), reasons),
                    new("next", T("La suite", "What happens next"), T(
                        $"Votre recours sera examiné par une personne qui n'a ni proposé ni pris la décision contestée ; la commission de recours amiable peut être consultée pour avis (article R262-89 du code de l'action sociale et des familles). La décision sur votre recours vous sera adressée par écrit. Sans réponse de {president} au {Day(appeal.ImplicitRejectionOn)}, votre recours sera implicitement rejeté à cette date (articles L262-47 et R262-88 et suivants du code de l'action sociale et des familles ; article L231-4 du code des relations entre le public et l'administration).",
                        $"Your appeal will be examined by a person who neither proposed nor took the decision you contest; the commission de recours amiable may be consulted for an opinion (article R262-89 of the code de l'action sociale et des familles). The decision on your appeal will be sent to you in writing. Without an answer from {president} by {Day(appeal.ImplicitRejectionOn)}, your appeal will be implicitly rejected on that date (articles L262-47 and R262-88 and following of the code de l'action sociale et des familles; article L231-4 of the code des relations entre le public et l'administration).")),
                    new("tribunal", T("Voies et délais de recours", "How and when to go further"), T(
                        $"Vous pourrez saisir le tribunal administratif dans un délai de deux mois à compter de la réception de la décision prise sur votre recours ou, sans réponse, à compter de son rejet implicite, soit jusqu'au {Day(appeal.TribunalByAfterImplicitRejection)} (articles R421-1 et R421-2 du code de justice administrative), y compris par l'application Télérecours citoyens (www.telerecours.fr).",
                        $"You may bring the case before the tribunal administratif within two months of receiving the decision on your appeal or, without an answer, of its implicit rejection, that is until {Day(appeal.TribunalByAfterImplicitRejection)} (articles R421-1 and R421-2 of the code de justice administrative), including online with Télérecours citoyens (www.telerecours.fr).")),
                ];
                break;

            case AppealLetterKind.Decided:
                var decided = delegation ?? throw new InvalidOperationException("A decided appeal names its delegation.");
                var outcome = appeal.Outcome switch
                {
                    AppealOutcome.Annulled => T(
                        $"Pour {president}, la décision contestée est annulée : aucune part de votre RSA n'est suspendue à ce titre, et ce qui a déjà été retenu vous est remboursé par l'organisme payeur.",
                        $"For {president}, the decision you contest is annulled: no share of your RSA is suspended on its account, and what was already withheld is paid back to you by the paying body."),
                    AppealOutcome.Reduced => T(
                        $"Pour {president}, la sanction est réduite : suspension de {appeal.OutcomePercent} % de votre RSA pendant {appeal.OutcomeMonths} mois à compter de {appeal.StartMonth}. Ce qui a été retenu au-delà vous est remboursé par l'organisme payeur.",
                        $"For {president}, the sanction is reduced: {appeal.OutcomePercent} % of your RSA suspended for {appeal.OutcomeMonths} month(s) from {appeal.StartMonth}. What was withheld beyond that is paid back to you by the paying body."),
                    _ => T(
                        $"Pour {president}, la décision contestée est confirmée : la suspension de {appeal.Percent} % de votre RSA pendant {appeal.Months} mois est maintenue.",
                        $"For {president}, the decision you contest is confirmed: the suspension of {appeal.Percent} % of your RSA for {appeal.Months} month(s) stands."),
                };
                seal = appeal is { AppealDecisionId: { } decisionId, KeyId: { } keyId, Signature: { } signature }
                    ? new LetterSeal(decisionId, keyId, signature, DecisionLetter.VerificationUrl(publicBaseUrl, decisionId, signature))
                    : null;
                title = appeal.Outcome switch
                {
                    AppealOutcome.Annulled => T("Décision sur votre recours : la sanction est annulée", "Decision on your appeal: the sanction is annulled"),
                    AppealOutcome.Reduced => T("Décision sur votre recours : la sanction est réduite", "Decision on your appeal: the sanction is reduced"),
                    _ => T("Décision sur votre recours : la sanction est confirmée", "Decision on your appeal: the sanction is confirmed"),
                };
                sections =
                [
                    new("decision", T("La décision", "The decision"), outcome),
                    new("appeal", T("Votre recours", "Your appeal"), $"{filed}\n{contested}\n{reasons}"),
                    new("commission", T("L'avis de la commission de recours amiable", "The opinion of the commission de recours amiable"), appeal.CommissionOpinion is { } opinion
                        ? T($"Avis recueilli le {DayOf(appeal.CommissionRecordedAt!.Value)} : {opinion}", $"Opinion recorded on {DayOf(appeal.CommissionRecordedAt!.Value)}: {opinion}")
                        : T("La commission n'a pas été consultée.", "The commission was not consulted.")),
                    new("reasons", T("Les motifs", "The reasons"), T($"Motifs de la décision : {appeal.OutcomeReason}", $"Reasons for the decision: {appeal.OutcomeReason}")),
                    new("author", T("L'auteur de la décision", "Who decided"), T(
                        $"Décision prise le {DayOf(appeal.DecidedAt!.Value)} par {decided.AgentName}, {decided.AgentRole}, pour {president} et par délégation ({decided.Reference}). Cette personne n'a ni proposé ni pris la décision contestée.",
                        $"Decision taken on {DayOf(appeal.DecidedAt!.Value)} by {decided.AgentName}, {decided.AgentRole}, for {president}, by delegation ({decided.Reference}). This person neither proposed nor took the decision contested.")),
                    new("seal", T("Le sceau de la décision signée", "The seal of the signed decision"), seal is null
                        ? T("Décision non signée.", "Unsigned decision.")
                        : T($"Décision n° {seal.DecisionId:D}, signée avec la clé {seal.KeyId} (ECDSA P-256, SHA-256).\nSignature : {seal.Signature}\nVérification, contre la clé publique : {seal.VerificationUrl}",
                            $"Decision no. {seal.DecisionId:D}, signed with the key {seal.KeyId} (ECDSA P-256, SHA-256).\nSignature: {seal.Signature}\nCheck it against the public key: {seal.VerificationUrl}")),
                    new("tribunal", T("Voies et délais de recours", "How and when to go further"), T(
                        "Si vous contestez cette décision, vous pouvez saisir le tribunal administratif dans un délai de deux mois à compter de la réception de cette lettre (articles R421-1 et R421-5 du code de justice administrative), y compris par l'application Télérecours citoyens (www.telerecours.fr).",
                        "If you contest this decision, you may bring the case before the tribunal administratif within two months of receiving this letter (articles R421-1 and R421-5 of the code de justice administrative), including online with Télérecours citoyens (www.telerecours.fr).")),
                ];
                break;

            default:
                title = T("Votre recours préalable est implicitement rejeté", "Your prior appeal is implicitly rejected");
                sections =
                [
                    new("rejection", T("Le rejet implicite", "The implicit rejection"), T(
                        $"{filed}\n{contested}\n{president[..1].ToUpper(culture)}{president[1..]} n'a pas répondu dans le délai de deux mois : votre recours est implicitement rejeté depuis le {Day(appeal.ImplicitRejectionOn)} (articles L262-47 et R262-88 et suivants du code de l'action sociale et des familles). Une décision explicite peut encore vous être adressée.",
                        $"{filed}\n{contested}\n{president[..1].ToUpper(culture)}{president[1..]} did not answer within two months: your appeal is implicitly rejected since {Day(appeal.ImplicitRejectionOn)} (articles L262-47 and R262-88 and following of the code de l'action sociale et des familles). An explicit decision may still be sent to you.")),
                    new("tribunal", T("Voies et délais de recours", "How and when to go further"), T(
                        $"Vous pouvez désormais saisir le tribunal administratif, jusqu'au {Day(appeal.TribunalByAfterImplicitRejection)} (deux mois à compter du rejet implicite, articles R421-1 et R421-2 du code de justice administrative), y compris par l'application Télérecours citoyens (www.telerecours.fr). Vous pouvez aussi demander les motifs de ce rejet : ils vous seront communiqués dans le mois (article L232-4 du code des relations entre le public et l'administration).",
                        $"You may now bring the case before the tribunal administratif, until {Day(appeal.TribunalByAfterImplicitRejection)} (two months from the implicit rejection, articles R421-1 and R421-2 of the code de justice administrative), including online with Télérecours citoyens (www.telerecours.fr). You may also ask for the reasons of this rejection: they will be given to you within one month (article L232-4 of the code des relations entre le public et l'administration).")),
                ];
                break;
        }

        return new AppealLetter(fr ? "fr" : "en", title, seal, sections);
    }
}

using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Notices;
using Platform.Rules;
using Platform.Rules.Calendar;

namespace Platform.Review.Letters;

/// <summary>The seal a letter prints: the signed decision's id, its key, its signature and where anyone can check it.</summary>
public sealed record LetterSeal(Guid DecisionId, string KeyId, string Signature, string VerificationUrl);

/// <summary>
/// The text of a decision letter in one language — French by default, English on request — used alike by the API, the
/// PDF and the e-mail. It states the reasons in law and in fact (CRPA L211-2, L211-5): the facts week by week, the rule
/// with its version, legal basis and parameters as applied, what the person said and the hearing as recorded, the
/// proportionality assessment, the sanction; its author, role and delegation, and its date (CRPA L212-1); the seal of the
/// signed decision; the mention of the algorithmic processing (CRPA L311-3-1, R311-3-1-1); the routes and time limits
/// of appeal (CASF L262-47, R262-88 to R262-91; CJA R421-1, R421-2 and R421-5).
/// </summary>
public sealed record DecisionLetter(string Language, string Title, LetterSeal? Seal, IReadOnlyList<NoticeSection> Sections)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The signed decision a letter carries, as published; null for a rejection (nothing to sign: no money moves).</summary>
    public static SanctionDecided? SignedDecisionOf(DecisionLetterRecord letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return letter.SignedDecision is null || letter.Kind != LetterKind.SanctionApproved
            ? null
            : JsonSerializer.Deserialize<SanctionDecided>(letter.SignedDecision, JsonSerializerOptions.Web);
    }

    /// <summary>The signed early ending an ending's letter carries, as published; null for any other letter.</summary>
    public static SuspensionEnded? SignedEndingOf(DecisionLetterRecord letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return letter.SignedDecision is null || letter.Kind != LetterKind.SuspensionEnded
            ? null
            : JsonSerializer.Deserialize<SuspensionEnded>(letter.SignedDecision, JsonSerializerOptions.Web);
    }

    /// <summary>The link that shows anyone holding the letter the signed bytes, the signature and the public key.</summary>
    public static string VerificationUrl(string publicBaseUrl, Guid decisionId, string signature) =>
        $"{publicBaseUrl.TrimEnd('/')}/api/decisions/{decisionId:D}/seal?s={SealToken(signature)}";

    /// <summary>The first 22 characters of the signature (base64url): enough to prove one holds the letter.</summary>
    public static string SealToken(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.TrimEnd('=').Replace('+', '-').Replace('/', '_')[..22];
    }

    public static DecisionLetter Compose(LetterSource source, LetterOptions options, string publicBaseUrl, string language)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var fr = language != "en";
        var culture = fr ? French : English;
        var (letter, of, proposal, delegation) = (source.Letter, source.Case, source.Proposal, source.Delegation);
        var approved = letter.Kind == LetterKind.SanctionApproved;
        string T(string french, string english) => fr ? french : english;
        string Euros(decimal value) => value.ToString("N2", culture) + " €";
        string Hours(decimal value) => value.ToString("0.##", culture) + " h";
        string Day(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, WeekCalendar.Paris).ToString("dd/MM/yyyy", culture);
        string At(DateTimeOffset instant) =>
            TimeZoneInfo.ConvertTime(instant, WeekCalendar.Paris).ToString(fr ? "dd/MM/yyyy 'à' HH:mm" : "dd/MM/yyyy 'at' HH:mm", culture);
        var decidedAt = proposal.DecidedAt ?? letter.CreatedAt;
        var departementName = DepartementNames.Of(delegation.Departement, options);
        var president = T($"le président du conseil départemental {departementName.French}", $"the président of the conseil départemental of {departementName.English}");

        var weeks = NoticeLetter.WeeksOf(of);
        var facts = weeks.Count == 0
            ? T($"Semaine {of.Week}.", $"Week {of.Week}.")
            : string.Join("\n", weeks.Select(week => T(
                $"Semaine {week.Week} : {Hours(week.DeclaredHours)} déclarées pour {Hours(week.EngagementHours)} prévues à votre contrat d'engagement.",
                $"Week {week.Week}: {Hours(week.DeclaredHours)} declared for the {Hours(week.EngagementHours)} of your engagement contract.")));

        var legalBasis = (RuleCatalogue.Find(of.RuleId, of.RuleVersion)?.Definition.LegalBasis ?? NoticeLetter.LegalBasisFr).TrimEnd('.', ' ');
        var parameters = of.Parameters.Count == 0
            ? T("aucun", "none")
            : string.Join(" ; ", of.Parameters.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} = {pair.Value.ToString("0.##", culture)}"));
        var rule = T(
                $"Règle « {of.RuleId} », version {of.RuleVersion}. Base légale : {legalBasis}. Paramètres appliqués : {parameters}.",
                $"Rule \"{of.RuleId}\", version {of.RuleVersion}. Legal basis (in French): {legalBasis}. Parameters as applied: {parameters}.")
            + "\n" + (fr ? of.Explanation.Fr : of.Explanation.En);

        var said = source.Observations.Count == 0
            ? [T("Vous n'avez pas présenté d'observations écrites.", "You sent no written observations.")]
            : source.Observations.Select(observation => observation.NothingToAdd
                ? T($"Le {At(observation.ReceivedAt)}, vous avez indiqué n'avoir rien à ajouter : « {observation.Text} »",
                    $"On {At(observation.ReceivedAt)}, you said you had nothing to add: \"{observation.Text}\"")
                : T($"Le {At(observation.ReceivedAt)}, vous avez écrit : « {observation.Text} »", $"On {At(observation.ReceivedAt)}, you wrote: \"{observation.Text}\"")).ToList();
        said.Add(source.Hearing switch
        {
            null => T("Vous n'avez pas demandé à être entendu(e).", "You did not ask to be heard."),
            { IsHeld: true } held => T(
                $"Entretien tenu le {At(held.HeldAt!.Value)}{(held.PersonAttended == true ? ", en votre présence" : ", en votre absence")}"
                + (held.Attendees is { Length: > 0 } attendees ? $" (présents : {attendees})" : "") + $". Compte rendu : {held.Summary}",
                $"Hearing held on {At(held.HeldAt!.Value)}{(held.PersonAttended == true ? ", with you present" : ", in your absence")}"
                + (held.Attendees is { Length: > 0 } present ? $" (present: {present})" : "") + $". Record: {held.Summary}"),
            _ => T("Vous aviez demandé à être entendu(e) ; l'entretien n'a pas été tenu.", "You had asked to be heard; the hearing was not held."),
        });

        var assessment = proposal.Assessment is { } weighed
            ? T(
                $"Vulnérabilité : {weighed.Vulnerability}\nPersonnes à charge : {weighed.Dependants}\nNature et fréquence du manquement : {weighed.NatureAndFrequency}\nConséquences pour le foyer : {weighed.Consequences}",
                $"Vulnerability: {weighed.Vulnerability}\nDependants: {weighed.Dependants}\nNature and frequency of the breach: {weighed.NatureAndFrequency}\nConsequences for the household: {weighed.Consequences}")
            : T("Aucune appréciation n'a été enregistrée avec cette proposition.", "No assessment was recorded with this proposal.");

        decimal? monthly = source.MonthlyBaseAmount is { } baseAmount
            ? decimal.Round(baseAmount * proposal.Percent / 100m, 2, MidpointRounding.AwayFromZero)
            : null;
        var amount = monthly is { } perMonth
            ? T($"soit {Euros(perMonth)} par mois (sur {Euros(source.MonthlyBaseAmount!.Value)}) et {Euros(perMonth * proposal.Months)} au total",
                $"that is {Euros(perMonth)} a month (of {Euros(source.MonthlyBaseAmount!.Value)}) and {Euros(perMonth * proposal.Months)} in all")
            : T("le montant en euros dépend de votre allocation, que l'organisme payeur n'avait pas communiquée",
                "the amount in euros depends on your allocation, which the paying body had not stated");

        var author = T(
            $"Décision prise le {Day(decidedAt)} par {delegation.AgentName}, {delegation.AgentRole}, pour {president} et par délégation ({delegation.Reference}).",
            $"Decision taken on {Day(decidedAt)} by {delegation.AgentName}, {delegation.AgentRole}, for {president}, by delegation ({delegation.Reference}).");

        var ending = SignedEndingOf(letter);
        LetterSeal? seal = (approved || ending is not null) && letter is { DecisionId: { } decisionId, KeyId: { } keyId, Signature: { } signature }
            ? new LetterSeal(decisionId, keyId, signature, VerificationUrl(publicBaseUrl, decisionId, signature))
            : null;
        var explanationUrl = $"{publicBaseUrl.TrimEnd('/')}/api/recipients/{of.RecipientId}/flags/{of.FlagId:D}/explanation";
        var algorithm = T(
            $"Cette décision a été prise à la suite d'un traitement algorithmique (article L311-3-1 du code des relations entre le public et l'administration). Sa finalité : repérer, d'après vos déclarations hebdomadaires, les semaines où votre activité semble en dessous de votre contrat d'engagement. La règle « {of.RuleId} » a seulement soulevé une question ; elle n'a rien décidé. Un conseiller a examiné votre dossier et proposé la sanction ; une autre personne, nommée dans cette lettre, a décidé après avoir pris connaissance de vos observations. Vous avez le droit d'obtenir la communication des règles de ce traitement et des principales caractéristiques de sa mise en œuvre (articles L311-3-1, R311-3-1-1 et R311-3-1-2) : le catalogue public des règles est à {options.RuleCatalogueUrl}, et l'explication de votre signalement à {explanationUrl}. Vous pouvez aussi les demander par écrit au service RSA du département ; en cas de refus ou sans réponse dans un délai d'un mois, vous pouvez saisir la commission d'accès aux documents administratifs (CADA).",
            $"This decision was taken following algorithmic processing (article L311-3-1 of the code des relations entre le public et l'administration). Its purpose: to find, from your weekly declarations, the weeks when your activity seems below your engagement contract. The rule \"{of.RuleId}\" only raised a question; it decided nothing. A counsellor examined your case and proposed the sanction; another person, named in this letter, decided after reading your observations. You have the right to obtain the rules of this processing and the main features of how it is used (articles L311-3-1, R311-3-1-1 and R311-3-1-2): the public rule catalogue is at {options.RuleCatalogueUrl}, and the explanation of your flag at {explanationUrl}. You may also ask the département's RSA service for them in writing; if refused, or without an answer within one month, you may refer to the commission d'accès aux documents administratifs (CADA).");

        var appeal = T(
            $"Si vous contestez cette décision, vous devez d'abord former un recours administratif préalable obligatoire (RAPO) auprès du président du conseil départemental {departementName.French}, dans un délai de deux mois à compter de la réception de cette lettre (articles L262-47 et R262-88 du code de l'action sociale et des familles). Expliquez pourquoi vous la contestez et joignez, si vous le souhaitez, les pièces utiles. Vous pouvez le former dans l'application (rubrique « Mes décisions »), ou par courrier adressé au président du conseil départemental, service RSA, en rappelant la référence de cette décision. Une association peut le former pour vous avec votre mandat écrit. La commission de recours amiable peut être consultée pour avis (article R262-89). Sans réponse dans un délai de deux mois, votre recours est implicitement rejeté.\nVous pourrez ensuite saisir le tribunal administratif dans un délai de deux mois à compter de la décision prise sur votre recours, ou de son rejet implicite (articles R421-1 et R421-2 du code de justice administrative), y compris par l'application Télérecours citoyens (www.telerecours.fr). Saisir directement le tribunal, sans recours préalable, serait irrecevable.",
            $"If you contest this decision, you must first make a mandatory prior administrative appeal (RAPO) to the président of the conseil départemental of {departementName.English}, within two months of receiving this letter (articles L262-47 and R262-88 of the code de l'action sociale et des familles). Explain why you contest it and attach, if you wish, any useful document. You may file it in the application (\"My decisions\"), or by post to the président of the conseil départemental, RSA service, quoting this decision's reference. An association may file it for you with your written mandate. The commission de recours amiable may be consulted for an opinion (article R262-89). Without an answer within two months, your appeal is implicitly rejected.\nYou may then bring the case before the tribunal administratif within two months of the decision on your appeal, or of its implicit rejection (articles R421-1 and R421-2 of the code de justice administrative), including online with Télérecours citoyens (www.telerecours.fr). Going straight to the tribunal, without the prior appeal, would be inadmissible.");

        if (ending is not null)
        {
            return Ended(ending, T, Day, president, proposal, delegation, seal, options, explanationUrl, fr);
        }

        List<NoticeSection> sections;
        if (approved)
        {
            sections =
            [
                new("decision", T("La décision", "The decision"), T(
                    $"Pour {president}, il est décidé de suspendre {proposal.Percent} % de votre RSA pendant {proposal.Months} mois à compter de {proposal.StartMonth}, {amount}.",
                    $"For {president}, it is decided to suspend {proposal.Percent} % of your RSA for {proposal.Months} month(s) from {proposal.StartMonth}, {amount}.")),
                new("facts", T("Les faits, semaine par semaine", "The facts, week by week"), facts),
                new("rule", T("La règle appliquée", "The rule applied"), rule),
                new("observations", T("Vos observations et votre audition", "Your observations and your hearing"), string.Join("\n", said)),
                new("proportionality", T("L'appréciation de la proportionnalité (CASF R262-68-5)", "The proportionality assessment (CASF R262-68-5)"), assessment),
                new("reasons", T("Les motifs", "The reasons"), T(
                    $"Proposition de votre conseiller : {proposal.Reason}\nMotifs de la décision : {proposal.DecisionReason}",
                    $"Your counsellor's proposal: {proposal.Reason}\nReasons for the decision: {proposal.DecisionReason}")),
                new("sanction", T("La sanction", "The sanction"), T(
                    $"Part suspendue : {proposal.Percent} % ; durée : {proposal.Months} mois à partir de {proposal.StartMonth} ; {amount}.",
                    $"Share suspended: {proposal.Percent} %; length: {proposal.Months} month(s) from {proposal.StartMonth}; {amount}.")),
                new("author", T("L'auteur de la décision", "Who decided"), author),
                new("seal", T("Le sceau de la décision signée", "The seal of the signed decision"), seal is null
                    ? T("Décision non signée.", "Unsigned decision.")
                    : T($"Décision n° {seal.DecisionId:D}, signée avec la clé {seal.KeyId} (ECDSA P-256, SHA-256).\nSignature : {seal.Signature}\nVérification, contre la clé publique : {seal.VerificationUrl}",
                        $"Decision no. {seal.DecisionId:D}, signed with the key {seal.KeyId} (ECDSA P-256, SHA-256).\nSignature: {seal.Signature}\nCheck it against the public key: {seal.VerificationUrl}")),
                new("algorithm", T("Traitement algorithmique", "Algorithmic processing"), algorithm),
                new("appeal", T("Voies et délais de recours", "How and when to appeal"), appeal),
            ];
        }
        else
        {
            sections =
            [
                new("decision", T("La décision", "The decision"), T(
                    $"Pour {president}, il est décidé de ne pas sanctionner : la proposition de suspendre {proposal.Percent} % de votre RSA est rejetée. Votre dossier est clos sans sanction ; votre RSA n'est pas modifié.",
                    $"For {president}, it is decided not to sanction you: the proposal to suspend {proposal.Percent} % of your RSA is rejected. Your case is closed without a sanction; your RSA does not change.")),
                new("facts", T("Les faits, semaine par semaine", "The facts, week by week"), facts),
                new("rule", T("La règle en cause", "The rule concerned"), rule),
                new("observations", T("Vos observations et votre audition", "Your observations and your hearing"), string.Join("\n", said)),
                new("reasons", T("Les motifs", "The reasons"), T($"Motifs de la décision : {proposal.DecisionReason}", $"Reasons for the decision: {proposal.DecisionReason}")),
                new("author", T("L'auteur de la décision", "Who decided"), author),
                new("algorithm", T("Traitement algorithmique", "Algorithmic processing"), algorithm),
                new("appeal", T("Voies et délais de recours", "How and when to appeal"), appeal),
            ];
        }

        return new DecisionLetter(
            fr ? "fr" : "en",
            approved
                ? T($"Décision : suspension de {proposal.Percent} % de votre RSA", $"Decision: {proposal.Percent} % of your RSA suspended")
                : T("Décision : pas de sanction", "Decision: no sanction"),
            seal,
            sections);
    }

    /// <summary>
    /// The letter of an early ending (CASF L262-37): which suspension ends and from when, why and by whom under which
    /// delegation, the seal of the signed ending, what it changes for the person (nothing withheld from that month, the
    /// sums withheld paid back within the legal limit), and the right to the rules of the processing behind the sanction.
    /// It is in the person's favour: it opens no appeal of its own, and leaves the appeal against the sanction as it was.
    /// </summary>
    private static DecisionLetter Ended(
        SuspensionEnded ending, Func<string, string, string> T, Func<DateTimeOffset, string> Day, string president, Proposal proposal, Delegation delegation,
        LetterSeal? seal, LetterOptions options, string explanationUrl, bool fr)
    {
        var sanction = T(
            $"la suspension de {proposal.Percent} % de votre RSA pendant {proposal.Months} mois à compter de {proposal.StartMonth} (décision n° {ending.SanctionDecisionId:D} du {Day(proposal.DecidedAt ?? ending.DecidedAt)})",
            $"the suspension of {proposal.Percent} % of your RSA for {proposal.Months} month(s) from {proposal.StartMonth} (decision no. {ending.SanctionDecisionId:D} of {Day(proposal.DecidedAt ?? ending.DecidedAt)})");
        List<NoticeSection> sections =
        [
            new("decision", T("La décision", "The decision"), T(
                $"Pour {president}, il est mis fin, à partir de {ending.FromMonth}, à {sanction}, avant son terme.",
                $"For {president}, {sanction} ends from {ending.FromMonth}, before its term.")),
            new("changes", T("Ce que cela change pour vous", "What it changes for you"), T(
                $"À partir de {ending.FromMonth}, plus rien n'est retenu sur votre RSA au titre de cette sanction. Les sommes déjà retenues vous sont reversées par l'organisme payeur, dans la limite de trois mois d'allocation (article L262-37 du code de l'action sociale et des familles) ; votre relevé d'allocation en donne le montant, mois par mois.",
                $"From {ending.FromMonth}, nothing more is withheld from your RSA on account of this sanction. The sums already withheld are paid back to you by the paying body, within the limit of three months of allocation (article L262-37 of the code de l'action sociale et des familles); your allocation statement gives the amount, month by month.")),
            new("reasons", T("Les motifs", "The reasons"), T(
                $"Vous vous conformez de nouveau à vos obligations. Motifs de la décision : {ending.Reason}",
                $"You meet your obligations again. Reasons for the decision: {ending.Reason}")),
            new("author", T("L'auteur de la décision", "Who decided"), T(
                $"Décision prise le {Day(ending.DecidedAt)} par {delegation.AgentName}, {delegation.AgentRole}, pour {president} et par délégation ({delegation.Reference}).",
                $"Decision taken on {Day(ending.DecidedAt)} by {delegation.AgentName}, {delegation.AgentRole}, for {president}, by delegation ({delegation.Reference}).")),
            new("seal", T("Le sceau de la décision signée", "The seal of the signed decision"), seal is null
                ? T("Décision non signée.", "Unsigned decision.")
                : T($"Décision n° {seal.DecisionId:D}, signée avec la clé {seal.KeyId} (ECDSA P-256, SHA-256).\nSignature : {seal.Signature}\nVérification, contre la clé publique : {seal.VerificationUrl}",
                    $"Decision no. {seal.DecisionId:D}, signed with the key {seal.KeyId} (ECDSA P-256, SHA-256).\nSignature: {seal.Signature}\nCheck it against the public key: {seal.VerificationUrl}")),
            new("rules", T("Les règles du traitement", "The rules of the processing"), T(
                $"La sanction à laquelle cette décision met fin faisait suite à un traitement algorithmique (article L311-3-1 du code des relations entre le public et l'administration). Vous gardez le droit d'obtenir la communication de ses règles et des principales caractéristiques de sa mise en œuvre (articles R311-3-1-1 et R311-3-1-2) : le catalogue public des règles est à {options.RuleCatalogueUrl}, et l'explication de votre signalement à {explanationUrl}.",
                $"The sanction this decision ends followed algorithmic processing (article L311-3-1 of the code des relations entre le public et l'administration). You keep the right to obtain its rules and the main features of how it is used (articles R311-3-1-1 and R311-3-1-2): the public rule catalogue is at {options.RuleCatalogueUrl}, and the explanation of your flag at {explanationUrl}.")),
            new("appeal", T("Vos recours", "Your appeals"), T(
                "Cette décision vous est favorable. Elle ne change rien à votre droit de contester la sanction elle-même : le recours préalable contre celle-ci reste ouvert dans le délai indiqué par la lettre qui vous l'a notifiée, et un recours déjà formé suit son cours.",
                "This decision is in your favour. It does not change your right to contest the sanction itself: the prior appeal against it remains open within the time limit stated in the letter that notified it, and an appeal already filed goes on.")),
        ];
        return new DecisionLetter(
            fr ? "fr" : "en",
            T($"Décision : fin de la suspension de votre RSA à partir de {ending.FromMonth}", $"Decision: the suspension of your RSA ends from {ending.FromMonth}"),
            seal,
            sections);
    }
}

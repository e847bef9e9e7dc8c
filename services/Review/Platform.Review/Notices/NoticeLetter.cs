using System.Globalization;
using System.Text.Json;
using Platform.Review.Domain;
using Platform.Rules;
using Platform.Rules.Calendar;

namespace Platform.Review.Notices;

/// <summary>One week of the facts the notice states: what was declared against what the engagement asked.</summary>
public sealed record NoticeWeek(string Week, decimal DeclaredHours, decimal EngagementHours);

/// <summary>One part of the letter: a heading and its text.</summary>
public sealed record NoticeSection(string Key, string Heading, string Text);

/// <summary>The envisaged sanction in euros (null amounts when the paying body never stated the household's amount).</summary>
public sealed record NoticeSanction(int Percent, int Months, string StartMonth, decimal? MonthlyBaseAmount, decimal? MonthlyAmount, decimal? TotalAmount);

/// <summary>
/// The text of the notice in one language — French by default, English on request — built from the case, the proposal
/// and the notice, and used alike by the API, the PDF letter and the e-mail: the facts week by week, the rule and its
/// explanation, the accepted justified absences taken into account (or none), the envisaged sanction and its amount, the deadline, how to answer in writing, how to ask to be heard
/// with someone of one's choice, and whom to contact (CASF L262-37, décret n° 2025-478 du 30 mai 2025).
/// </summary>
/// <param name="Absences">The accepted justified absences over the proposal's weeks, taken into account; empty when none.</param>
public sealed record NoticeLetter(
    string Language, string Title, IReadOnlyList<NoticeWeek> Facts, NoticeSanction Sanction, DateTimeOffset? AnswerBy, IReadOnlyList<NoticeSection> Sections,
    IReadOnlyList<ExcusingAbsence> Absences)
{
    public const string LegalBasisFr =
        "Code de l'action sociale et des familles : article L262-37 (suspension après observations), R262-68 (barème), R262-68-5 "
        + "(situation de la personne et du foyer) et R262-68-6 (plafond, motif légitime), décret n° 2025-478 du 30 mai 2025";

    public const string LegalBasisEn =
        "French Social Action and Families Code: article L262-37 (suspension after observations), R262-68 (scale), R262-68-5 "
        + "(the person's and household's situation) and R262-68-6 (cap, legitimate reason), décret n° 2025-478 of 30 May 2025";

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>"en" when asked for English (a <c>language</c> value or the first Accept-Language), otherwise "fr".</summary>
    public static string LanguageOf(string? requested, string? acceptLanguage)
    {
        var wanted = string.IsNullOrWhiteSpace(requested) ? acceptLanguage?.Split(',')[0] : requested;
        return wanted?.Trim().StartsWith("en", StringComparison.OrdinalIgnoreCase) == true ? "en" : "fr";
    }

    public static NoticeLetter Compose(Notice notice, Case of, Proposal proposal, NoticeOptions options, TimeSpan window, string language)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(options);
        var fr = language != "en";
        var culture = fr ? French : English;
        var weeks = WeeksOf(of);
        decimal? monthly = notice.MonthlyBaseAmount is { } baseAmount
            ? decimal.Round(baseAmount * proposal.Percent / 100m, 2, MidpointRounding.AwayFromZero)
            : null;
        var sanction = new NoticeSanction(proposal.Percent, proposal.Months, proposal.StartMonth, notice.MonthlyBaseAmount, monthly, monthly * proposal.Months);
        string Euros(decimal value) => value.ToString("N2", culture) + " €";
        string Day(DateTimeOffset instant) =>
            TimeZoneInfo.ConvertTime(instant, WeekCalendar.Paris).ToString(fr ? "dd/MM/yyyy 'à' HH:mm" : "dd/MM/yyyy 'at' HH:mm", culture);
        string Hours(decimal value) => value.ToString("0.##", culture) + " h";

        var factLines = weeks.Count == 0
            ? [fr ? $"Semaine {of.Week}." : $"Week {of.Week}."]
            : weeks.Select(week => fr
                ? $"Semaine {week.Week} : {Hours(week.DeclaredHours)} déclarées pour {Hours(week.EngagementHours)} prévues à votre contrat d'engagement."
                : $"Week {week.Week}: {Hours(week.DeclaredHours)} declared for the {Hours(week.EngagementHours)} of your engagement contract.").ToList();
        var amount = monthly is { } perMonth
            ? fr
                ? $"soit {Euros(perMonth)} par mois et {Euros(perMonth * proposal.Months)} au total, sur la base de {Euros(notice.MonthlyBaseAmount!.Value)} par mois"
                : $"that is {Euros(perMonth)} a month and {Euros(perMonth * proposal.Months)} in all, on a monthly amount of {Euros(notice.MonthlyBaseAmount!.Value)}"
            : fr
                ? "le montant en euros dépend de votre allocation, que l'organisme payeur ne nous a pas encore communiquée"
                : "the amount in euros depends on your allocation, which the paying body has not told us yet";
        var days = (int)window.TotalDays;
        var deadline = proposal.ReceivedAt is { } received
            ? fr
                ? $"Vous avez reçu cet avis le {Day(received)}. Vous avez jusqu'au {Day(proposal.AnswerBy)} pour répondre (au moins 10 jours après la réception, CASF L262-37). Aucune décision ne sera prise avant."
                : $"You received this notice on {Day(received)}. You have until {Day(proposal.AnswerBy)} to answer (at least 10 days after receipt, CASF L262-37). No decision will be taken before then."
            : fr
                ? $"Vous avez {days} jours à compter de la réception de cet avis pour répondre (au moins 10 jours, CASF L262-37) ; reçu aujourd'hui, vous auriez jusqu'au {Day(notice.CreatedAt + window)}. Aucune décision ne sera prise avant."
                : $"You have {days} days from receiving this notice to answer (at least 10 days, CASF L262-37); received today, you would have until {Day(notice.CreatedAt + window)}. No decision will be taken before then.";

        var span = Notice.WeeksOf(of, proposal) is { } breach
            ? fr ? $"les semaines {breach.First} à {breach.Last}" : $"weeks {breach.First} to {breach.Last}"
            : fr ? $"la semaine {of.Week}" : $"week {of.Week}";
        var absences = notice.Absences.Count == 0
            ? fr
                ? $"Aucune : aucune absence justifiée acceptée ne couvre {span}."
                : $"None: no accepted justified absence covers {span}."
            : string.Join("\n", notice.Absences.Select(absence => fr
                    ? $"Absence justifiée n° {absence.AbsenceId}, acceptée : semaines {absence.FromWeek} à {absence.ToWeek}."
                    : $"Justified absence no. {absence.AbsenceId}, accepted: weeks {absence.FromWeek} to {absence.ToWeek}."))
                + "\n" + (fr
                    ? $"Un motif légitime excuse ces semaines (CASF R262-68-6) : aucune sanction ne peut reposer sur {span}, et la sanction envisagée ci-dessous ne peut plus être décidée."
                    : $"A legitimate reason excuses those weeks (CASF R262-68-6): no sanction may rest on {span}, and the sanction envisaged below can no longer be decided.");

        List<NoticeSection> sections =
        [
            new("facts", fr ? "Les faits, semaine par semaine" : "The facts, week by week", string.Join("\n", factLines)),
            new("absences", fr ? "Absences justifiées prises en compte" : "Justified absences taken into account", absences),
            new("rule", fr ? $"La règle ({of.RuleId}) et son explication" : $"The rule ({of.RuleId}) and its explanation",
                (fr ? of.Explanation.Fr : of.Explanation.En) + "\n"
                + (fr
                    ? "Ce signalement a été produit par un traitement automatisé ; il ne décide rien. Un conseiller l'a examiné et propose la sanction ci-dessous ; une deuxième personne décidera après vous avoir entendu(e)."
                    : "This flag was produced by automated processing; it decides nothing. A counsellor examined it and proposes the sanction below; a second person will decide after hearing you.")),
            new("sanction", fr ? "La sanction envisagée" : "The envisaged sanction",
                (fr
                    ? $"Suspension de {proposal.Percent} % de votre RSA pendant {proposal.Months} mois à partir de {proposal.StartMonth}, {amount}."
                    : $"Suspension of {proposal.Percent} % of your RSA for {proposal.Months} month(s) from {proposal.StartMonth}, {amount}.")
                + "\n" + (fr ? $"Motif donné par votre conseiller : {proposal.Reason}" : $"Your counsellor's reason: {proposal.Reason}")),
            new("deadline", fr ? "Votre délai pour répondre" : "Your time to answer", deadline),
            new("answer", fr ? "Répondre par écrit" : "Answering in writing",
                fr
                    ? "Vous pouvez envoyer vos observations par écrit : dans l'application (rubrique « Mes signalements »), ou par courrier à votre conseiller. Dites-nous tout ce qui explique la situation (maladie, garde d'enfant, rendez-vous, etc.)."
                    : "You may send your observations in writing: in the application (\"My flags\"), or by letter to your counsellor. Tell us anything that explains the situation (illness, childcare, appointments, etc.)."),
            new("hearing", fr ? "Être entendu(e)" : "Being heard",
                fr
                    ? "Vous pouvez aussi demander à être entendu(e) par votre conseiller avant toute décision, et vous faire assister par la personne de votre choix."
                    : "You may also ask to be heard by your counsellor before any decision, and be assisted by a person of your choice."),
            new("contact", fr ? "Contact" : "Contact",
                (fr ? $"Votre conseiller : {proposal.ProposedBy}. " : $"Your counsellor: {proposal.ProposedBy}. ") + (fr ? options.ContactFr : options.ContactEn)),
            new("receipt", fr ? "Réception de cet avis" : "Receipt of this notice",
                fr
                    ? "Le délai court à partir de la première preuve de réception : votre accusé de réception dans l'application, le lien du courriel, ou la date de réception du recommandé."
                    : "Your time runs from the first proof of receipt: your acknowledgement in the application, the e-mail's link, or the registered letter's date of receipt."),
            new("legal-basis", fr ? "Textes" : "Legal basis", fr ? LegalBasisFr : LegalBasisEn),
        ];
        return new NoticeLetter(
            fr ? "fr" : "en",
            fr ? "Avis avant sanction : vos droits" : "Notice before a sanction: your rights",
            weeks,
            sanction,
            proposal.ReceivedAt is null ? null : proposal.AnswerBy,
            sections,
            notice.Absences);
    }

    /// <summary>The weeks behind the flag: from a recorded rule input, or from the older facts' parallel arrays.</summary>
    public static IReadOnlyList<NoticeWeek> WeeksOf(Case of)
    {
        ArgumentNullException.ThrowIfNull(of);
        if (RuleJson.FromFacts(of.Facts) is { } input)
        {
            return input.PreviousWeeks
                .Where(week => week.Declared)
                .Select(week => new NoticeWeek(week.Week, week.TotalHours, week.EngagementHoursPerWeek))
                .Append(new NoticeWeek(input.Week, input.TotalHours(), input.EngagementHoursPerWeek))
                .OrderBy(week => week.Week, StringComparer.Ordinal)
                .ToList();
        }

        var facts = of.Facts;
        if (facts.ValueKind == JsonValueKind.Object
            && facts.TryGetProperty("weeks", out var weeks) && weeks.ValueKind == JsonValueKind.Array
            && facts.TryGetProperty("declaredHours", out var hours) && hours.ValueKind == JsonValueKind.Array
            && facts.TryGetProperty("engagementHours", out var engagement) && engagement.TryGetDecimal(out var engaged))
        {
            return weeks.EnumerateArray().Zip(hours.EnumerateArray())
                .Where(pair => pair.First.ValueKind == JsonValueKind.String && pair.Second.TryGetDecimal(out _))
                .Select(pair => new NoticeWeek(pair.First.GetString()!, pair.Second.GetDecimal(), engaged))
                .ToList();
        }

        return [];
    }
}

using Platform.Contracts.Rules;
using Platform.Rules.Calendar;

namespace Platform.Rules.Catalogue;

/// <summary>
/// The week is short of the engagement and so were enough of the weeks just before: at least
/// <c>minimumShortfallWeeks</c> short weeks out of the last four (this one and the three before). The only rule whose
/// flag may lead a counsellor to propose a sanction — and only a counsellor, after hearing the person.
/// </summary>
public sealed class RepeatedShortfall : Rule
{
    public const string Id = "repeated-shortfall";

    public const string ToleranceHours = "toleranceHours";

    public const string MinimumShortfallWeeks = "minimumShortfallWeeks";

    /// <summary>The weeks before the evaluated one that count: the window is this week and the three before.</summary>
    public const int WeeksLookedBack = 3;

    public static readonly RepeatedShortfall V1 = new();

    private RepeatedShortfall()
    {
    }

    public override RuleDefinition Definition { get; } = new(
        Id,
        Version: 1,
        InForceFrom: new DateOnly(2025, 1, 1),
        InForceUntil: null,
        LegalBasis: "Code de l'action sociale et des familles, art. L262-37 (suspension en cas de manquement au contrat d'engagement, "
            + "après avoir mis la personne en mesure de présenter ses observations), R262-68 (barème : quotité et durée), "
            + "R262-68-5 (situation de la personne, foyer, nature et fréquence du manquement) et R262-68-6 (plafond de 50 % pour "
            + "un foyer de plus d'une personne ; motif légitime), dans leur rédaction issue du décret n° 2025-478 du 30 mai 2025 ; "
            + "Code du travail, art. L5411-6-1.",
        Parameters:
        [
            new RuleParameter(ToleranceHours, Default: 0m, Minimum: 0m, Maximum: 10m, "hours", new Explanation(
                "Heures manquantes tolérées : une semaine n'est comptée comme insuffisante que si son total plus cette tolérance reste sous l'engagement.",
                "Missing hours tolerated: a week counts as short only if its total plus this tolerance stays below the engagement.")),
            new RuleParameter(MinimumShortfallWeeks, Default: 3m, Minimum: 2m, Maximum: 4m, "weeks", new Explanation(
                "Nombre de semaines insuffisantes, sur les quatre dernières (celle-ci comprise), à partir duquel le signalement est levé.",
                "Number of short weeks, out of the last four (this one included), from which the flag is raised.")),
        ],
        new Explanation(
            "Si une semaine déclarée est insuffisante au regard de l'engagement et qu'au moins 3 des 4 dernières semaines (celle-ci comprise) "
                + "l'ont été aussi, un conseiller est invité à examiner la situation. Une semaine non déclarée n'est pas comptée comme insuffisante "
                + "(elle fait l'objet de son propre signalement), ni une semaine couverte par une absence justifiée acceptée (motif légitime, "
                + "CASF R262-68-6), qui ne lève pas non plus ce signalement. C'est le seul signalement qui permet à un conseiller de proposer une sanction, "
                + "que la personne pourra contester et qu'une seconde personne devra approuver.",
            "If a declared week is short of the engagement and at least 3 of the last 4 weeks (this one included) were short too, a counsellor "
                + "is asked to look at the situation. An undeclared week is not counted as short (it has its own flag), nor is a week covered by an "
                + "accepted justified absence (a legitimate reason, CASF R262-68-6), which does not raise this flag either. This is the only flag on "
                + "which a counsellor may propose a sanction, which the person can answer and a second person must approve."),
        SanctionEligible: true);

    private protected override bool Evaluate(RuleInput input, IReadOnlyDictionary<string, decimal> parameters) =>
        input.Declared
        && input.AbsenceCovering(input.Week) is null
        && WeeklyHoursBelowEngagement.IsShortfall(input.TotalHours(), input.EngagementHoursPerWeek, parameters[ToleranceHours])
        && ShortWeeks(input, parameters[ToleranceHours]) >= parameters[MinimumShortfallWeeks];

    /// <summary>Short weeks in the window: this one plus each distinct declared, short week among the three before.</summary>
    private static int ShortWeeks(RuleInput input, decimal tolerance)
    {
        if (!IsoWeek.TryParse(input.Week, out var current))
        {
            return 1;
        }

        var earlier = input.PreviousWeeks
            .Where(previous => previous.Declared
                && IsoWeek.TryParse(previous.Week, out var past)
                && past < current
                && past >= current.AddWeeks(-WeeksLookedBack)
                && input.AbsenceCovering(previous.Week) is null
                && WeeklyHoursBelowEngagement.IsShortfall(previous.TotalHours, previous.EngagementHoursPerWeek, tolerance))
            .Select(previous => previous.Week)
            .Distinct(StringComparer.Ordinal)
            .Count();
        return 1 + earlier;
    }

    public override Explanation Explain(RuleInput input, IReadOnlyDictionary<string, decimal> parameters)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parameters);
        var shortWeeks = ShortWeeks(input, parameters[ToleranceHours]);
        return WithAbsences(new Explanation(
            $"Semaine {input.Week} : {Hours(input.TotalHours(), French)} déclarées pour un engagement de {Hours(input.EngagementHoursPerWeek, French)} ; "
                + $"{shortWeeks} des 4 dernières semaines sont en dessous de l'engagement. Un conseiller examinera la situation avec vous et "
                + "vous pourrez présenter vos observations avant toute décision.",
            $"Week {input.Week}: {Hours(input.TotalHours(), English)} declared against an engagement of {Hours(input.EngagementHoursPerWeek, English)}; "
                + $"{shortWeeks} of the last 4 weeks are below the engagement. A counsellor will look at the situation with you and you "
                + "can give your observations before any decision."),
            input);
    }
}

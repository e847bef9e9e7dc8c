using Platform.Contracts.Rules;

namespace Platform.Rules.Catalogue;

/// <summary>The week's declared hours are below the engagement's weekly hours (less a tolerance).</summary>
public sealed class WeeklyHoursBelowEngagement : Rule
{
    public const string Id = "weekly-hours-below-engagement";

    public const string ToleranceHours = "toleranceHours";

    public static readonly WeeklyHoursBelowEngagement V1 = new();

    private WeeklyHoursBelowEngagement()
    {
    }

    public override RuleDefinition Definition { get; } = new(
        Id,
        Version: 1,
        InForceFrom: new DateOnly(2025, 1, 1),
        InForceUntil: null,
        LegalBasis: "Code du travail, art. L5411-6-1 (contrat d'engagement : durée hebdomadaire d'activité d'au moins 15 heures, "
            + "adaptable ou nulle) ; Code de l'action sociale et des familles, art. L262-35 ; loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi.",
        Parameters:
        [
            new RuleParameter(ToleranceHours, Default: 0m, Minimum: 0m, Maximum: 10m, "hours", new Explanation(
                "Heures manquantes tolérées avant de poser la question : un signalement n'est levé que si le total déclaré plus cette tolérance reste sous l'engagement.",
                "Missing hours tolerated before asking: a flag is raised only if the declared total plus this tolerance stays below the engagement.")),
        ],
        new Explanation(
            "Si une semaine est déclarée avec un total d'heures d'activité inférieur aux heures hebdomadaires du contrat d'engagement "
                + "(moins la tolérance), un conseiller est invité à en parler avec la personne. Un engagement de 0 heure ne lève jamais ce signalement, "
                + "ni une semaine couverte par une absence justifiée acceptée (motif légitime). "
                + "Ce signalement est une question, pas une sanction : il ne permet pas à lui seul de proposer une sanction.",
            "When a week is declared with total activity hours below the engagement's weekly hours (less the tolerance), a counsellor is asked "
                + "to talk it over with the person. A 0-hour engagement never raises this flag, nor does a week covered by an accepted justified "
                + "absence (a legitimate reason). The flag is a question, not a sanction: "
                + "on its own it never allows a sanction proposal."),
        SanctionEligible: false);

    private protected override bool Evaluate(RuleInput input, IReadOnlyDictionary<string, decimal> parameters) =>
        input.Declared
        && input.AbsenceCovering(input.Week) is null
        && IsShortfall(input.TotalHours(), input.EngagementHoursPerWeek, parameters[ToleranceHours]);

    /// <summary>Shared with the repeated-shortfall rule so both agree on what a short week is.</summary>
    internal static bool IsShortfall(decimal totalHours, decimal engagementHours, decimal toleranceHours) =>
        engagementHours > 0 && totalHours + toleranceHours < engagementHours;

    public override Explanation Explain(RuleInput input, IReadOnlyDictionary<string, decimal> parameters)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parameters);
        var total = input.TotalHours();
        var tolerance = parameters[ToleranceHours];
        return WithAbsences(new Explanation(
            $"Semaine {input.Week} : {Hours(total, French)} d'activité déclarées pour un engagement de {Hours(input.EngagementHoursPerWeek, French)} "
                + $"par semaine (tolérance {Hours(tolerance, French)}). Un conseiller examinera la situation avec vous ; rien ne change sans décision humaine.",
            $"Week {input.Week}: {Hours(total, English)} of activity declared against an engagement of {Hours(input.EngagementHoursPerWeek, English)} "
                + $"a week (tolerance {Hours(tolerance, English)}). A counsellor will look at the situation with you; nothing changes without a human decision."),
            input);
    }
}

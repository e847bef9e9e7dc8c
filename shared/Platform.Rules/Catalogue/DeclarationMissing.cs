using Platform.Contracts.Rules;

namespace Platform.Rules.Catalogue;

/// <summary>At the week's deadline there is no declaration, while the engagement asks for hours that week.</summary>
public sealed class DeclarationMissing : Rule
{
    public const string Id = "declaration-missing";

    public static readonly DeclarationMissing V1 = new();

    private DeclarationMissing()
    {
    }

    public override RuleDefinition Definition { get; } = new(
        Id,
        Version: 1,
        InForceFrom: new DateOnly(2025, 1, 1),
        InForceUntil: null,
        LegalBasis: "Code du travail, art. L5411-6-1 (contrat d'engagement et actualisation de la situation) ; "
            + "Code de l'action sociale et des familles, art. L262-35 ; loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi.",
        Parameters: [],
        new Explanation(
            "Si, à l'échéance d'une semaine (mardi 0 h, heure de Paris, après la semaine), aucune déclaration n'a été faite alors que l'engagement "
                + "prévoit des heures cette semaine-là, un conseiller est invité à prendre contact. Une déclaration tardive retire ce signalement. "
                + "Un engagement de 0 heure ne le lève jamais, ni une semaine couverte par une absence justifiée acceptée. "
                + "Il ne permet pas à lui seul de proposer une sanction.",
            "If, at a week's deadline (Tuesday 00:00, Paris time, after the week), no declaration was made while the engagement asks for hours "
                + "that week, a counsellor is asked to get in touch. A late declaration withdraws the flag. A 0-hour engagement never raises it, "
                + "nor does a week covered by an accepted justified absence. "
                + "On its own it never allows a sanction proposal."),
        SanctionEligible: false);

    private protected override bool Evaluate(RuleInput input, IReadOnlyDictionary<string, decimal> parameters) =>
        !input.Declared && input.EngagementHoursPerWeek > 0 && input.AbsenceCovering(input.Week) is null;

    public override Explanation Explain(RuleInput input, IReadOnlyDictionary<string, decimal> parameters)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new Explanation(
            $"Semaine {input.Week} : aucune déclaration à l'échéance, pour un engagement de {Hours(input.EngagementHoursPerWeek, French)} par semaine. "
                + "Vous pouvez encore déclarer cette semaine : le signalement sera alors retiré.",
            $"Week {input.Week}: no declaration at the deadline, for an engagement of {Hours(input.EngagementHoursPerWeek, English)} a week. "
                + "You can still declare this week: the flag will then be withdrawn.");
    }
}

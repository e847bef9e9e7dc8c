using System.Globalization;
using System.Text.Json;
using Platform.Review.Cases;

namespace Platform.Review.Recipients;

public sealed record AppliedParameter(string Name, decimal Value);

/// <summary>The four items CRPA R311-3-1-2 requires, each in French and English, with the raw facts and parameters.</summary>
public sealed record CrpaExplanation(
    Guid FlagId,
    string RuleId,
    int RuleVersion,
    string Week,
    TextView DegreeAndModeOfContribution,
    TextView DataAndSources,
    JsonElement Facts,
    TextView ParametersAsApplied,
    IReadOnlyList<AppliedParameter> Parameters,
    TextView OperationsPerformed,
    TextView Explanation)
{
    public static CrpaExplanation For(FlagView flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var facts = Describe(flag.Facts);
        var parameters = flag.Parameters.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new AppliedParameter(pair.Key, pair.Value)).ToList();
        var parameterText = parameters.Count == 0
            ? "—"
            : string.Join("; ", parameters.Select(parameter => $"{parameter.Name} = {parameter.Value.ToString(CultureInfo.InvariantCulture)}"));
        return new CrpaExplanation(
            flag.FlagId,
            flag.RuleId,
            flag.RuleVersion,
            flag.Week,
            new TextView(
                $"Un traitement automatisé (règle « {flag.RuleId} », version {flag.RuleVersion}) a seulement signalé votre semaine {flag.Week} "
                + "pour qu'un conseiller l'examine. Il ne décide rien : il ne calcule aucun score et ne modifie jamais votre allocation. "
                + "Toute suite est décidée par des personnes : un conseiller examine le signalement ; une sanction ne peut être que proposée "
                + "par un conseiller, vous être notifiée avec un délai pour présenter vos observations, puis approuvée par une autre personne.",
                $"An automated process (rule '{flag.RuleId}', version {flag.RuleVersion}) only flagged your week {flag.Week} for a counsellor "
                + "to look at. It decides nothing: it computes no score and never changes your allocation. Anything that follows is decided "
                + "by people: a counsellor reviews the flag; a sanction can only be proposed by a counsellor, notified to you with time to send "
                + "your observations, then approved by someone else."),
            new TextView(
                $"Données utilisées : {facts}. Sources : vos déclarations hebdomadaires d'activité et les heures de votre contrat "
                + "d'engagement, telles qu'enregistrées par le service des déclarations. Aucune autre donnée (santé, handicap, nationalité, "
                + "situation familiale, adresse, revenus) n'est utilisée.",
                $"Data used: {facts}. Sources: your weekly activity declarations and the hours of your contrat d'engagement, as recorded by "
                + "the declarations service. No other data (health, disability, nationality, family situation, address, income) is used."),
            flag.Facts,
            new TextView($"Paramètres appliqués à votre situation : {parameterText}.", $"Parameters applied to your situation: {parameterText}."),
            parameters,
            new TextView(
                $"Opérations effectuées : la règle a comparé les données ci-dessus aux paramètres ci-dessus. {flag.Explanation.Fr}",
                $"Operations performed: the rule compared the data above with the parameters above. {flag.Explanation.En}"),
            flag.Explanation);
    }

    private static string Describe(JsonElement facts) => facts.ValueKind == JsonValueKind.Object
        ? string.Join("; ", facts.EnumerateObject().Select(property => $"{property.Name} = {property.Value.GetRawText()}"))
        : facts.GetRawText();
}

using System.Globalization;
using Platform.Contracts.Rules;

namespace Platform.Rules;

/// <summary>
/// A rule as pure, deterministic code: the same input and parameters always give the same answer, whatever the
/// order of the activities, the clock or the machine. It raises a question for a human, never a decision.
/// </summary>
public abstract class Rule
{
    private protected static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private protected static readonly CultureInfo English = CultureInfo.InvariantCulture;

    public abstract RuleDefinition Definition { get; }

    /// <summary>Whether the rule raises a flag on <paramref name="input"/>.</summary>
    /// <param name="parameters">Every declared parameter by name (see <see cref="RuleDefinition.WithParameters"/>).</param>
    /// <exception cref="ArgumentException">A declared parameter is missing.</exception>
    public bool Raises(RuleInput input, IReadOnlyDictionary<string, decimal> parameters)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var parameter in Definition.Parameters)
        {
            if (!parameters.ContainsKey(parameter.Name))
            {
                throw new ArgumentException($"Parameter '{parameter.Name}' of rule {Definition.Id} is missing.", nameof(parameters));
            }
        }

        return Evaluate(input, parameters);
    }

    /// <summary>The reason of a flag, in plain words, with the facts and parameters as applied to this person.</summary>
    public abstract Explanation Explain(RuleInput input, IReadOnlyDictionary<string, decimal> parameters);

    private protected abstract bool Evaluate(RuleInput input, IReadOnlyDictionary<string, decimal> parameters);

    private protected static string Hours(decimal hours, CultureInfo culture) =>
        hours.ToString("0.##", culture) + " h";

    /// <summary>
    /// The sentence that names the accepted absences an explanation took into account (CASF R262-68-6), or an empty
    /// explanation when there were none. Ids and weeks only: the kind of an absence is never a rule's business.
    /// </summary>
    public static Explanation AbsencesTakenIntoAccount(RuleInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Absences is not { Count: > 0 } absences)
        {
            return new Explanation("", "");
        }

        var french = string.Join(", ", absences.Select(absence => $"n° {absence.AbsenceId} (semaines {absence.FromWeek} à {absence.ToWeek})"));
        var english = string.Join(", ", absences.Select(absence => $"no. {absence.AbsenceId} (weeks {absence.FromWeek} to {absence.ToWeek})"));
        return new Explanation(
            $" Absences justifiées acceptées prises en compte (leurs semaines ne comptent pas) : {french}.",
            $" Accepted justified absences taken into account (their weeks do not count): {english}.");
    }

    /// <summary><paramref name="explanation"/> followed by the absences it took into account, if any.</summary>
    private protected static Explanation WithAbsences(Explanation explanation, RuleInput input)
    {
        var absences = AbsencesTakenIntoAccount(input);
        return new Explanation(explanation.Fr + absences.Fr, explanation.En + absences.En);
    }
}

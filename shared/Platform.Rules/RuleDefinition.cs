using Platform.Contracts.Rules;

namespace Platform.Rules;

/// <summary>A rule's public description: what the catalogue route shows and what a flag refers to.</summary>
/// <param name="InForceFrom">First day (inclusive) of the weeks the version applies to, by the week's Monday.</param>
/// <param name="InForceUntil">Last day (inclusive), or null while the version is in force.</param>
/// <param name="SanctionEligible">Whether a flag of this rule may lead a counsellor to propose a sanction.</param>
public sealed record RuleDefinition(
    string Id,
    int Version,
    DateOnly InForceFrom,
    DateOnly? InForceUntil,
    string LegalBasis,
    IReadOnlyList<RuleParameter> Parameters,
    Explanation Explanation,
    bool SanctionEligible)
{
    public bool IsInForceOn(DateOnly day) => day >= InForceFrom && (InForceUntil is null || day <= InForceUntil);

    /// <summary>The parameters as declared by default.</summary>
    public IReadOnlyDictionary<string, decimal> DefaultParameters() =>
        Parameters.ToDictionary(parameter => parameter.Name, parameter => parameter.Default, StringComparer.Ordinal);

    /// <summary>The defaults overlaid with <paramref name="candidates"/> (which should have passed <see cref="Validate"/>).</summary>
    public IReadOnlyDictionary<string, decimal> WithParameters(IReadOnlyDictionary<string, decimal>? candidates)
    {
        var parameters = Parameters.ToDictionary(parameter => parameter.Name, parameter => parameter.Default, StringComparer.Ordinal);
        foreach (var (name, value) in candidates ?? new Dictionary<string, decimal>())
        {
            parameters[name] = value;
        }

        return parameters;
    }

    /// <summary>Why <paramref name="parameters"/> cannot be used with this rule (unknown name, outside the declared
    /// bounds); empty when they can. Missing parameters are allowed: they take their default.</summary>
    public IReadOnlyList<Explanation> Validate(IReadOnlyDictionary<string, decimal> parameters)
    {
        var problems = new List<Explanation>();
        foreach (var (name, value) in parameters)
        {
            var declared = Parameters.FirstOrDefault(parameter => parameter.Name == name);
            if (declared is null)
            {
                problems.Add(new Explanation(
                    $"La règle {Id} n'a pas de paramètre « {name} ».",
                    $"Rule {Id} has no parameter '{name}'."));
            }
            else if (value < declared.Minimum || value > declared.Maximum)
            {
                problems.Add(new Explanation(
                    $"Le paramètre « {name} » de la règle {Id} doit être compris entre {declared.Minimum} et {declared.Maximum} ; {value} est hors limites.",
                    $"Parameter '{name}' of rule {Id} must be between {declared.Minimum} and {declared.Maximum}; {value} is out of bounds."));
            }
        }

        return problems;
    }
}

/// <summary>A rule parameter, its default and the bounds a simulation or a new version must stay within.</summary>
public sealed record RuleParameter(string Name, decimal Default, decimal Minimum, decimal Maximum, string Unit, Explanation Meaning);

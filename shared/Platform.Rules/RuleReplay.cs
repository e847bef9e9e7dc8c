using System.Text.Json;

namespace Platform.Rules;

/// <summary>What an auditor uses to check that a flag is reproducible: the recorded facts, re-run.</summary>
public static class RuleReplay
{
    /// <summary>
    /// Re-runs rule <paramref name="ruleId"/> at <paramref name="ruleVersion"/> on the facts recorded in a FlagRaised
    /// (its Facts JSON and Parameters). Returns null when that rule id/version is unknown, otherwise whether the rule
    /// raises a flag on those facts. Facts that are not a valid rule input (unknown or missing members), or parameters
    /// that the version does not declare, lack or hold outside its bounds, cannot reproduce a flag: false.
    /// </summary>
    public static bool? WouldRaise(string ruleId, int ruleVersion, JsonElement facts,
        IReadOnlyDictionary<string, decimal> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var rule = RuleCatalogue.Find(ruleId, ruleVersion);
        if (rule is null)
        {
            return null;
        }

        var input = RuleJson.FromFacts(facts);
        if (input is null
            || rule.Definition.Validate(parameters).Count > 0
            || rule.Definition.Parameters.Any(parameter => !parameters.ContainsKey(parameter.Name)))
        {
            return false;
        }

        return rule.Raises(input, parameters);
    }
}

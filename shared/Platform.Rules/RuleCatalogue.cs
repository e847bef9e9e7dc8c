using Platform.Rules.Catalogue;

namespace Platform.Rules;

/// <summary>Every rule version there is or was. Versions are never edited once published: a change is a new version.</summary>
public static class RuleCatalogue
{
    public static readonly IReadOnlyList<Rule> All =
    [
        WeeklyHoursBelowEngagement.V1,
        DeclarationMissing.V1,
        RepeatedShortfall.V1,
    ];

    public static Rule? Find(string ruleId, int version) =>
        All.FirstOrDefault(rule => rule.Definition.Id == ruleId && rule.Definition.Version == version);

    public static bool IsKnown(string ruleId) => All.Any(rule => rule.Definition.Id == ruleId);

    /// <summary>The version of <paramref name="ruleId"/> in force for <paramref name="week"/> (by its Monday), if any.</summary>
    public static Rule? InForce(string ruleId, Calendar.IsoWeek week) =>
        All.Where(rule => rule.Definition.Id == ruleId && rule.Definition.IsInForceOn(week.Monday))
            .MaxBy(rule => rule.Definition.Version);
}

using FsCheck;
using FsCheck.Xunit;

namespace Platform.Rules.Tests;

public sealed class RuleDeterminismProperties
{
    /// <summary>
    /// Same facts, any order of the activities, any number of runs: the same answer and the same explanation,
    /// for every rule version of the catalogue.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Evaluation_IsDeterministic_AndIndependentOfActivityOrder(
        NonNegativeInt[] quarterHours, byte engagementHours, bool declared, int seed, byte[] previousQuarterHours, byte toleranceHours)
    {
        var monday = new DateOnly(2026, 11, 23);
        var activities = quarterHours.Take(20)
            .Select((q, i) => new RuleActivity(ActivityCategory(i), monday.AddDays(i % 7), (q.Get % 96 + 1) / 4m))
            .ToArray();
        var shuffled = activities.OrderBy(_ => 0).ToArray();
        new Random(seed).Shuffle(shuffled);
        var previous = previousQuarterHours.Take(3)
            .Select((q, i) => new PreviousWeek($"2026-W{47 - i}", q % 5 != 0, q / 4m, engagementHours % 36))
            .ToArray();

        var input = new RuleInput("2026-W48", engagementHours % 36, declared, activities, previous);
        var reordered = input with { Activities = shuffled, PreviousWeeks = previous.Reverse().ToArray() };

        return RuleCatalogue.All.All(rule =>
        {
            var parameters = rule.Definition.WithParameters(rule.Definition.Parameters
                .Where(p => p.Name == "toleranceHours")
                .ToDictionary(p => p.Name, _ => (decimal)(toleranceHours % 11)));
            var first = rule.Raises(input, parameters);
            return first == rule.Raises(input, parameters)
                && first == rule.Raises(reordered, parameters)
                && rule.Explain(input, parameters) == rule.Explain(reordered, parameters)
                && first == RuleReplay.WouldRaise(rule.Definition.Id, rule.Definition.Version, RuleJson.ToFacts(reordered), parameters);
        });
    }

    private static string ActivityCategory(int i) => Contracts.Declarations.ActivityCategories.All[i % Contracts.Declarations.ActivityCategories.All.Count];
}

using Platform.Rules.Catalogue;

namespace Platform.Rules.Tests;

public sealed class RuleEdgeTests
{
    private const string Week = "2026-W48";

    private static RuleInput Declared(decimal engagement, params decimal[] hours) =>
        new(Week, engagement, Declared: true, Activities(hours), []);

    private static RuleActivity[] Activities(params decimal[] hours) =>
        hours.Select((h, i) => new RuleActivity("job-search", new DateOnly(2026, 11, 23).AddDays(i % 7), h)).ToArray();

    public static TheoryData<string, decimal, decimal[], decimal, bool> BelowEngagementCases => new()
    {
        // case, engagement, declared hours, tolerance, raises
        { "exactly the engagement", 15m, [10m, 5m], 0m, false },
        { "a quarter hour short", 15m, [14.75m], 0m, true },
        { "above the engagement", 15m, [20m], 0m, false },
        { "0-hour engagement, nothing declared", 0m, [], 0m, false },
        { "0-hour engagement, some hours", 0m, [2m], 0m, false },
        { "empty declaration against 15 h", 15m, [], 0m, true },
        { "short but within the tolerance", 15m, [12m], 3m, false },
        { "short beyond the tolerance", 15m, [11.5m], 3m, true },
        { "reduced engagement met exactly", 7.5m, [7.5m], 0m, false },
    };

    [Theory]
    [MemberData(nameof(BelowEngagementCases))]
    public void WeeklyHoursBelowEngagement_AtItsEdges(string name, decimal engagement, decimal[] hours, decimal tolerance, bool raises)
    {
        var rule = WeeklyHoursBelowEngagement.V1;
        var parameters = rule.Definition.WithParameters(new Dictionary<string, decimal> { [WeeklyHoursBelowEngagement.ToleranceHours] = tolerance });

        Assert.True(raises == rule.Raises(Declared(engagement, hours), parameters), name);
    }

    [Fact]
    public void WeeklyHoursBelowEngagement_WhenNotDeclared_LeavesItToTheMissingRule()
    {
        var input = new RuleInput(Week, 15m, Declared: false, [], []);

        Assert.False(WeeklyHoursBelowEngagement.V1.Raises(input, WeeklyHoursBelowEngagement.V1.Definition.DefaultParameters()));
    }

    [Fact]
    public void WeeklyHoursBelowEngagement_AnAmendmentReachingTheEngagement_NoLongerRaises()
    {
        var rule = WeeklyHoursBelowEngagement.V1;
        var parameters = rule.Definition.DefaultParameters();

        var first = Declared(15m, 6m);
        var amended = Declared(15m, 6m, 9m);

        Assert.True(rule.Raises(first, parameters));
        Assert.False(rule.Raises(amended, parameters));
    }

    public static TheoryData<string, bool, decimal, bool> MissingCases => new()
    {
        // case, declared, engagement, raises
        { "no declaration, 15 h engagement", false, 15m, true },
        { "no declaration, 0-hour engagement", false, 0m, false },
        { "declared (even late), 15 h engagement", true, 15m, false },
        { "no declaration, 1 h engagement", false, 1m, true },
    };

    [Theory]
    [MemberData(nameof(MissingCases))]
    public void DeclarationMissing_AtItsEdges(string name, bool declared, decimal engagement, bool raises)
    {
        var input = new RuleInput(Week, engagement, declared, [], []);

        Assert.True(raises == DeclarationMissing.V1.Raises(input, DeclarationMissing.V1.Definition.DefaultParameters()), name);
    }

    public static TheoryData<string, decimal[], (string Week, bool Declared, decimal Total, decimal Engagement)[], decimal, bool> RepeatedCases => new()
    {
        // case, this week's hours (engagement 15), previous weeks, minimum short weeks, raises
        { "3 short weeks out of 4", [5m], [("2026-W47", true, 5m, 15m), ("2026-W46", true, 15m, 15m), ("2026-W45", true, 0m, 15m)], 3m, true },
        { "2 short weeks out of 4", [5m], [("2026-W47", true, 5m, 15m), ("2026-W46", true, 15m, 15m), ("2026-W45", true, 15m, 15m)], 3m, false },
        { "this week meets the engagement exactly", [15m], [("2026-W47", true, 5m, 15m), ("2026-W46", true, 5m, 15m), ("2026-W45", true, 5m, 15m)], 3m, false },
        { "an undeclared week does not count as short", [5m], [("2026-W47", false, 0m, 15m), ("2026-W46", true, 5m, 15m), ("2026-W45", true, 15m, 15m)], 3m, false },
        { "a short week five weeks ago is outside the window", [5m], [("2026-W47", true, 5m, 15m), ("2026-W44", true, 5m, 15m)], 3m, false },
        { "a 0-hour engagement week is never short", [5m], [("2026-W47", true, 0m, 0m), ("2026-W46", true, 5m, 15m), ("2026-W45", true, 15m, 15m)], 3m, false },
        { "the same week twice counts once", [5m], [("2026-W47", true, 5m, 15m), ("2026-W47", true, 5m, 15m)], 3m, false },
        { "2 of 4 with the threshold lowered to 2", [5m], [("2026-W47", true, 5m, 15m)], 2m, true },
        { "4 of 4 with the threshold raised to 4", [5m], [("2026-W47", true, 5m, 15m), ("2026-W46", true, 5m, 15m), ("2026-W45", true, 5m, 15m)], 4m, true },
        { "3 of 4 with the threshold raised to 4", [5m], [("2026-W47", true, 5m, 15m), ("2026-W46", true, 5m, 15m), ("2026-W45", true, 15m, 15m)], 4m, false },
    };

    [Theory]
    [MemberData(nameof(RepeatedCases))]
    public void RepeatedShortfall_AtItsEdges(string name, decimal[] hours,
        (string Week, bool Declared, decimal Total, decimal Engagement)[] previous, decimal minimum, bool raises)
    {
        var rule = RepeatedShortfall.V1;
        var input = new RuleInput(Week, 15m, true, Activities(hours),
            previous.Select(p => new PreviousWeek(p.Week, p.Declared, p.Total, p.Engagement)).ToArray());
        var parameters = rule.Definition.WithParameters(new Dictionary<string, decimal> { [RepeatedShortfall.MinimumShortfallWeeks] = minimum });

        Assert.True(raises == rule.Raises(input, parameters), name);
    }

    [Fact]
    public void OnlyTheRepeatedShortfallRule_IsSanctionEligible()
    {
        Assert.Equal([RepeatedShortfall.Id], RuleCatalogue.All.Where(r => r.Definition.SanctionEligible).Select(r => r.Definition.Id));
    }

    [Fact]
    public void Raises_WhenADeclaredParameterIsMissing_Throws()
    {
        Assert.Throws<ArgumentException>(() => WeeklyHoursBelowEngagement.V1.Raises(Declared(15m, 1m), new Dictionary<string, decimal>()));
    }

    [Fact]
    public void Validate_OutsideTheDeclaredBounds_SaysWhy()
    {
        var problems = WeeklyHoursBelowEngagement.V1.Definition.Validate(new Dictionary<string, decimal>
        {
            [WeeklyHoursBelowEngagement.ToleranceHours] = 11m,
            ["colour"] = 1m,
        });

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.En.Contains("between 0 and 10", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.En.Contains("no parameter 'colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRuleVersion_DescribesItselfCompletely()
    {
        foreach (var definition in RuleCatalogue.All.Select(r => r.Definition))
        {
            Assert.False(string.IsNullOrWhiteSpace(definition.LegalBasis));
            Assert.False(string.IsNullOrWhiteSpace(definition.Explanation.Fr));
            Assert.False(string.IsNullOrWhiteSpace(definition.Explanation.En));
            Assert.All(definition.Parameters, p => Assert.InRange(p.Default, p.Minimum, p.Maximum));
        }

        Assert.Equal(RuleCatalogue.All.Count, RuleCatalogue.All.Select(r => (r.Definition.Id, r.Definition.Version)).Distinct().Count());
    }
}

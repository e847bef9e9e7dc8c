using Platform.RuleEngine.Transparency;

namespace Platform.Rules.Tests;

public sealed class RuleStatisticsTests
{
    // Counts per rule, month and département as the query returns them; null: recipients never placed.
    private static readonly RuleMonthCounts[] Rows =
    [
        new("repeated-shortfall", "2026-11", "75", 1, 0, 0, 0, 0, 1),
        new("weekly-hours-below-engagement", "2026-10", "13", 4, 1, 3, 0, 0, 0),
        new("weekly-hours-below-engagement", "2026-11", "13", 2, 0, 1, 1, 0, 0),
        new("weekly-hours-below-engagement", "2026-11", "75", 5, 1, 1, 0, 1, 1),
        new("weekly-hours-below-engagement", "2026-11", null, 1, 0, 0, 0, 0, 0),
    ];

    [Fact]
    public void Nationally_EachRuleAndMonthSumsEveryDepartement_AndTheUnplaced()
    {
        var view = RuleStatistics.Of(Rows, null);

        Assert.Null(view.Departement);
        Assert.Equal(
            [
                new RuleMonthStatistics("repeated-shortfall", "2026-11", 1, 0, 0, 0, 0, 1, 0m),
                new RuleMonthStatistics("weekly-hours-below-engagement", "2026-10", 4, 1, 3, 0, 0, 0, 1m),
                new RuleMonthStatistics("weekly-hours-below-engagement", "2026-11", 8, 1, 2, 1, 1, 1, 0.5m),
            ],
            view.Months);
    }

    [Fact]
    public void ForADepartement_OnlyItsRows_WithTheirOwnDismissalRate()
    {
        var view = RuleStatistics.Of(Rows, "13");

        Assert.Equal("13", view.Departement);
        Assert.Equal(
            [
                new RuleMonthStatistics("weekly-hours-below-engagement", "2026-10", 4, 1, 3, 0, 0, 0, 1m),
                new RuleMonthStatistics("weekly-hours-below-engagement", "2026-11", 2, 0, 1, 1, 0, 0, 0.5m),
            ],
            view.Months);
        Assert.Empty(RuleStatistics.Of(Rows, "2A").Months);
    }
}

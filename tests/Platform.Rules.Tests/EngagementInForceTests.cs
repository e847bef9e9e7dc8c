using Platform.Rules.Calendar;
using Platform.RuleEngine.Flags;

namespace Platform.Rules.Tests;

public sealed class EngagementInForceTests
{
    private static readonly EngagementRow[] Engagements =
    [
        new("2026-W45", 15m),
        new("2026-W50", 7.5m),
        new("2027-W02", 0m),
    ];

    [Theory]
    [InlineData("2026-W44", 0)]
    [InlineData("2026-W45", 15)]
    [InlineData("2026-W49", 15)]
    [InlineData("2026-W50", 7.5)]
    [InlineData("2026-W53", 7.5)]
    [InlineData("2027-W02", 0)]
    [InlineData("2027-W30", 0)]
    public void EngagementFor_IsTheOneWithTheLatestStartingWeekNotAfterTheWeek(string week, decimal expected)
    {
        Assert.Equal(expected, RecipientHistory.EngagementFor(Engagements.Reverse(), IsoWeek.Parse(week)));
    }

    [Fact]
    public void InputWithPreviousWeeks_CarriesTheThreeWeeksBefore_WithTheirOwnEngagement()
    {
        var history = new RecipientHistory(Engagements, new Dictionary<string, DeclarationRow>
        {
            ["2026-W50"] = new("2026-W50", 2, """[{"category":"training","date":"2026-12-07","hours":3}]"""),
            ["2026-W48"] = new("2026-W48", 1, """[{"category":"job-search","date":"2026-11-23","hours":4.5}]"""),
        });

        var input = history.InputWithPreviousWeeksFor(IsoWeek.Parse("2026-W50"));

        Assert.Equal(7.5m, input.EngagementHoursPerWeek);
        Assert.True(input.Declared);
        Assert.Equal(3m, input.TotalHours());
        Assert.Equal(
            [new PreviousWeek("2026-W49", false, 0m, 15m), new PreviousWeek("2026-W48", true, 4.5m, 15m), new PreviousWeek("2026-W47", false, 0m, 15m)],
            input.PreviousWeeks);
    }
}

using System.Text.Json;
using Platform.Rules.Catalogue;

namespace Platform.Rules.Tests;

public sealed class RuleReplayTests
{
    private static readonly RuleInput Short = new("2026-W48", 15m, true,
        [new RuleActivity("job-search", new DateOnly(2026, 11, 23), 4.5m), new RuleActivity("training", new DateOnly(2026, 11, 24), 3m)], []);

    [Fact]
    public void WouldRaise_OnFactsAsRecorded_ReproducesTheFlag()
    {
        var facts = RuleJson.ToFacts(Short);
        var parameters = WeeklyHoursBelowEngagement.V1.Definition.DefaultParameters();

        Assert.True(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 1, facts, parameters));
    }

    [Fact]
    public void WouldRaise_AfterABusRoundTripOfTheFacts_ReproducesTheFlag()
    {
        var text = JsonSerializer.Serialize(new { facts = RuleJson.ToFacts(Short) }, JsonSerializerOptions.Web);
        var facts = JsonDocument.Parse(text).RootElement.GetProperty("facts");

        Assert.True(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 1, facts, WeeklyHoursBelowEngagement.V1.Definition.DefaultParameters()));
    }

    [Fact]
    public void WouldRaise_UnknownRuleOrVersion_ReturnsNull()
    {
        var facts = RuleJson.ToFacts(Short);

        Assert.Null(RuleReplay.WouldRaise("nationality-score", 1, facts, new Dictionary<string, decimal>()));
        Assert.Null(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 99, facts, new Dictionary<string, decimal>()));
    }

    [Fact]
    public void WouldRaise_WhenFactsCarryAFieldNoRuleMaySee_ReturnsFalse()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(RuleJson.ToFacts(Short).GetRawText())!;
        node["nationality"] = "XX";
        var facts = JsonDocument.Parse(node.ToJsonString()).RootElement;

        Assert.False(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 1, facts, WeeklyHoursBelowEngagement.V1.Definition.DefaultParameters()));
    }

    [Fact]
    public void WouldRaise_WhenParametersAreMissingOrOutOfBounds_ReturnsFalse()
    {
        var facts = RuleJson.ToFacts(Short);

        Assert.False(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 1, facts, new Dictionary<string, decimal>()));
        Assert.False(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 1, facts,
            new Dictionary<string, decimal> { [WeeklyHoursBelowEngagement.ToleranceHours] = -1m }));
    }

    [Fact]
    public void WouldRaise_WhenTheFactsDoNotRaise_ReturnsFalse()
    {
        var met = Short with { EngagementHoursPerWeek = 7.5m };

        Assert.False(RuleReplay.WouldRaise(WeeklyHoursBelowEngagement.Id, 1, RuleJson.ToFacts(met), WeeklyHoursBelowEngagement.V1.Definition.DefaultParameters()));
    }

    [Fact]
    public void WouldRaise_OnGarbageFacts_ReturnsFalse()
    {
        var facts = JsonDocument.Parse("""{"week":"not a week","engagementHoursPerWeek":15,"declared":false,"activities":[],"previousWeeks":[]}""").RootElement;

        Assert.False(RuleReplay.WouldRaise(DeclarationMissing.Id, 1, facts, new Dictionary<string, decimal>()));
        Assert.False(RuleReplay.WouldRaise(DeclarationMissing.Id, 1, JsonDocument.Parse("42").RootElement, new Dictionary<string, decimal>()));
    }
}

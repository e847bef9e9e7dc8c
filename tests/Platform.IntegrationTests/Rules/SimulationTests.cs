using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Rules.Catalogue;

namespace Platform.IntegrationTests.Rules;

/// <summary>Simulation and statistics over a database holding only this class's hand-made history.</summary>
public sealed class SimulationTests(RulesFixture fixture) : IClassFixture<RulesFixture>
{
    private static readonly string A = "sim-a-" + Guid.NewGuid().ToString("N")[..8];
    private static readonly string B = "sim-b-" + Guid.NewGuid().ToString("N")[..8];

    private async Task SeedAsync()
    {
        if (await fixture.CountAsync("SELECT count(*) FROM declarations") == 8)
        {
            return;
        }

        await fixture.PublishAsync(RulesFixture.Engagement(A, 15, "2026-W44"));
        await fixture.PublishAsync(RulesFixture.Engagement(B, 10, "2026-W44"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements", null, 2);
        decimal[] hoursOfA = [13, 15, 10, 12];
        decimal[] hoursOfB = [9, 5, 8, 7];
        for (var i = 0; i < 4; i++)
        {
            await fixture.PublishAsync(RulesFixture.Declaration(A, $"2026-W{44 + i}", 1, hoursOfA[i]));
            await fixture.PublishAsync(RulesFixture.Declaration(B, $"2026-W{44 + i}", 1, hoursOfB[i]));
        }

        await fixture.WaitForCountAsync("SELECT count(*) FROM declarations", null, 8);
    }

    [Fact]
    public async Task Simulation_OfCandidateParameters_GivesTheHandComputedAdditionsAndRemovals_AndPublishesNothing()
    {
        await SeedAsync();
        var flagsBefore = await fixture.CountAsync("SELECT count(*) FROM flags");
        await Task.Delay(1000);
        var eventsBefore = fixture.Events.Received.Count;
        var client = fixture.Service.ClientFor("supervisor", "sup-1");

        // Engagements: A 15 h, B 10 h. Declared W44..W47: A 13, 15, 10, 12; B 9, 5, 8, 7. W48 is still open.
        // Tolerance 3 h on the weekly rule: A's W44 (13+3) and W47 (12+3), B's W44, W46, W47 are no longer flagged;
        // A's W46 (10+3 < 15) and B's W45 (5+3 < 10) still are. Repeated shortfall from 2 short weeks out of 4
        // (tolerance 0): adds A's W46 (W44, W46 short) and B's W45 (W44, W45 short); W47 of both already raises.
        var response = await client.PostAsJsonAsync("/api/rules/simulations", new
        {
            fromWeek = "2026-W44",
            toWeek = "2026-W48",
            parameters = new Dictionary<string, Dictionary<string, decimal>>
            {
                [WeeklyHoursBelowEngagement.Id] = new() { [WeeklyHoursBelowEngagement.ToleranceHours] = 3 },
                [RepeatedShortfall.Id] = new() { [RepeatedShortfall.MinimumShortfallWeeks] = 2 },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var totals = result.GetProperty("totals").EnumerateArray()
            .ToDictionary(t => t.GetProperty("ruleId").GetString()!, t => (t.GetProperty("added").GetInt32(), t.GetProperty("removed").GetInt32()));
        Assert.Equal((0, 5), totals[WeeklyHoursBelowEngagement.Id]);
        Assert.Equal((2, 0), totals[RepeatedShortfall.Id]);
        Assert.Equal((0, 0), totals[DeclarationMissing.Id]);
        var changes = result.GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("week").GetString()} {c.GetProperty("ruleId").GetString()} +[{Names(c, "addedFor")}] -[{Names(c, "removedFor")}]")
            .ToList();
        Assert.Equal(
        [
            $"2026-W44 {WeeklyHoursBelowEngagement.Id} +[] -[A,B]",
            $"2026-W45 {RepeatedShortfall.Id} +[B] -[]",
            $"2026-W46 {RepeatedShortfall.Id} +[A] -[]",
            $"2026-W46 {WeeklyHoursBelowEngagement.Id} +[] -[B]",
            $"2026-W47 {WeeklyHoursBelowEngagement.Id} +[] -[A,B]",
        ], changes);

        Assert.Equal(flagsBefore, await fixture.CountAsync("SELECT count(*) FROM flags"));
        await Task.Delay(1000);
        Assert.Equal(eventsBefore, fixture.Events.Received.Count);
    }

    private static string Names(JsonElement change, string property) =>
        string.Join(',', change.GetProperty(property).EnumerateArray().Select(r => r.GetString() == A ? "A" : r.GetString() == B ? "B" : "?").Order());

    [Fact]
    public async Task Simulation_WithTheParametersInForce_ChangesNothing()
    {
        await SeedAsync();
        var client = fixture.Service.ClientFor("supervisor", "sup-1");

        var result = await (await client.PostAsJsonAsync("/api/rules/simulations", new { fromWeek = "2026-W40", toWeek = "2026-W48" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0, result.GetProperty("changes").GetArrayLength());
    }

    [Theory]
    [InlineData("2024-W48", "2026-W48", null, "toWeek")]
    [InlineData("2026-W48", "2026-W44", null, "toWeek")]
    [InlineData("2026-W44", "2026-W48", "{\"weekly-hours-below-engagement\":{\"toleranceHours\":11}}", "parameters.weekly-hours-below-engagement")]
    [InlineData("2026-W44", "2026-W48", "{\"repeated-shortfall\":{\"minimumShortfallWeeks\":1}}", "parameters.repeated-shortfall")]
    [InlineData("2026-W44", "2026-W48", "{\"weekly-hours-below-engagement\":{\"nationality\":1}}", "parameters.weekly-hours-below-engagement")]
    [InlineData("2026-W44", "2026-W48", "{\"credit-score\":{\"threshold\":1}}", "parameters.credit-score")]
    [InlineData("soon", "2026-W48", null, "fromWeek")]
    public async Task Simulation_OutsideTheDeclaredBoundsOrOver104Weeks_Returns422WithTheReason(string from, string to, string? parameters, string field)
    {
        var client = fixture.Service.ClientFor("supervisor", "sup-1");
        var body = $$"""{"fromWeek":"{{from}}","toWeek":"{{to}}","parameters":{{parameters ?? "null"}}}""";

        var response = await client.PostAsync("/api/rules/simulations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/validation", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), problem.GetRawText());
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
    }

    [Fact]
    public async Task Simulation_IsForSupervisorsOnly()
    {
        var body = new { fromWeek = "2026-W44", toWeek = "2026-W48" };

        var counsellor = await fixture.Service.ClientFor("counsellor", "agent-7").PostAsJsonAsync("/api/rules/simulations", body);
        var anonymous = await fixture.Service.CreateClient().PostAsJsonAsync("/api/rules/simulations", body);

        Assert.Equal(HttpStatusCode.Forbidden, counsellor.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Statistics_CountRaisedWithdrawnAndHumanOutcomes_PerRuleAndMonth()
    {
        await SeedAsync();
        await fixture.WaitForCountAsync("SELECT count(*) FROM flags WHERE rule_id = 'weekly-hours-below-engagement'", null, 7);
        // The rows commit before the outbox publishes: wait for the events themselves.
        var flags = await fixture.Events.WaitForCountAsync<FlagRaised>(7, f => f.RuleId == WeeklyHoursBelowEngagement.Id);
        await fixture.PublishAsync(new FlagDismissed(Guid.NewGuid(), flags[0].FlagId, flags[0].RecipientId, flags[0].RuleId, "agent-7", "illness") { OccurredAt = RulesFixture.Now });
        await fixture.PublishAsync(new FlagDismissed(Guid.NewGuid(), flags[1].FlagId, flags[1].RecipientId, flags[1].RuleId, "agent-7", "training") { OccurredAt = RulesFixture.Now });
        await fixture.PublishAsync(new FlagResolved(Guid.NewGuid(), flags[2].FlagId, flags[2].RecipientId, flags[2].RuleId, "agent-7", "workshop", "ok") { OccurredAt = RulesFixture.Now });
        await fixture.WaitForCountAsync("SELECT count(*) FROM flag_outcomes", null, 3);

        var statistics = await fixture.Service.CreateClient().GetFromJsonAsync<JsonElement>("/api/rules/statistics");

        var month = statistics.GetProperty("months").EnumerateArray()
            .Single(m => m.GetProperty("ruleId").GetString() == WeeklyHoursBelowEngagement.Id && m.GetProperty("month").GetString() == "2026-11");
        Assert.Equal(7, month.GetProperty("raised").GetInt64());
        Assert.Equal(0, month.GetProperty("withdrawn").GetInt64());
        Assert.Equal(2, month.GetProperty("dismissed").GetInt64());
        Assert.Equal(1, month.GetProperty("resolved").GetInt64());
        Assert.Equal(0, month.GetProperty("upheld").GetInt64());
        Assert.Equal(0.6667m, month.GetProperty("dismissalRate").GetDecimal());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Declarations;
using Platform.Contracts.Rules;
using Platform.Rules;
using Platform.Rules.Catalogue;

namespace Platform.IntegrationTests.Rules;

public sealed class FlagTests(RulesFixture fixture) : IClassFixture<RulesFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    private const string OpenFlags = "SELECT count(*) FROM flags WHERE recipient_id = @recipient AND withdrawn_at IS NULL";

    [Fact]
    public async Task Declaration_BelowTheEngagement_RaisesFlagRaised_WithFactsThatReproduceIt()
    {
        var recipient = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 15, "2026-W45"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }, 1);

        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W48", 1, 3m, 4.5m));

        var flag = await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient);
        Assert.Equal(WeeklyHoursBelowEngagement.Id, flag.RuleId);
        Assert.Equal(1, flag.RuleVersion);
        Assert.Equal("2026-W48", flag.Week);
        Assert.False(flag.SanctionEligible);
        Assert.Equal(0m, flag.Parameters[WeeklyHoursBelowEngagement.ToleranceHours]);
        Assert.Equal(15m, flag.Facts.GetProperty("engagementHoursPerWeek").GetDecimal());
        Assert.Equal(2, flag.Facts.GetProperty("activities").GetArrayLength());
        Assert.DoesNotContain("note", flag.Facts.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("7,5 h", flag.Explanation.Fr, StringComparison.Ordinal);
        Assert.True(RuleReplay.WouldRaise(flag.RuleId, flag.RuleVersion, flag.Facts, flag.Parameters));
        Assert.Equal("rules", flag.Producer);
        Assert.Equal(1, await fixture.CountAsync(OpenFlags, new { recipient }));
    }

    [Fact]
    public async Task Amendment_ReachingTheEngagement_WithdrawsTheFlag()
    {
        var recipient = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 15, "2026-W45"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }, 1);
        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W48", 1, 6m));
        var raised = await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient);

        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W48", 2, 6m, 9m));

        var withdrawn = await fixture.Events.WaitForAsync<FlagWithdrawn>(e => e.RecipientId == recipient);
        Assert.Equal(raised.FlagId, withdrawn.FlagId);
        Assert.Equal(WeeklyHoursBelowEngagement.Id, withdrawn.RuleId);
        Assert.False(string.IsNullOrWhiteSpace(withdrawn.Reason.Fr));
        Assert.Equal(0, await fixture.CountAsync(OpenFlags, new { recipient }));
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<FlagRaised>(Quiet, e => e.RecipientId == recipient));
    }

    [Fact]
    public async Task OlderVersion_ArrivingAfterANewerOne_ChangesNothing()
    {
        var recipient = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 15, "2026-W45"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }, 1);
        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W48", 2, 15m));
        await fixture.WaitForCountAsync("SELECT count(*) FROM declarations WHERE recipient_id = @recipient AND version = 2", new { recipient }, 1);

        var late = Guid.NewGuid();
        await fixture.Events.PublishRawAsync(RulesFixture.Declaration(recipient, "2026-W48", 1, 2m), late);
        await fixture.WaitForCountAsync("SELECT count(*) FROM inbox WHERE message_id = @late", new { late }, 1);

        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<FlagRaised>(Quiet, e => e.RecipientId == recipient));
        Assert.Equal(15m, await fixture.CountAsync("SELECT total_hours::bigint FROM declarations WHERE recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task OlderEngagement_ArrivingAfterANewerOneForTheSameWeek_ChangesNothing()
    {
        var recipient = RulesFixture.NewRecipient();
        var older = RulesFixture.Engagement(recipient, 15, "2026-W45");
        var newer = RulesFixture.Engagement(recipient, 0, "2026-W45");
        await fixture.PublishAsync(newer);
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }, 1);
        var late = Guid.NewGuid();
        await fixture.Events.PublishRawAsync(older, late);
        await fixture.WaitForCountAsync("SELECT count(*) FROM inbox WHERE message_id = @late", new { late }, 1);
        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W48", 1, 2m));
        await fixture.WaitForCountAsync("SELECT count(*) FROM declarations WHERE recipient_id = @recipient", new { recipient }, 1);

        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<FlagRaised>(Quiet, e => e.RecipientId == recipient));
        Assert.Equal(0, await fixture.CountAsync("SELECT hours_per_week::bigint FROM engagements WHERE recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task Redelivery_OfTheSameMessage_RaisesNoSecondFlag()
    {
        var recipient = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 15, "2026-W45"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }, 1);
        var declaration = RulesFixture.Declaration(recipient, "2026-W48", 1, 1m);
        var messageId = Guid.NewGuid();

        await fixture.Events.PublishRawAsync(declaration, messageId);
        await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient);
        await fixture.Events.PublishRawAsync(declaration, messageId);
        await fixture.Events.PublishRawAsync(declaration with { EventId = Guid.NewGuid() }, Guid.NewGuid());

        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<FlagRaised>(Quiet, e => e.RecipientId == recipient));
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM flags WHERE recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task ThreeShortWeeksOutOfFour_RaiseTheRepeatedShortfallFlag_TheOnlySanctionEligibleOne()
    {
        var recipient = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 15, "2026-W40"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }, 1);
        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W44", 1, 5m));
        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W45", 1, 15m));
        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W46", 1, 5m));
        await fixture.WaitForCountAsync("SELECT count(*) FROM declarations WHERE recipient_id = @recipient", new { recipient }, 3);

        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W47", 1, 10m));

        var repeated = await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient && e.RuleId == RepeatedShortfall.Id);
        Assert.Equal("2026-W47", repeated.Week);
        Assert.True(repeated.SanctionEligible);
        Assert.Equal(3, repeated.Facts.GetProperty("previousWeeks").GetArrayLength());
        Assert.True(RuleReplay.WouldRaise(repeated.RuleId, repeated.RuleVersion, repeated.Facts, repeated.Parameters));
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<FlagRaised>(Quiet, e => e.RecipientId == recipient && e.RuleId == RepeatedShortfall.Id));
        Assert.All(fixture.Events.All<FlagRaised>().Where(e => e.RecipientId == recipient && e.RuleId != RepeatedShortfall.Id),
            flag => Assert.False(flag.SanctionEligible));
    }

    [Fact]
    public async Task EngagementLoweredToZero_WithdrawsTheFlagsItMadeUntrue()
    {
        var recipient = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 15, "2026-W45"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }, 1);
        await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W48", 1, 2m));
        var raised = await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient);

        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 0, "2026-W47"));

        var withdrawn = await fixture.Events.WaitForAsync<FlagWithdrawn>(e => e.RecipientId == recipient);
        Assert.Equal(raised.FlagId, withdrawn.FlagId);
    }

    [Fact]
    public async Task MalformedEvent_LandsInTheErrorQueue_AndNothingElseChanges()
    {
        var flagsBefore = await fixture.CountAsync("SELECT count(*) FROM flags");
        var declarationsBefore = await fixture.CountAsync("SELECT count(*) FROM declarations");
        var errorsBefore = await fixture.ErrorQueueMessagesAsync();

        await fixture.Events.PublishGarbageAsync<DeclarationSubmitted>("{ this is not json");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await fixture.ErrorQueueMessagesAsync() <= errorsBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, "The malformed message never reached an error queue of the rules service.");
            await Task.Delay(250);
        }

        Assert.Equal(flagsBefore, await fixture.CountAsync("SELECT count(*) FROM flags"));
        Assert.Equal(declarationsBefore, await fixture.CountAsync("SELECT count(*) FROM declarations"));
    }

    [Fact]
    public async Task Catalogue_IsPublic_AndAnUnknownRuleOrVersionIs404()
    {
        using var anonymous = fixture.Service.CreateClient();

        var catalogue = await anonymous.GetFromJsonAsync<JsonElement>("/api/rules");
        var one = await anonymous.GetAsync($"/api/rules/{RepeatedShortfall.Id}/versions/1");
        var unknownVersion = await anonymous.GetAsync($"/api/rules/{RepeatedShortfall.Id}/versions/9");
        var unknownRule = await anonymous.GetAsync("/api/rules/nationality-score/versions/1");

        Assert.Equal(
            [WeeklyHoursBelowEngagement.Id, DeclarationMissing.Id, RepeatedShortfall.Id],
            catalogue.GetProperty("rules").EnumerateArray().Select(rule => rule.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var rule = await one.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(rule.GetProperty("sanctionEligible").GetBoolean());
        Assert.Equal("2025-01-01", rule.GetProperty("inForceFrom").GetString());
        Assert.Equal(2, rule.GetProperty("parameters").GetArrayLength());
        Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("legalBasis").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("explanation").GetProperty("en").GetString()));
        foreach (var response in new[] { unknownVersion, unknownRule })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.EndsWith("/not-found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        }
    }
}

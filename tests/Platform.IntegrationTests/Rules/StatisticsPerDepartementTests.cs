using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Review;
using Platform.Rules.Catalogue;

namespace Platform.IntegrationTests.Rules;

/// <summary>The public rule statistics of one département, over a database holding only this class's history.</summary>
public sealed class StatisticsPerDepartementTests(RulesFixture fixture) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task Statistics_PerDepartement_CountEachFlagWhereItsRecipientWasWhenItWasRaised()
    {
        // Two recipients of Paris, one of Marseille, one never placed, one placed late; each declares 8 h of 15 h in 2026-W44.
        var paris1 = RulesFixture.NewRecipient();
        var paris2 = RulesFixture.NewRecipient();
        var marseille = RulesFixture.NewRecipient();
        var unplaced = RulesFixture.NewRecipient();
        var placedLate = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(paris1, 15, "2026-W44") with { Departement = "75" });
        await fixture.PublishAsync(RulesFixture.Engagement(paris2, 15, "2026-W44") with { Departement = "75" });
        await fixture.PublishAsync(RulesFixture.Engagement(marseille, 15, "2026-W44") with { Departement = "13" });
        await fixture.PublishAsync(RulesFixture.Engagement(unplaced, 15, "2026-W44"));
        await fixture.PublishAsync(RulesFixture.Engagement(placedLate, 15, "2026-W44"));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements", null, 5);
        await fixture.WaitForCountAsync("SELECT count(*) FROM recipient_departements", null, 3);
        foreach (var recipient in new[] { paris1, paris2, marseille, unplaced, placedLate })
        {
            await fixture.PublishAsync(RulesFixture.Declaration(recipient, "2026-W44", 1, 8));
        }

        await fixture.WaitForCountAsync($"SELECT count(*) FROM flags WHERE rule_id = '{WeeklyHoursBelowEngagement.Id}'", null, 5);

        // Its placement reaches the rules service after its flag was raised (separate queues): the flag holds no département.
        await fixture.PublishAsync(RulesFixture.Engagement(placedLate, 15, "2026-W44") with { Departement = "13" });
        await fixture.WaitForCountAsync("SELECT count(*) FROM recipient_departements", null, 4);
        Assert.Equal(1, await fixture.CountAsync(
            "SELECT count(*) FROM flags WHERE recipient_id = @placedLate AND departement IS NULL", new { placedLate }));
        // A transfer after the flag does not move it: it was raised in Paris.
        await fixture.PublishAsync(RulesFixture.Transfer(paris2, "75", "13"));
        await fixture.WaitForCountAsync(
            "SELECT count(*) FROM recipient_departements WHERE recipient_id = @paris2 AND departement = '13'", new { paris2 }, 1);

        await DismissAsync(paris1);
        await DismissAsync(marseille);
        await fixture.WaitForCountAsync("SELECT count(*) FROM flag_outcomes", null, 2);

        var client = fixture.Service.CreateClient();
        var paris = WeeklyHoursOfNovember(await client.GetFromJsonAsync<JsonElement>("/api/rules/statistics?departement=75"), "75");
        var bouchesDuRhone = WeeklyHoursOfNovember(await client.GetFromJsonAsync<JsonElement>("/api/rules/statistics?departement=13"), "13");
        var national = WeeklyHoursOfNovember(await client.GetFromJsonAsync<JsonElement>("/api/rules/statistics"), null);
        var corseDuSud = await client.GetFromJsonAsync<JsonElement>("/api/rules/statistics?departement=2A");

        // Paris: its two recipients' flags, the transferred one's included, and one dismissal. Bouches-du-Rhône: Marseille's
        // flag and the one raised before its recipient's placement arrived. National: those four and the unplaced one's.
        Assert.Equal((2, 0, 1), Figures(paris));
        Assert.Equal((2, 0, 1), Figures(bouchesDuRhone));
        Assert.Equal((5, 0, 2), Figures(national));
        Assert.Equal("2A", corseDuSud.GetProperty("departement").GetString());
        Assert.Empty(corseDuSud.GetProperty("months").EnumerateArray());
    }

    [Theory]
    [InlineData("20")]
    [InlineData("*")]
    [InlineData("750")]
    public async Task Statistics_OfAnUnknownDepartement_Return422NamingIt_InFrenchAndEnglish(string code)
    {
        var french = await fixture.Service.CreateClient().GetAsync($"/api/rules/statistics?departement={Uri.EscapeDataString(code)}");
        var english = new HttpRequestMessage(HttpMethod.Get, $"/api/rules/statistics?departement={Uri.EscapeDataString(code)}");
        english.Headers.AcceptLanguage.ParseAdd("en");
        var inEnglish = await fixture.Service.CreateClient().SendAsync(english);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, french.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, inEnglish.StatusCode);
        var frenchMessage = (await french.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("departement")[0].GetString();
        var englishMessage = (await inEnglish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("departement")[0].GetString();
        Assert.Contains("code INSEE", frenchMessage, StringComparison.Ordinal);
        Assert.Contains("INSEE code", englishMessage, StringComparison.Ordinal);
    }

    private async Task DismissAsync(string recipientId)
    {
        var flagId = await fixture.ScalarAsync<Guid>("SELECT flag_id FROM flags WHERE recipient_id = @recipientId", new { recipientId });
        await fixture.PublishAsync(new FlagDismissed(Guid.NewGuid(), flagId, recipientId, WeeklyHoursBelowEngagement.Id, "agent-7", "illness")
        {
            OccurredAt = RulesFixture.Now,
        });
    }

    private static JsonElement WeeklyHoursOfNovember(JsonElement statistics, string? departement)
    {
        Assert.Equal(departement, statistics.GetProperty("departement").GetString());
        return statistics.GetProperty("months").EnumerateArray()
            .Single(month => month.GetProperty("ruleId").GetString() == WeeklyHoursBelowEngagement.Id && month.GetProperty("month").GetString() == "2026-11");
    }

    private static (long Raised, long Withdrawn, long Dismissed) Figures(JsonElement month) =>
        (month.GetProperty("raised").GetInt64(), month.GetProperty("withdrawn").GetInt64(), month.GetProperty("dismissed").GetInt64());
}

using System.Net.Http.Json;
using System.Text.Json;
using Platform.Rules.Calendar;

namespace Platform.WebTests;

/// <summary>
/// Ending a suspension early on the pages: the recipient says they meet their obligations again; a counsellor records
/// it too and ends the suspension from a month with a reason; the review service signs; the recipient's allocation page
/// then shows the suspension lifted.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class SuspensionPagesTests(WebPlatform platform)
{
    [Fact]
    public async Task TheRecipientSaysTheyMeetTheirObligationsAgain_AndSeesTheirStatement()
    {
        const string recipientId = "R-web-obligations";
        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", recipientId);
        browser.Open("/recipient/obligations");
        Assert.Contains("Aucune suspension", browser.Find("[data-testid=no-suspension]").Text, StringComparison.Ordinal);
        browser.Check("suspension-1-recipient-obligations");

        // An empty statement: the review service's own message is shown, and nothing is recorded.
        browser.ClickAndWait("#state-obligations-met");
        var problem = browser.Find("[data-testid=problem]");
        Assert.Equal("https://xp-rsa.example/problems/validation", problem.GetAttribute("data-problem-type"));
        Assert.Contains("le texte est vide", problem.Text, StringComparison.Ordinal);
        browser.Check("suspension-2-recipient-obligations-empty");

        browser.Type("#obligations-text", "J'ai repris mes démarches : deux entretiens cette semaine.");
        browser.ClickAndWait("#state-obligations-met");
        Assert.Contains("Votre déclaration est enregistrée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        Assert.Contains("J'ai repris mes démarches : deux entretiens cette semaine.", browser.Find("[data-testid=statements]").Text, StringComparison.Ordinal);
        browser.Check("suspension-3-recipient-obligations-stated");

        // The statement is the review service's, stated by the recipient, exactly once.
        using var review = platform.Services.ClientFor("review", "recipient", recipientId);
        var suspensions = await review.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/suspensions");
        var statement = Assert.Single(suspensions.GetProperty("statements").EnumerateArray());
        Assert.Equal(recipientId, statement.GetProperty("statedBy").GetString());
        Assert.Equal("J'ai repris mes démarches : deux entretiens cette semaine.", statement.GetProperty("text").GetString());

        browser.Open("/recipient/obligations?culture=en-GB");
        Assert.Contains("I meet my obligations again", browser.Find("h1").Text, StringComparison.Ordinal);
        browser.Check("suspension-4-recipient-obligations-en");
    }

    [Fact]
    public async Task ACounsellorEndsASuspensionOnThePage_AndTheRecipientsAllocationShowsItLifted()
    {
        const string recipientId = "R-web-lifted";
        var nextMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow).AddMonths(1));
        var decisionId = await Backstage.SuspendAsync(platform, recipientId, nextMonth);

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("counsellor", "agent-web-lea");
        browser.Open("/review/suspensions");
        browser.Type("#recipient", recipientId);
        browser.ClickAndWait("#show-suspensions");
        Assert.Contains($"30 % pendant 1 mois à partir de {nextMonth}", browser.Find("[data-testid=suspensions]").Text, StringComparison.Ordinal);
        Assert.Equal(nextMonth, browser.Find($"#from-month-{decisionId}").GetAttribute("value"));
        browser.Check("suspension-5-counsellor-suspensions");

        // The counsellor records what the recipient said on the phone.
        browser.Type("#record-text", "Reprise d'une formation, attestation reçue.");
        browser.ClickAndWait("#record-obligations-met");
        Assert.Contains("La déclaration de l'allocataire est enregistrée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        Assert.Contains("Reprise d'une formation, attestation reçue. (agent-web-lea)", browser.Find("[data-testid=statements]").Text, StringComparison.Ordinal);

        // Without a reason, the review service refuses and says why, beside that suspension's form.
        browser.ClickAndWait($"#end-{decisionId}");
        Assert.Equal("https://xp-rsa.example/problems/validation", browser.Find("[data-testid=problem]").GetAttribute("data-problem-type"));
        Assert.Equal("En cours", browser.Find("[data-testid=suspension-ending]").Text);
        browser.Check("suspension-6-counsellor-end-refused");

        var options = browser.FindAll($"#statement-{decisionId} option");
        var statement = options[^1].GetAttribute("value");
        browser.Choose($"#statement-{decisionId}", statement!);
        browser.Type($"#end-reason-{decisionId}", "Formation reprise, vérifiée en entretien.");
        browser.ClickAndWait($"#end-{decisionId}");
        Assert.Contains($"Fin de la suspension décidée à partir de {nextMonth} et signée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        Assert.Contains($"Fin à partir de {nextMonth}, décidée par agent-web-lea : Formation reprise, vérifiée en entretien.",
            browser.Find("[data-testid=suspension-ending]").Text, StringComparison.Ordinal);
        Assert.Empty(browser.FindAll($"#end-{decisionId}"));
        browser.Check("suspension-7-counsellor-ended");
        browser.SignOut();

        // The allocations service verifies the signed ending and lifts the suspension.
        using (var allocations = platform.Services.ClientFor("allocations", "recipient", recipientId))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await allocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/allocation?month={nextMonth}"))
                   .GetProperty("adjustments")[0].GetProperty("liftedFromMonth").ValueKind == JsonValueKind.Null)
            {
                Assert.True(DateTime.UtcNow < deadline, "The suspension was not lifted within 60 s.");
                await Task.Delay(250);
            }
        }

        browser.SignIn("recipient", recipientId);
        browser.Open("/recipient/allocation");
        Assert.Contains($"Levée à partir de {nextMonth}.", browser.Find("[data-testid=allocation]").Text, StringComparison.Ordinal);
        browser.Check("suspension-8-recipient-allocation-lifted");
        browser.Open("/recipient/obligations");
        Assert.Contains($"Fin à partir de {nextMonth}", browser.Find("[data-testid=suspension-ending]").Text, StringComparison.Ordinal);
    }
}

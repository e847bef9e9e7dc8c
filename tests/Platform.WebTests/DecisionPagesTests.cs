using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Rules.Calendar;

namespace Platform.WebTests;

[Collection(WebCollection.Name)]
public sealed class DecisionPagesTests(WebPlatform platform)
{
    [Fact]
    public async Task ASecondPersonApprovesOnThePage_AndTheRecipientSeesTheAdjustmentNamingTheDecision()
    {
        const string recipientId = "R-web-decided";
        var thisMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow));
        var nextMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow).AddMonths(1));
        using (var allocations = platform.Services.ClientFor("allocations", "payer", "caf-web"))
        {
            Assert.Equal(HttpStatusCode.OK, (await allocations.PutAsJsonAsync($"/api/recipients/{recipientId}/allocation",
                new { monthlyBaseAmount = 646.52m, householdSize = 1, loneParentIncrease = false, fromMonth = thisMonth })).StatusCode);
        }

        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 3);
        var caseId = await Backstage.OpenCaseAsync(platform, recipientId, "repeated-shortfall");
        Guid flagId;
        using (var review = platform.Services.ClientFor("review", "counsellor", "agent-web-claire"))
        {
            Assert.Equal(HttpStatusCode.OK, (await review.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
            var proposed = await review.PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals",
                new
                {
                    percent = 30, months = 1, startMonth = nextMonth, reason = "Trois semaines sous l'engagement sans explication.",
                    assessment = new
                    {
                        vulnerability = "Aucune vulnérabilité connue.", dependants = "Personne seule.",
                        natureAndFrequency = "Trois semaines sous l'engagement.", consequences = "Loyer couvert par l'aide au logement.",
                    },
                });
            Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
            // The recipient acknowledges the notice (the window runs from that receipt).
            var noticeId = (await proposed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("notificationId").GetGuid();
            using var recipientReview = platform.Services.ClientFor("review", "recipient", recipientId);
            Assert.Equal(HttpStatusCode.OK, (await recipientReview.PostAsync($"/api/recipients/{recipientId}/notices/{noticeId}/acknowledgement", null)).StatusCode);
            flagId = (await review.GetFromJsonAsync<JsonElement>($"/api/review/cases/{caseId}")).GetProperty("flag").GetProperty("flagId").GetGuid();
        }

        using var browser = new Browser(platform.WebUrl);

        // The recipient is heard: they answer the proposal on their flags page.
        browser.SignIn("recipient", recipientId);
        browser.Open($"/recipient/flags/{flagId}");
        Assert.Contains("Une sanction vous est proposée", browser.Find("[data-testid=flag]").Text, StringComparison.Ordinal);
        browser.Find("[data-testid=flag] textarea").SendKeys("J'étais malade deux de ces semaines.");
        // A first observation leaves the answer window open; saying « nothing to add » closes it.
        browser.Find("[data-testid=flag] label[for^=nothing-to-add-]").Click();
        browser.ClickAndWait("[data-testid=flag] button[type=submit]");
        browser.SignOut();

        // A second person approves on the case page.
        browser.SignIn("supervisor", "agent-web-samir");
        browser.Open($"/review/cases/{caseId}");
        Assert.Contains("J'étais malade deux de ces semaines.", browser.PageText, StringComparison.Ordinal);
        browser.Find("textarea[id^=decision-reason-]").SendKeys("Observation lue ; l'entretien confirme le manquement.");
        browser.ClickAndWait("#approve");
        Assert.Contains("Sanction approuvée et signée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        browser.Check("supervisor-3-approved");
        browser.SignOut();

        // The allocations service applies the signed decision; the recipient's page names it.
        using (var allocations = platform.Services.ClientFor("allocations", "recipient", recipientId))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await allocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/allocation?month={nextMonth}"))
                   .GetProperty("adjustments").GetArrayLength() == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The allocation was not adjusted within 60 s.");
                await Task.Delay(250);
            }
        }

        browser.SignIn("recipient", recipientId);
        browser.Open("/recipient/allocation");
        var table = browser.Find("[data-testid=allocation]").Text;
        Assert.Contains($"Suspension de 30 %", table, StringComparison.Ordinal);
        Assert.Contains("décision n°", table, StringComparison.Ordinal);
        Assert.Contains("452,56", table, StringComparison.Ordinal);
        browser.Check("recipient-8-allocation-adjusted");

        // The decision's letter: who decided, under which delegation, and how to contest it; receiving it starts the two months.
        browser.Open("/recipient/decisions");
        var letters = browser.Find("[data-testid=decision-letters]").Text;
        Assert.Contains("Décision : suspension de 30 % de votre RSA", letters, StringComparison.Ordinal);
        Assert.Contains(Platform.IntegrationTests.Infrastructure.TestDelegations.Reference, letters, StringComparison.Ordinal);
        Assert.Contains("recours administratif préalable obligatoire", letters, StringComparison.Ordinal);
        Assert.Contains("tribunal administratif", letters, StringComparison.Ordinal);
        browser.ClickAndWait("[data-testid=decision-letters] button[type=submit]");
        Assert.Contains("recours préalable possible jusqu'au", browser.Find("[data-testid=letter-received]").Text, StringComparison.Ordinal);
        browser.Check("recipient-9-decision-letter");
    }
}

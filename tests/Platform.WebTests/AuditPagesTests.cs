using System.Net;
using System.Net.Http.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Platform.Rules.Calendar;

namespace Platform.WebTests;

[Collection(WebCollection.Name)]
public sealed class AuditPagesTests(WebPlatform platform)
{
    [Fact]
    public async Task Auditor_SeesACleanVerification_AndReplaysARecipient()
    {
        const string recipientId = "R-web-audit";
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 1);
        await Backstage.OpenCaseAsync(platform, recipientId, "weekly-hours-below-engagement");

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("auditor", "auditor-web");
        Assert.EndsWith("/audit/verification", browser.Url, StringComparison.Ordinal);
        Assert.Contains("Journal intact", browser.Find("[data-testid=verification-intact]").Text, StringComparison.Ordinal);
        Assert.Empty(browser.FindAll("[data-testid=verification-broken]"));
        browser.Check("auditor-1-verification");

        // The audit service reads the log from the broker: the replay shows the week once its events are in.
        new WebDriverWait(browser.Driver, TimeSpan.FromSeconds(60)) { PollingInterval = TimeSpan.FromMilliseconds(500) }.Until(driver =>
        {
            browser.Open("/audit/replay");
            browser.Type("#recipient", recipientId);
            browser.ClickAndWait("#replay");
            return driver.FindElements(By.CssSelector("[data-testid=replay-flag]")).Count > 0;
        });
        Assert.Contains(recipientId, browser.Find("[data-testid=replay-title]").Text, StringComparison.Ordinal);
        Assert.Contains($"Semaine {Backstage.ThisWeek.Previous}", browser.Find("[data-testid=replay-flag]").Text, StringComparison.Ordinal);
        Assert.Contains(Backstage.ThisWeek.Previous.ToString(), browser.Find("[data-testid=replay-declarations]").Text, StringComparison.Ordinal);
        browser.Check("auditor-2-replay");
    }

    [Fact]
    public async Task Auditor_SeesARuleHumansMostlyDismiss_StandOut()
    {
        // Every decided flag of the weekly-hours rule in this platform is a dismissal: the page must point the rule out.
        const string recipientId = "R-web-stats";
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 1);
        var caseId = await Backstage.OpenCaseAsync(platform, recipientId, "weekly-hours-below-engagement");
        using (var review = platform.Services.ClientFor("review", "counsellor", "agent-web-stats"))
        {
            Assert.Equal(HttpStatusCode.OK, (await review.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await review.PostAsJsonAsync($"/api/review/cases/{caseId}/dismiss", new { reason = "Justificatif reçu." })).StatusCode);
        }

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("auditor", "auditor-web");
        var section = "[data-testid=rule-weekly-hours-below-engagement]";
        new WebDriverWait(browser.Driver, TimeSpan.FromSeconds(60)) { PollingInterval = TimeSpan.FromMilliseconds(500) }.Until(driver =>
        {
            browser.Open("/audit/rules");
            return driver.FindElements(By.CssSelector($"{section} [data-testid=mostly-dismissed]")).Count > 0;
        });

        Assert.Contains("Classée sans suite dans 100", browser.Find($"{section} [data-testid=mostly-dismissed]").Text, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(browser.FindAll($"{section} bar-chart"));
        Assert.NotEmpty(browser.FindAll($"{section} table tbody tr"));
        Assert.Empty(browser.FindAll("[data-testid=rule-declaration-missing] [data-testid=mostly-dismissed]"));
        browser.Check("auditor-3-rules");
    }

    [Fact]
    public async Task Auditor_SeesTheAppealsAgainstARulesSanctions_AndTheAppealInTheReplay()
    {
        // A sanction of the repeated-shortfall rule, appealed by the person and annulled by a third person with a delegation.
        const string recipientId = "R-web-appeal-stats";
        var nextMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow).AddMonths(1));
        var decisionId = await Backstage.SuspendAsync(platform, recipientId, nextMonth);
        using (var recipient = platform.Services.ClientFor("review", "recipient", recipientId))
        {
            var filed = await recipient.PostAsJsonAsync(
                $"/api/recipients/{recipientId}/appeals", new { decisionId, reasons = "J'étais hospitalisé ces semaines-là." });
            Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
            var appealId = (await filed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("appealId").GetGuid();
            using var third = platform.Services.ClientFor("review", "supervisor", WebPlatform.AppealDecider);
            Assert.Equal(HttpStatusCode.OK, (await third.PostAsJsonAsync(
                $"/api/review/appeals/{appealId}/decide", new { outcome = "annulled", reason = "L'hospitalisation excuse ces semaines." })).StatusCode);
        }

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("auditor", "auditor-web");
        var appeals = "[data-testid=appeals-repeated-shortfall]";
        // The audit service reads the log from the broker: the figures show the annulment (fifth figure) once its events are in.
        new WebDriverWait(browser.Driver, TimeSpan.FromSeconds(60)) { PollingInterval = TimeSpan.FromMilliseconds(500) }.Until(driver =>
        {
            browser.Open("/audit/rules");
            return driver.FindElements(By.CssSelector($"{appeals} tbody tr")).Any(row =>
                int.Parse(row.FindElements(By.CssSelector("td"))[4].Text, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        });

        Assert.Contains("Annulées", browser.Find($"{appeals} thead").Text, StringComparison.Ordinal);
        Assert.NotEmpty(browser.FindAll(
            "[data-testid=rule-repeated-shortfall] [data-testid=mostly-annulled], [data-testid=rule-repeated-shortfall] [data-testid=annulled-share]"));
        browser.Check("auditor-4-rules-appeals");

        browser.Open("/audit/replay");
        browser.Type("#recipient", recipientId);
        browser.ClickAndWait("#replay");
        var replayed = browser.Find("[data-testid=replay-appeals]").Text;
        Assert.Contains($"contre la décision {decisionId}", replayed, StringComparison.Ordinal);
        Assert.Contains("Sanction annulée", replayed, StringComparison.Ordinal);
        browser.Check("auditor-5-replay-appeal");
    }
}

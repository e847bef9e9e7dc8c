using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Rules.Calendar;

namespace Platform.WebTests;

/// <summary>
/// The prior appeal (RAPO) on the pages: the person contests a sanction decision from their decisions page and sees it
/// acknowledged with its date of implicit rejection; a paper appeal on a decision not the person's is refused; the
/// proposer trying to decide it is refused; a third person, with a
/// delegation, records the commission's opinion and annuls it from the appeals queue; the person's page says so. Every
/// page passes axe-core.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AppealPagesTests(WebPlatform platform)
{
    private const string Proposer = "agent-web-appeal-claire";

    [Fact]
    public async Task ThePersonAppealsFromTheirDecisions_TheProposerIsRefused_AndAThirdPersonAnnulsItFromTheQueue()
    {
        const string recipientId = "R-web-appeal";
        // A sanction proposed by Proposer, heard, and approved by the supervisor with a delegation, all through the API.
        await Backstage.ApproveSanctionAsync(
            platform, recipientId, Proposer, Months.Format(Months.Of(DateTimeOffset.UtcNow).AddMonths(1)));
        var french = CultureInfo.GetCultureInfo("fr-FR");
        var implicitRejection = WeekCalendar.TodayIn(DateTimeOffset.UtcNow).AddMonths(2).ToString("d MMMM yyyy", french);

        using var browser = new Browser(platform.WebUrl);

        // The person reads the decision, says they received it, and contests it: without reasons it is refused (422).
        browser.SignIn("recipient", recipientId);
        browser.Open("/recipient/decisions");
        browser.ClickAndWait("[data-testid=decision-letters] button[type=submit]");
        Assert.Contains("Contester cette décision (RAPO)", browser.Find("[data-testid=decision-letters]").Text, StringComparison.Ordinal);
        browser.Check("appeal-1-recipient-decision");
        browser.ClickAndWait("button[id^=file-appeal-]");
        var refused = browser.Find("[data-testid=decision-letters] [data-testid=problem]");
        Assert.EndsWith("/problems/validation", refused.GetAttribute("data-problem-type"), StringComparison.Ordinal);
        Assert.Contains("un recours sans motifs ne peut pas être examiné", refused.Text, StringComparison.Ordinal);

        browser.Type("textarea[id^=appeal-reasons-]", "Mon fils était hospitalisé ces semaines-là.");
        browser.Type("textarea[id^=appeal-documents-]", "bulletin d'hospitalisation du 3 novembre");
        browser.ClickAndWait("button[id^=file-appeal-]");
        Assert.Contains("Votre recours préalable est enregistré", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        Assert.Equal("En cours d'instruction", Words(browser.Find("[data-testid=appeal-state]")));
        Assert.Contains(implicitRejection, browser.Find("[data-testid=appeal-deadline]").Text, StringComparison.Ordinal);
        Assert.Contains("bulletin d'hospitalisation du 3 novembre", browser.Find("[data-testid=appeal-facts]").Text, StringComparison.Ordinal);
        Assert.Contains("Accusé de réception du recours", browser.Find("[data-testid=appeal-letters]").Text, StringComparison.Ordinal);
        browser.Check("appeal-2-recipient-filed");
        browser.SignOut();

        Guid appealId;
        using (var review = platform.Services.ClientFor("review", "counsellor", "agent-backstage"))
        {
            var appeals = await review.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/appeals");
            appealId = Assert.Single(appeals.GetProperty("appeals").EnumerateArray()).GetProperty("appealId").GetGuid();
        }

        // The proposer finds it in the queue, with its deadline, but may not decide it: the page shows the 403.
        browser.SignIn("counsellor", Proposer);
        browser.Open("/review/appeals");
        var queue = browser.Find("[data-testid=appeals]").Text;
        Assert.Contains(recipientId, queue, StringComparison.Ordinal);
        Assert.Contains(implicitRejection, queue, StringComparison.Ordinal);
        browser.Check("appeal-3-counsellor-queue");

        // A paper appeal naming a decision that is not the person's: the 404 shows beside the form, nothing recorded.
        browser.Type("#paper-recipient", recipientId);
        browser.Type("#paper-decision", Guid.NewGuid().ToString());
        browser.SetValue("#paper-received", WeekCalendar.TodayIn(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        browser.Type("#paper-reasons", "Courrier reçu : l'allocataire conteste.");
        browser.ClickAndWait("#file-paper-appeal");
        Assert.EndsWith("/problems/not-found", browser.Find("[data-testid=problem]").GetAttribute("data-problem-type"), StringComparison.Ordinal);
        Assert.Equal("Courrier reçu : l'allocataire conteste.", browser.Find("#paper-reasons").GetAttribute("value"));
        Assert.Single(browser.FindAll("[data-testid=appeals] tbody tr"));
        browser.ClickAndWait($"[data-testid=appeals] a[href='/review/appeals/{appealId}']");
        browser.Find("label[for=outcome-annulled]").Click();
        browser.Type("#decide-reason", "Je reviens sur ma propre proposition.");
        browser.ClickAndWait("#decide-appeal");
        var tookPart = browser.Find("[data-testid=problem]");
        Assert.EndsWith("/problems/appeal-instructor-took-part", tookPart.GetAttribute("data-problem-type"), StringComparison.Ordinal);
        browser.Check("appeal-4-proposer-refused");
        browser.SignOut();

        // A third person, holding a delegation, records the commission's opinion and annuls the decision.
        browser.SignIn("supervisor", WebPlatform.AppealDecider);
        browser.Open($"/review/appeals/{appealId}");
        browser.Type("#opinion", "La commission estime l'hospitalisation établie.");
        browser.ClickAndWait("#record-opinion");
        Assert.Contains("La commission estime l'hospitalisation établie.", browser.Find("[data-testid=appeal-opinion]").Text, StringComparison.Ordinal);
        browser.Find("label[for=outcome-annulled]").Click();
        browser.Type("#decide-reason", "L'hospitalisation de l'enfant excuse ces semaines.");
        browser.ClickAndWait("#decide-appeal");
        Assert.Contains("Décision annulée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        Assert.NotNull(browser.Find("[data-testid=no-appeals]"));
        browser.Check("appeal-5-annulled-by-a-third-person");
        browser.SignOut();

        // The person's page says the decision is annulled, with the decision's letter.
        browser.SignIn("recipient", recipientId);
        browser.Open("/recipient/decisions");
        Assert.Equal("Décision annulée", Words(browser.Find("[data-testid=appeal-state]")));
        Assert.Contains("L'hospitalisation de l'enfant excuse ces semaines.", browser.Find("[data-testid=appeal-outcome]").Text, StringComparison.Ordinal);
        Assert.Contains("Décision sur le recours", browser.Find("[data-testid=appeal-letters]").Text, StringComparison.Ordinal);
        browser.Check("appeal-6-recipient-annulled");

        // Each letter opens as a PDF, through the web front with the person's session.
        foreach (var link in browser.FindAll("[data-testid=appeal-letters] a").Select(link => link.GetAttribute("href")).ToList())
        {
            var answer = (string?)browser.Driver.ExecuteAsyncScript(
                """
                const done = arguments[arguments.length - 1];
                fetch(arguments[0]).then(response => done(response.status + ' ' + response.headers.get('content-type'))).catch(error => done(String(error)));
                """,
                link);
            Assert.Equal("200 application/pdf", answer);
        }
    }

    /// <summary>A badge's words as written (the design system shows them in capitals).</summary>
    private static string Words(OpenQA.Selenium.IWebElement element) => (element.GetAttribute("textContent") ?? "").Trim();
}

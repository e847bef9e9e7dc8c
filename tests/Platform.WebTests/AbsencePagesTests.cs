namespace Platform.WebTests;

/// <summary>
/// Justified absences on the pages: the recipient declares one (a bad period shows the declarations service's own
/// message and records nothing), a counsellor accepts it with a reason, and the recipient reads the decision.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AbsencePagesTests(WebPlatform platform)
{
    [Fact]
    public void TheRecipientDeclaresAnAbsence_ACounsellorAcceptsIt_AndTheRecipientReadsTheDecision()
    {
        const string recipientId = "R-web-absence";
        var lastWeek = Platform.Rules.Calendar.WeekCalendar.WeekOf(DateTimeOffset.UtcNow).AddWeeks(-1).ToString();
        using (var browser = new Browser(platform.WebUrl))
        {
            browser.SignIn("recipient", recipientId);
            browser.Open("/recipient/absences");
            browser.Check("absence-1-recipient-empty");

            // The last week before the first: the service's message is shown beside the form, and nothing is recorded.
            browser.Type("#absence-from", lastWeek);
            browser.Type("#absence-to", Platform.Rules.Calendar.IsoWeek.Parse(lastWeek).AddWeeks(-1).ToString());
            browser.Type("#absence-details", "Grippe, arrêt de travail de dix jours.");
            browser.ClickAndWait("#declare-absence");
            var problem = browser.Find("[data-testid=problem]");
            Assert.Equal("https://xp-rsa.example/problems/validation", problem.GetAttribute("data-problem-type"));
            Assert.Contains("précède la première", problem.Text, StringComparison.Ordinal);
            browser.Check("absence-2-recipient-bad-period");

            browser.Open("/recipient/absences");
            browser.Type("#absence-from", lastWeek);
            browser.Type("#absence-to", lastWeek);
            browser.Type("#absence-details", "Grippe, arrêt de travail de dix jours.");
            browser.Type("#absence-document", "arret-maladie.pdf");
            browser.ClickAndWait("#declare-absence");
            Assert.Contains("Votre absence est déclarée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
            Assert.Contains("En attente de décision", browser.Find("[data-testid=absences]").Text, StringComparison.Ordinal);
            browser.Check("absence-3-recipient-declared");
        }

        using (var browser = new Browser(platform.WebUrl))
        {
            browser.SignIn("counsellor", "agent-web-absences");
            browser.Open($"/review/absences?recipient={recipientId}");
            Assert.Contains("Grippe, arrêt de travail de dix jours. (arret-maladie.pdf)", browser.Find("[data-testid=absences]").Text, StringComparison.Ordinal);
            browser.Check("absence-4-counsellor-pending");
            browser.Type("textarea[name=Reason]", "Arrêt de travail reçu.");
            browser.ClickAndWait("button[id^=accept-]");
            Assert.Contains("Absence acceptée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
            browser.Check("absence-5-counsellor-accepted");
        }

        using (var browser = new Browser(platform.WebUrl))
        {
            browser.SignIn("recipient", recipientId);
            browser.Open("/recipient/absences?culture=en-GB");
            Assert.Contains("Accepted — Arrêt de travail reçu.", browser.Find("[data-testid=absences]").Text, StringComparison.Ordinal);
            browser.Check("absence-6-recipient-accepted-en");
        }
    }
}

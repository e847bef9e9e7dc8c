using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Rules.Calendar;

namespace Platform.WebTests;

/// <summary>
/// The right to be heard on the pages (CASF L262-37): the recipient reads the notice, acknowledges it and asks to be
/// heard naming who will assist them, or says they have nothing to add; a counsellor schedules the hearing and records
/// it from the case page. Every page passes axe-core.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class HearingPagesTests(WebPlatform platform)
{
    /// <summary>A proposal on the recipient's repeated shortfall, made through the API; returns the case's id.</summary>
    private async Task<Guid> ProposeAsync(string recipientId)
    {
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 3);
        var caseId = await Backstage.OpenCaseAsync(platform, recipientId, "repeated-shortfall");
        using var review = platform.Services.ClientFor("review", "counsellor", "agent-web-hearing");
        Assert.Equal(HttpStatusCode.OK, (await review.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        var proposed = await review.PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals", new
        {
            percent = 30,
            months = 1,
            startMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow).AddMonths(2)),
            reason = "Trois semaines sous l'engagement sans explication.",
            assessment = new
            {
                vulnerability = "Aucune vulnérabilité connue.", dependants = "Personne seule.",
                natureAndFrequency = "Trois semaines sous l'engagement.", consequences = "Loyer couvert par l'aide au logement.",
            },
        });
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        return caseId;
    }

    [Fact]
    public async Task TheRecipientAsksToBeHeard_FromTheNotice_AndACounsellorSchedulesAndRecordsTheHearing()
    {
        const string recipientId = "R-web-hearing";
        var caseId = await ProposeAsync(recipientId);

        using (var browser = new Browser(platform.WebUrl))
        {
            browser.SignIn("recipient", recipientId);
            browser.Open("/recipient/notices");
            browser.Check("hearing-1-recipient-notices");
            browser.ClickAndWait("[data-testid=notices] a");
            Assert.Contains("Aucune", browser.Find("[data-testid=section-absences]").Text, StringComparison.Ordinal);
            Assert.Contains("être entendu", browser.Find("[data-testid=letter]").Text, StringComparison.Ordinal);
            browser.Check("hearing-2-recipient-notice");

            browser.ClickAndWait("#acknowledge");
            Assert.Contains("la réception de l'avis est enregistrée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
            Assert.Contains("vous pouvez répondre jusqu'au", browser.PageText, StringComparison.Ordinal);

            browser.Type("#assistant-name", "Mme Martin");
            browser.Type("#assistant-role", "Association Entraide");
            browser.ClickAndWait("#request-hearing");
            Assert.Contains("Votre demande d'entretien est enregistrée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
            var state = browser.Find("[data-testid=hearing-state]").Text;
            Assert.Contains("un conseiller vous proposera une date", state, StringComparison.Ordinal);
            Assert.Contains("Mme Martin (Association Entraide)", state, StringComparison.Ordinal);
            browser.Check("hearing-3-recipient-requested");
        }

        using (var browser = new Browser(platform.WebUrl))
        {
            browser.SignIn("counsellor", "agent-web-hearing");
            browser.Open($"/review/cases/{caseId}");
            Assert.Contains("Mme Martin (Association Entraide)", browser.Find("[data-testid=hearing-state]").Text, StringComparison.Ordinal);
            browser.Check("hearing-4-counsellor-requested");

            // In the past: the review service's message beside the form, nothing scheduled.
            var paris = Platform.Rules.Calendar.WeekCalendar.Paris;
            string Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, paris).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            browser.SetValue("input[name=HearingAt]", Local(DateTimeOffset.UtcNow.AddHours(-1)));
            browser.Type("input[name=HearingPlace]", "Agence de Saint-Denis, 3 rue de la Gare");
            browser.ClickAndWait("#schedule-hearing");
            var problem = browser.Find("[data-testid=problem]");
            Assert.Equal("https://xp-rsa.example/problems/validation", problem.GetAttribute("data-problem-type"));
            Assert.Contains("dans le passé", problem.Text, StringComparison.Ordinal);
            browser.Check("hearing-5-counsellor-past");

            // A few seconds ahead, so that it can be recorded once its time has come.
            var at = DateTimeOffset.UtcNow.AddSeconds(20);
            browser.Open($"/review/cases/{caseId}");
            browser.SetValue("input[name=HearingAt]", Local(at));
            browser.Type("input[name=HearingPlace]", "Agence de Saint-Denis, 3 rue de la Gare");
            browser.ClickAndWait("#schedule-hearing");
            Assert.Contains("Entretien programmé", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
            Assert.Contains("Agence de Saint-Denis", browser.Find("[data-testid=hearing-state]").Text, StringComparison.Ordinal);
            browser.Check("hearing-6-counsellor-scheduled");

            while (DateTimeOffset.UtcNow <= at.AddSeconds(1))
            {
                await Task.Delay(250);
            }

            browser.Open($"/review/cases/{caseId}");
            browser.Type("input[name=Attendees]", "L'allocataire, Mme Martin (Association Entraide), agent-web-hearing");
            browser.Type("textarea[name=Summary]", "L'allocataire explique une hospitalisation ; justificatif promis.");
            browser.ClickAndWait("#record-hearing");
            Assert.Contains("Entretien enregistré", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
            Assert.Contains("Tenu le", browser.Find("[data-testid=hearing-state]").Text, StringComparison.Ordinal);
            browser.Check("hearing-7-counsellor-held");
        }

        using (var review = platform.Services.ClientFor("review", "recipient", recipientId))
        {
            var notices = await review.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/notices");
            var hearing = notices.GetProperty("notices")[0].GetProperty("hearing");
            Assert.Equal("held", hearing.GetProperty("state").GetString());
            Assert.True(hearing.GetProperty("personAttended").GetBoolean());
        }
    }

    [Fact]
    public async Task TheRecipientSaysTheyHaveNothingToAdd_FromTheNotice()
    {
        const string recipientId = "R-web-nothing-more";
        await ProposeAsync(recipientId);

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", recipientId);
        browser.Open("/recipient/notices");
        browser.ClickAndWait("[data-testid=notices] a");
        browser.ClickAndWait("#acknowledge");
        browser.Type("#last-words", "J'étais malade ; le certificat est chez ma conseillère.");
        browser.ClickAndWait("#nothing-to-add");
        Assert.Contains("vous n'avez rien à ajouter", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        browser.Check("hearing-8-recipient-nothing-to-add");

        using var review = platform.Services.ClientFor("review", "recipient", recipientId);
        var flags = await review.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/flags");
        var observations = flags.GetProperty("flags").EnumerateArray().SelectMany(flag => flag.GetProperty("observations").EnumerateArray()).ToList();
        var said = Assert.Single(observations);
        Assert.True(said.GetProperty("nothingToAdd").GetBoolean());
        Assert.Equal("J'étais malade ; le certificat est chez ma conseillère.", said.GetProperty("text").GetString());
    }
}

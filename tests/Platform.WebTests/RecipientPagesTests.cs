using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.WebTests;

[Collection(WebCollection.Name)]
public sealed class RecipientPagesTests(WebPlatform platform)
{
    [Fact]
    public void Recipient_DeclaresAWeekWithTwoRows_AndSeesItInTheirWeeks()
    {
        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", "R-web-declare");
        Assert.EndsWith("/recipient/week", browser.Url, StringComparison.Ordinal);
        Assert.Equal("true", browser.Find("html").GetAttribute("data-fr-js")); // the bundled design system's script ran
        browser.Check("recipient-1-declare-week");

        var week = Backstage.ThisWeek;
        browser.Choose("#Rows_0__Category", "job-search");
        browser.SetValue("#Rows_0__Date", week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        browser.Type("#Rows_0__Hours", "12");
        browser.Type("#Rows_0__Note", "Candidatures");
        browser.ClickAndWait("#add-row");
        Assert.Equal(2, browser.FindAll("fieldset[id^=row-]").Count);
        Assert.Equal("12", browser.Find("#Rows_0__Hours").GetAttribute("value"));

        browser.Choose("#Rows_1__Category", "training");
        browser.SetValue("#Rows_1__Date", week.Monday.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        browser.Type("#Rows_1__Hours", "3,5");
        browser.ClickAndWait("#submit-week");

        Assert.EndsWith($"/recipient/history/{week}", browser.Url, StringComparison.Ordinal);
        Assert.Contains($"semaine {week} est enregistrée (version 1, 15,5 h)", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        var version = browser.Find("[data-testid=version-1]").Text;
        Assert.Contains("Recherche d'emploi", version, StringComparison.Ordinal);
        Assert.Contains("Formation", version, StringComparison.Ordinal);
        Assert.Contains("Candidatures", version, StringComparison.Ordinal);
        browser.Check("recipient-2-week-versions");

        browser.Open("/recipient/history");
        Assert.Contains(week.ToString(), browser.Find("[data-testid=weeks]").Text, StringComparison.Ordinal);
        browser.Check("recipient-3-weeks");
    }

    [Fact]
    public void Recipient_DeclaresAWeek_WithJavaScriptTurnedOff()
    {
        using var browser = new Browser(platform.WebUrl, javaScript: false);
        browser.SignIn("recipient", "R-web-nojs");
        Assert.Null(browser.Find("html").GetAttribute("data-fr-js")); // the design system's script did not run
        browser.Choose("#Rows_0__Category", "workshop");
        browser.Type("#Rows_0__Hours", "2");
        browser.ClickAndWait("#add-row");
        browser.Choose("#Rows_1__Category", "health");
        browser.Type("#Rows_1__Hours", "1");
        browser.ClickAndWait("#submit-week");

        var version = browser.Find("[data-testid=version-1]").Text;
        Assert.Contains("Atelier", version, StringComparison.Ordinal);
        Assert.Contains("Santé", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recipient_ShowsOneHealthAppointmentToTheCounsellor_AndTheOtherStaysAPersonalAppointment()
    {
        const string recipientId = "R-web-share";
        var week = Backstage.ThisWeek;
        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", recipientId);
        browser.Choose("#Rows_0__Category", "health");
        browser.Type("#Rows_0__Hours", "2");
        browser.Find("label[for=Rows_0__Share]").Click();
        browser.ClickAndWait("#add-row");
        Assert.True(browser.Find("#Rows_0__Share").Selected);
        browser.Choose("#Rows_1__Category", "health");
        browser.SetValue("#Rows_1__Date", week.Monday.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        browser.Type("#Rows_1__Hours", "1");
        browser.Check("recipient-10-share-health");
        browser.ClickAndWait("#submit-week");
        Assert.Contains($"semaine {week} est enregistrée (version 1, 3 h)", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);

        // The counsellor sees the shared appointment as it is and the other as a personal appointment, hours kept.
        using var counsellor = platform.Services.ClientFor("declarations", "counsellor", "agent-backstage");
        var declaration = await counsellor.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/declarations/{week}");
        var seen = declaration.GetProperty("activities").EnumerateArray()
            .Select(activity => (activity.GetProperty("category").GetString(), activity.GetProperty("hours").GetDecimal()))
            .OrderBy(activity => activity.Item2)
            .ToList();
        Assert.Equal([("personal-appointment", 1m), ("health", 2m)], seen);

        // The person's own form shows their choice again.
        browser.Open($"/recipient/week/{week}");
        Assert.True(browser.Find("#Rows_0__Share").Selected);
        Assert.False(browser.Find("#Rows_1__Share").Selected);
    }

    [Fact]
    public void Recipient_RemovesARow_WithoutJavaScript_AndTheFormKeepsTheOthers()
    {
        using var browser = new Browser(platform.WebUrl, javaScript: false);
        browser.SignIn("recipient", "R-web-rows");
        browser.Type("#Rows_0__Hours", "4");
        browser.ClickAndWait("#add-row");
        browser.Type("#Rows_1__Hours", "6");
        browser.ClickAndWait("#remove-0");

        Assert.Single(browser.FindAll("fieldset[id^=row-]"));
        Assert.Equal("6", browser.Find("#Rows_0__Hours").GetAttribute("value"));
    }

    [Fact]
    public void Recipient_SendingAnActivityWithoutCategory_SeesTheServicesMessage()
    {
        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", "R-web-invalid");
        browser.Type("#Rows_0__Hours", "4");
        browser.ClickAndWait("#submit-week");

        var problem = browser.Find("[data-testid=problem]");
        Assert.EndsWith("/problems/validation", problem.GetAttribute("data-problem-type"), StringComparison.Ordinal);
        Assert.EndsWith("/recipient/week", browser.Url, StringComparison.Ordinal);
        browser.Check("recipient-4-declare-week-refused");
    }

    [Fact]
    public async Task Recipient_SeesTheFlagInPlainWords_AndAnswersIt()
    {
        const string recipientId = "R-web-flagged";
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 1);
        await Backstage.OpenCaseAsync(platform, recipientId, "weekly-hours-below-engagement");

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", recipientId);
        browser.Open("/recipient/flags");
        browser.Check("recipient-5-flags");
        var flag = browser.Find("[data-testid=flag]").Text;
        Assert.Contains($"Semaine {Backstage.ThisWeek.Previous}", flag, StringComparison.Ordinal);
        Assert.Contains("En attente d'examen par un conseiller", flag, StringComparison.OrdinalIgnoreCase);

        browser.Find("[data-testid=flag] textarea").SendKeys("J'étais malade cette semaine-là.");
        browser.ClickAndWait("[data-testid=flag] button[type=submit]");
        Assert.Contains("Votre réponse est enregistrée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        Assert.Contains("J'étais malade cette semaine-là.", browser.Find("[data-testid=flag]").Text, StringComparison.Ordinal);
        Assert.Contains("Comment ce signalement a été produit", browser.PageText, StringComparison.Ordinal);
        browser.Check("recipient-6-flag-explanation");

        browser.Open("/recipient/allocation");
        browser.Check("recipient-7-allocation");
    }
}

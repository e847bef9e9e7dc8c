using System.Net;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Platform.WebTests;

/// <summary>The pages as agents of one département and as the person whose file they read.</summary>
[Collection(WebCollection.Name)]
public sealed class DepartementPagesTests(WebPlatform platform)
{
    [Fact]
    public async Task CounsellorOfParis_SeesParisCases_AndNeverMarseilles()
    {
        const string paris = "R-web-dep-paris";
        const string marseille = "R-web-dep-marseille";
        await Backstage.DeclareShortWeeksAsync(platform, paris, 1, "75");
        await Backstage.DeclareShortWeeksAsync(platform, marseille, 1, "13");
        var parisCase = await Backstage.OpenCaseAsync(platform, paris, "weekly-hours-below-engagement");
        var marseilleCase = await Backstage.OpenCaseAsync(platform, marseille, "weekly-hours-below-engagement");

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("counsellor", "agent-web-paris", "75");
        // The review service learns the recipients' départements from the broker: poll until Paris's case is listed.
        new WebDriverWait(browser.Driver, TimeSpan.FromSeconds(60)) { PollingInterval = TimeSpan.FromMilliseconds(500) }.Until(driver =>
        {
            browser.Open("/review/queue");
            return driver.FindElements(By.CssSelector("[data-testid=queue]")).Any(queue => queue.Text.Contains(paris, StringComparison.Ordinal));
        });
        var queue = browser.Find("[data-testid=queue]").Text;
        Assert.Contains(paris, queue, StringComparison.Ordinal);
        Assert.DoesNotContain(marseille, queue, StringComparison.Ordinal);
        browser.Check("departement-1-queue-of-paris");

        browser.Open($"/review/cases/{parisCase}");
        Assert.Contains(paris, browser.Find("h1").Text, StringComparison.Ordinal);

        // Marseille's case by its address: the same not-found as an address that names nothing, and nothing of the case.
        browser.Open($"/review/cases/{marseilleCase}");
        Assert.EndsWith("/not-found", browser.Find("[data-testid=problem]").GetAttribute("data-problem-type"), StringComparison.Ordinal);
        Assert.DoesNotContain(marseille, browser.PageText, StringComparison.Ordinal);
        Assert.Empty(browser.FindAll("[data-testid=explanation]"));
        browser.Check("departement-2-case-of-marseille");
    }

    [Fact]
    public async Task Auditor_NarrowsTheRuleFiguresToOneDepartement()
    {
        await Backstage.DeclareShortWeeksAsync(platform, "R-web-dep-stats", 1, "75");
        await Backstage.OpenCaseAsync(platform, "R-web-dep-stats", "weekly-hours-below-engagement");

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("auditor", "auditor-web");
        var section = "[data-testid=rule-weekly-hours-below-engagement]";
        // The statistics are computed at most every few seconds: poll until Paris's flag shows.
        new WebDriverWait(browser.Driver, TimeSpan.FromSeconds(60)) { PollingInterval = TimeSpan.FromMilliseconds(500) }.Until(driver =>
        {
            browser.Open("/audit/rules");
            browser.Type("#departement", "75");
            browser.ClickAndWait("#show-departement");
            return driver.FindElements(By.CssSelector($"{section} table tbody tr")).Count > 0;
        });
        Assert.Contains("?departement=75", browser.Url, StringComparison.Ordinal);
        Assert.Contains("département 75", browser.Find("[data-testid=scope]").Text, StringComparison.Ordinal);
        Assert.Equal("75", browser.Find("#departement").GetAttribute("value"));
        browser.Check("departement-3-rules-of-paris");

        // Corse-du-Sud has no flag in these tests; code 20 is no longer a département.
        browser.Open("/audit/rules?departement=2A");
        Assert.Contains("Aucun signalement pour l'instant.", browser.Find(section).Text, StringComparison.Ordinal);
        browser.Open("/audit/rules?departement=20");
        Assert.Contains("code INSEE", browser.Find("[data-testid=problem]").Text, StringComparison.Ordinal);
        Assert.Contains("« 20 »", browser.Find("[data-testid=problem]").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recipient_SeesThatACounsellorReadTheirFile()
    {
        const string recipientId = "R-web-dep-consulted";
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 1, "75");
        using (var counsellor = platform.Services.ClientFor("declarations", "counsellor", "agent-web-reader", "75"))
        {
            Assert.Equal(HttpStatusCode.OK, (await counsellor.GetAsync($"/api/recipients/{recipientId}/engagement")).StatusCode);
        }

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", recipientId);
        browser.ClickAndWait("a.fr-nav__link[href='/recipient/consultations']");
        // The audit service reads the record of the read from the broker: poll until the page lists it.
        new WebDriverWait(browser.Driver, TimeSpan.FromSeconds(60)) { PollingInterval = TimeSpan.FromMilliseconds(500) }.Until(driver =>
        {
            browser.Open("/recipient/consultations");
            return driver.FindElements(By.CssSelector("[data-testid=consultation]")).Any(row => row.Text.Contains("agent-web-reader", StringComparison.Ordinal));
        });

        var read = browser.FindAll("[data-testid=consultation]").First(row => row.Text.Contains("agent-web-reader", StringComparison.Ordinal)).Text;
        Assert.Contains("Conseiller ou conseillère", read, StringComparison.Ordinal);
        Assert.Contains("Déclarations et engagement", read, StringComparison.Ordinal);
        Assert.Contains("GET /api/recipients/{recipientId}/engagement", read, StringComparison.Ordinal);
        browser.Check("departement-4-consultations");
    }
}

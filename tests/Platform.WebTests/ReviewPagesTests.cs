namespace Platform.WebTests;

[Collection(WebCollection.Name)]
public sealed class ReviewPagesTests(WebPlatform platform)
{
    [Fact]
    public async Task Counsellor_DismissesACase_AndItLeavesTheQueue()
    {
        const string recipientId = "R-web-dismiss";
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 1);
        var caseId = await Backstage.OpenCaseAsync(platform, recipientId, "weekly-hours-below-engagement");

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("counsellor", "agent-web-1");
        Assert.EndsWith("/review/queue", browser.Url, StringComparison.Ordinal);
        Assert.NotEmpty(browser.FindAll($"tr[data-case='{caseId}']"));
        browser.Check("counsellor-1-queue");

        browser.ClickAndWait($"tr[data-case='{caseId}'] a");
        Assert.Contains("2 h d'activité déclarées pour un engagement de 15 h", browser.Find("[data-testid=explanation]").Text, StringComparison.Ordinal);
        Assert.Contains("Recherche d'emploi", browser.Find("#declared-title + div table").Text, StringComparison.Ordinal);
        browser.Check("counsellor-2-case-open");

        browser.ClickAndWait("#claim");
        Assert.Contains("Vous avez pris ce dossier", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        browser.Check("counsellor-3-case-claimed");

        // Without a reason the service refuses, and the page says so.
        browser.ClickAndWait("#dismiss");
        Assert.Contains("Un motif écrit est obligatoire", browser.Find("[data-testid=problem]").Text, StringComparison.Ordinal);
        browser.Check("counsellor-4-dismiss-refused");

        browser.Type("#dismiss-reason", "Semaine de maladie, justificatif reçu.");
        browser.ClickAndWait("#dismiss");
        Assert.EndsWith("/review/queue", browser.Url, StringComparison.Ordinal);
        Assert.Contains("il a quitté la file", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        Assert.Empty(browser.FindAll($"tr[data-case='{caseId}']"));

        browser.Open("/review/queue?status=dismissed");
        Assert.NotEmpty(browser.FindAll($"tr[data-case='{caseId}']"));
        browser.Check("counsellor-5-queue-dismissed");
    }

    [Fact]
    public async Task Queue_FilteredByRule_ShowsOnlyThatRulesCases()
    {
        const string recipientId = "R-web-filter";
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 1);
        var caseId = await Backstage.OpenCaseAsync(platform, recipientId, "weekly-hours-below-engagement");

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("counsellor", "agent-web-2");
        browser.Choose("#rule", "declaration-missing");
        browser.ClickAndWait("#filter");
        Assert.Empty(browser.FindAll($"tr[data-case='{caseId}']"));

        browser.Choose("#rule", "weekly-hours-below-engagement");
        browser.ClickAndWait("#filter");
        Assert.NotEmpty(browser.FindAll($"tr[data-case='{caseId}']"));
        Assert.All(browser.FindAll("[data-testid=queue] tbody tr"), row => Assert.Contains("Heures de la semaine sous l'engagement", row.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Supervisor_CannotApproveTheirOwnProposal_AndThePageSaysWhy()
    {
        const string recipientId = "R-web-self";
        const string agent = "agent-web-double";
        await Backstage.DeclareShortWeeksAsync(platform, recipientId, 3);
        var caseId = await Backstage.OpenCaseAsync(platform, recipientId, "repeated-shortfall");

        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("counsellor", agent);
        browser.Open($"/review/cases/{caseId}");
        browser.ClickAndWait("#claim");
        browser.Check("counsellor-6-case-sanction-form");

        // Out of bounds first: the review service's message is shown beside the form.
        browser.Type("#assessment-vulnerability", "Aucune vulnérabilité connue.");
        browser.Type("#assessment-dependants", "Personne seule.");
        browser.Type("#assessment-nature", "Trois semaines sous l'engagement.");
        browser.Type("#assessment-consequences", "Loyer couvert par l'aide au logement.");
        browser.Type("#percent", "20");
        browser.Type("#propose-reason", "Trois semaines insuffisantes sans explication.");
        browser.ClickAndWait("#propose");
        Assert.Contains("au moins 30 %", browser.Find("[data-testid=problem]").Text, StringComparison.Ordinal);

        browser.Type("#percent", "30");
        browser.ClickAndWait("#propose");
        Assert.Contains("Sanction proposée", browser.Find("[data-testid=notice]").Text, StringComparison.Ordinal);
        browser.SignOut();

        // The same person, now as a supervisor, finds the proposal waiting and tries to approve it.
        browser.SignIn("supervisor", agent);
        Assert.EndsWith("/review/proposals", browser.Url, StringComparison.Ordinal);
        Assert.Contains(recipientId, browser.Find("[data-testid=proposals]").Text, StringComparison.Ordinal);
        browser.Check("supervisor-1-proposals");

        browser.Open($"/review/cases/{caseId}");
        browser.Find($"textarea[id^=decision-reason-]").SendKeys("J'approuve.");
        browser.ClickAndWait("#approve");
        var problem = browser.Find("[data-testid=problem]");
        Assert.EndsWith("/problems/forbidden-self-approval", problem.GetAttribute("data-problem-type"), StringComparison.Ordinal);
        Assert.Contains("Vous avez proposé cette sanction : une autre personne doit l'approuver ou la rejeter.", problem.Text, StringComparison.Ordinal);
        Assert.Contains("En attente de décision", browser.Find("[data-testid=proposal]").Text, StringComparison.Ordinal);
        browser.Check("supervisor-2-self-approval-refused");
    }
}

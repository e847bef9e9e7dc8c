namespace Platform.WebTests;

/// <summary>
/// The pages the flow tests do not reach, and every page in English: no serious or critical axe-core violation. The
/// flow tests check each page they visit the same way.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AccessibilityTests(WebPlatform platform)
{
    [Fact]
    public void SignInPage_IsMarkedLocalOnly_AndAccessible()
    {
        using var browser = new Browser(platform.WebUrl);
        browser.Open("/sign-in");
        Assert.Contains("Environnement local uniquement", browser.Find("[data-testid=local-only]").Text, StringComparison.Ordinal);
        browser.Check("0-sign-in");
    }

    [Fact]
    public void TheAccessibilityCheck_ReportsAViolation_WhenAPageHasOne()
    {
        // The check itself can fail: an image without a text alternative is a critical axe violation.
        using var browser = new Browser(platform.WebUrl);
        browser.Open("/sign-in");
        browser.Driver.ExecuteScript("const image = document.createElement('img'); image.src = '/lib/dsfr/favicon/favicon.svg'; document.querySelector('main').appendChild(image);");
        Assert.Contains(browser.Accessibility(), violation => violation.StartsWith("image-alt (critical)", StringComparison.Ordinal));
    }

    [Fact]
    public void LanguageSwitch_ShowsEveryLabelInEnglish_AndBackInFrench()
    {
        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("recipient", "R-web-english");
        browser.ClickAndWait("a[hreflang=en]");
        Assert.EndsWith("/recipient/week", browser.Url, StringComparison.Ordinal);
        Assert.Equal("en", browser.Find("html").GetAttribute("lang"));
        Assert.Contains("My activities for week", browser.Find("h1").Text, StringComparison.Ordinal);
        Assert.Contains("Send my declaration", browser.Find("#submit-week").Text, StringComparison.Ordinal);

        browser.ClickAndWait("a[hreflang=fr]");
        Assert.Equal("fr", browser.Find("html").GetAttribute("lang"));
        Assert.Contains("Mes activités de la semaine", browser.Find("h1").Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("recipient", "R-web-a11y", new[] { "/recipient/week", "/recipient/history", "/recipient/flags", "/recipient/allocation", "/recipient/obligations", "/recipient/absences", "/recipient/decisions" })]
    [InlineData("counsellor", "agent-web-a11y", new[] { "/review/queue", "/review/queue?status=dismissed", "/review/suspensions?recipient=R-web-a11y", "/review/absences?recipient=R-web-a11y", "/review/appeals" })]
    [InlineData("supervisor", "supervisor-web-a11y", new[] { "/review/proposals", "/review/queue?status=proposed" })]
    [InlineData("auditor", "auditor-web-a11y", new[] { "/audit/verification", "/audit/replay", "/audit/replay?recipient=R-web-a11y", "/audit/rules" })]
    public void EveryPage_InEnglish_HasNoSeriousOrCriticalViolation(string role, string subject, string[] paths)
    {
        using var browser = new Browser(platform.WebUrl);
        browser.SignIn(role, subject);
        foreach (var path in paths)
        {
            browser.Open(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "culture=en-GB");
            Assert.Equal("en", browser.Find("html").GetAttribute("lang"));
            browser.Check($"en-{role}-{path.Trim('/').Replace('/', '-').Replace('?', '-').Replace('=', '-')}");
        }
    }
}

namespace Platform.WebTests;

/// <summary>
/// Signing in goes through the local OpenID Connect provider (authorization code with PKCE) for every role, and
/// signing out ends the provider's session as well as the web front's.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class SignInTests(WebPlatform platform)
{
    [Theory]
    [InlineData("recipient", "R-web-oidc", "/recipient/week", "/recipient/allocation")]
    [InlineData("counsellor", "agent-web-oidc", "/review/queue", "/review/queue?status=dismissed")]
    [InlineData("supervisor", "supervisor-web-oidc", "/review/proposals", "/review/queue")]
    [InlineData("auditor", "auditor-web-oidc", "/audit/verification", "/audit/rules")]
    public void EachRole_SignsInThroughTheProvider_AndReachesItsPages(string role, string subject, string landing, string another)
    {
        using var browser = new Browser(platform.WebUrl);
        browser.Open("/sign-in");
        browser.ClickAndWait("#provider-local");
        Assert.StartsWith(new Uri(platform.Provider.Authority, "sign-in").ToString(), browser.Url, StringComparison.Ordinal);
        Assert.Contains("Environnement local uniquement", browser.Find("[data-testid=local-only]").Text, StringComparison.Ordinal);

        browser.SignInAtProvider(role, subject, role == "recipient" ? null : "75 93");

        Assert.Equal(new Uri(platform.WebUrl, landing).ToString(), browser.Url);
        browser.Open(another);
        Assert.Equal(new Uri(platform.WebUrl, another).ToString(), browser.Url);
        Assert.DoesNotContain("Connexion", browser.Find("h1").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void SignOut_EndsTheWebSession_AndTheProviderSession()
    {
        using var browser = new Browser(platform.WebUrl);
        browser.SignIn("counsellor", "agent-web-sign-out");
        Assert.EndsWith("/review/queue", browser.Url, StringComparison.Ordinal);

        browser.SignOut();

        Assert.StartsWith(new Uri(platform.WebUrl, "sign-in").ToString(), browser.Url, StringComparison.Ordinal);
        browser.Open("/review/queue");
        Assert.StartsWith(new Uri(platform.WebUrl, "sign-in").ToString(), browser.Url, StringComparison.Ordinal);
        // Were the provider's session still open, it would send the browser straight back signed in.
        browser.ClickAndWait("#provider-local");
        Assert.StartsWith(new Uri(platform.Provider.Authority, "sign-in").ToString(), browser.Url, StringComparison.Ordinal);
    }
}

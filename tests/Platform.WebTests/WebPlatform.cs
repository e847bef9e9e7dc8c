using Platform.IntegrationTests.Infrastructure;

namespace Platform.WebTests;

/// <summary>
/// The five services as separate processes on the real broker and databases, the web front as a sixth process
/// pointed at them, and their own local OpenID Connect provider, which knows the web front's redirect addresses (its
/// port is chosen first). People sign in through the provider's pages. Shared by every browser test.
/// </summary>
public sealed class WebPlatform : IAsyncLifetime
{
    public static readonly string[] Backends = ["declarations", "rules", "review", "allocations", "audit"];

    public PlatformProcesses Services { get; private set; } = null!;

    public PlatformProcesses Front { get; private set; } = null!;

    public IdentityProvider Provider { get; private set; } = null!;

    public Uri WebUrl => Front.UrlOf("web");

    /// <summary>A supervisor with a delegation in force who took part in no sanction of these tests: decides appeals as a third person.</summary>
    public const string AppealDecider = "agent-web-nadia";

    public async Task InitializeAsync()
    {
        var webPort = PlatformProcesses.FreePort();
        Provider = await IdentityProvider.StartAsync(new Dictionary<string, string>
        {
            ["Provider__Clients__web__RedirectUris__0"] = $"http://127.0.0.1:{webPort}/signin-oidc-local",
            ["Provider__Clients__web__PostLogoutRedirectUris__0"] = $"http://127.0.0.1:{webPort}/signout-callback-oidc-local",
        });
        // The agents the pages' tests sign in as decide by a delegation in force: one supervisor approves sanctions, the
        // other decides appeals against them (a third person), and the counsellor ends suspensions early.
        Services = await PlatformProcesses.StartWithAsync(
            Provider, new Dictionary<string, int>(), null, TestDelegations.ForProcess("agent-web-samir", AppealDecider, "agent-web-lea").ToDictionary(), Backends);
        Front = await PlatformProcesses.StartWithAsync(
            Provider,
            new Dictionary<string, int> { ["web"] = webPort },
            null,
            new Dictionary<string, string>
            {
                ["Services__Declarations"] = Services.UrlOf("declarations").ToString(),
                ["Services__Rules"] = Services.UrlOf("rules").ToString(),
                ["Services__Review"] = Services.UrlOf("review").ToString(),
                ["Services__Allocations"] = Services.UrlOf("allocations").ToString(),
                ["Services__Audit"] = Services.UrlOf("audit").ToString(),
            },
            "web");
    }

    public async Task DisposeAsync()
    {
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        if (Front is not null)
        {
            await Front.DisposeAsync();
        }

        if (Services is not null)
        {
            await Services.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebPlatform>
{
    public const string Name = "web";
}

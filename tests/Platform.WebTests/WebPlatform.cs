using Platform.IntegrationTests.Infrastructure;

namespace Platform.WebTests;

/// <summary>
/// The five services as separate processes on the real broker and databases, and the web front as a sixth process
/// pointed at them (its dev sign-in signs with the same key the services trust). Shared by every browser test.
/// </summary>
public sealed class WebPlatform : IAsyncLifetime
{
    public static readonly string[] Backends = ["declarations", "rules", "review", "allocations", "audit"];

    public PlatformProcesses Services { get; private set; } = null!;

    public PlatformProcesses Front { get; private set; } = null!;

    public Uri WebUrl => Front.UrlOf("web");

    public async Task InitializeAsync()
    {
        Services = await PlatformProcesses.StartAsync(null, Backends);
        Front = await PlatformProcesses.StartAsync(
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

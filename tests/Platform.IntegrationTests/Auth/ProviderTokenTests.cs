using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Platform.Declarations;
using Platform.IntegrationTests.EndToEnd;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Auth;

/// <summary>
/// A service trusts the local OpenID Connect provider as it will FranceConnect and ProConnect: through discovery and
/// JWKS, for its own audience, from that issuer only, within the lifetime, signed by a published asymmetric key.
/// The declarations Service stands for all five: they share the same setup (PlatformDefaults).
/// </summary>
public sealed class ProviderTokenTests : IAsyncLifetime
{
    private const string Recipient = "R-token";
    private const string Path = $"/api/recipients/{Recipient}/declarations";

    private PlatformServers servers = null!;
    private string virtualHost = null!;
    private ServiceHost<DeclarationsService> Service { get; set; } = null!;

    public async Task InitializeAsync()
    {
        servers = await PlatformServers.GetAsync();
        virtualHost = await servers.CreateVirtualHostAsync("tokens");
        Service = new ServiceHost<DeclarationsService>(
            await servers.CreateDatabaseAsync("tokens"), servers.Amqp, virtualHost, new FakeTimeProvider(DateTimeOffset.UtcNow));
        _ = Service.Server;
    }

    [Fact]
    public async Task AProviderToken_ForThisApi_IsAccepted()
    {
        var provider = await IdentityProvider.GetSharedAsync();
        var token = await provider.TokenAsync("recipient", Recipient, scope: "declarations-api");

        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(token));
    }

    [Fact]
    public async Task AProviderToken_ForAnotherApi_IsRefused()
    {
        var provider = await IdentityProvider.GetSharedAsync();
        var token = await provider.TokenAsync("recipient", Recipient, scope: "audit-api");

        Assert.Equal("audit-api", new JsonWebToken(token).Audiences.Single());
        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task AToken_FromAnotherIssuer_IsRefused_EvenSignedByAPublishedKey()
    {
        // The same provider reached under another name writes that name as the issuer, with the same keys.
        var provider = await IdentityProvider.GetSharedAsync();
        var token = await provider.TokenAsync("recipient", Recipient, via: new Uri($"http://localhost:{provider.Port}/"));

        Assert.Equal($"http://localhost:{provider.Port}/", new JsonWebToken(token).Issuer);
        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task AnExpiredProviderToken_IsRefused()
    {
        var provider = await IdentityProvider.GetSharedAsync();
        // Expired ten minutes ago: beyond the bounded clock skew (30 s).
        var token = await provider.TokenAsync("recipient", Recipient, expiresInSeconds: -600);

        Assert.True(new JsonWebToken(token).ValidTo < DateTime.UtcNow.AddMinutes(-5));
        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task AToken_SignedByAKeyNotInTheJwks_IsRefused() => await AssertRefusedAsync(TestTokens.Forged("recipient", Recipient));

    [Fact]
    public async Task AToken_WithAlgNone_IsRefused() => await AssertRefusedAsync(TestTokens.WithoutSignature("recipient", Recipient));

    [Fact]
    public async Task AToken_MintedWithTheOldDevelopmentSecret_IsRefused() =>
        await AssertRefusedAsync(TestTokens.WithOldDevelopmentSecret("recipient", Recipient));

    private async Task AssertRefusedAsync(string token)
    {
        using var client = Service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://xp-rsa.example/problems/unauthenticated", problem.RootElement.GetProperty("type").GetString());
    }

    private Task<HttpStatusCode> StatusWithAsync(string token) => StatusWithAsync(Service, Path, token);

    /// <summary>The status a GET of <paramref name="path"/> with <paramref name="token"/> answers.</summary>
    internal static async Task<HttpStatusCode> StatusWithAsync(ServiceHost<DeclarationsService> service, string path, string token)
    {
        using var client = service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await servers.DeleteVirtualHostAsync(virtualHost);
    }
}

/// <summary>
/// The provider rotates its signing key while a service runs: the service fetches the JWKS again when it meets the
/// new key, accepts its tokens, and keeps accepting the old key's until they expire. Nothing restarts. The provider
/// is this test's own, so the rotation touches no other test.
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private const string Path = "/api/recipients/R-rotation/declarations";

    private PlatformServers servers = null!;
    private string virtualHost = null!;
    private IdentityProvider Provider { get; set; } = null!;
    private ServiceHost<DeclarationsService> Service { get; set; } = null!;

    public async Task InitializeAsync()
    {
        servers = await PlatformServers.GetAsync();
        virtualHost = await servers.CreateVirtualHostAsync("rotation");
        Provider = await IdentityProvider.StartAsync();
        Service = new ServiceHost<DeclarationsService>(
            await servers.CreateDatabaseAsync("rotation"), servers.Amqp, virtualHost, new FakeTimeProvider(DateTimeOffset.UtcNow),
            new Dictionary<string, string?>
            {
                ["Auth:Authority"] = Provider.Authority.ToString(),
                ["Auth:KeyRefreshInterval"] = "00:00:01",
            });
        _ = Service.Server;
    }

    [Fact]
    public async Task AfterTheProviderRotatesItsKey_NewKeyTokensAreAccepted_AndOldKeyTokensStillAre()
    {
        var oldToken = await Provider.TokenAsync("recipient", "R-rotation");
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(oldToken));

        var newKey = await Provider.RotateSigningKeyAsync();
        var newToken = await Provider.TokenAsync("recipient", "R-rotation");
        Assert.Equal(newKey, new JsonWebToken(newToken).Kid);
        Assert.NotEqual(new JsonWebToken(oldToken).Kid, newKey);

        // The Service learns the new key from the JWKS once it meets it (at most once a second here).
        await Eventually.GetAsync("the new key's token to be accepted", async () =>
            await StatusWithAsync(newToken) == HttpStatusCode.OK ? true : (bool?)null);
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(oldToken));
    }

    private Task<HttpStatusCode> StatusWithAsync(string token) => ProviderTokenTests.StatusWithAsync(Service, Path, token);

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Provider.DisposeAsync();
        await servers.DeleteVirtualHostAsync(virtualHost);
    }
}

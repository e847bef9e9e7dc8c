using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Server;
using Platform.Identity.Connect;
using Platform.Identity.Data;
using Platform.Identity.Keys;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Hosting;

/// <summary>
/// The provider's wiring: OpenIddict's server (discovery, JWKS, authorization code with PKCE, client credentials and,
/// in Development only, the development grant), its stores in PostgreSQL, the sign-in page and its session cookie.
/// </summary>
public static class ProviderSetup
{
    public static void AddIdentityProvider(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var development = builder.Environment.IsDevelopment();
        services.AddOptions<ProviderOptions>().BindConfiguration(ProviderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var provider = configuration.GetSection(ProviderOptions.Section).Get<ProviderOptions>() ?? new ProviderOptions();
        var connectionString = configuration.GetConnectionString("Database");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Database is not set.");
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // OpenIddict logs whole requests at Information, and they name people (subject, role): warnings only.
        builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);

        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<IdentityDbContext>(database =>
        {
            database.UseNpgsql(connectionString);
            database.UseOpenIddict();
        });
        services.AddScoped<ClientRegistry>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, SigningKeyOptions>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            // The provider's own session: while it lasts, the web front's sign-in goes straight through.
            cookie.Cookie.Name = ".Identity.Session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.LoginPath = "/sign-in";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.AddAuthorization();
        services.AddRazorPages();
        services.AddHealthChecks();

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>())
            .AddServer(server =>
            {
                if (provider.Issuer is not null)
                {
                    server.SetIssuer(provider.Issuer);
                }

                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AllowClientCredentialsFlow();
                if (development)
                {
                    server.AllowCustomFlow(ClientRegistry.DevelopmentGrant);
                }

                server.RegisterScopes([Scopes.OpenId, Scopes.Profile, .. provider.Apis]);
                server.RegisterClaims([Claims.Subject, Claims.Role, ConnectEndpoints.DepartementsClaim]);
                server.SetAccessTokenLifetime(provider.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(provider.IdentityTokenLifetime)
                    .SetAuthorizationCodeLifetime(provider.AuthorizationCodeLifetime);
                // Signing keys come from SigningKeyRing. Access tokens are signed JWTs the APIs read, not encrypted;
                // the encryption key only protects authorization codes between the two legs of a sign-in.
                server.AddEphemeralEncryptionKey();
                server.DisableAccessTokenEncryption();
                var aspNet = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                // Local use over plain HTTP on loopback. A real provider (FranceConnect, ProConnect) is HTTPS only.
                aspNet.DisableTransportSecurityRequirement();
            });
    }

    public static async Task UseIdentityProviderAsync(this WebApplication app)
    {
        // PostgreSQL may still be starting (or busy) when the provider does: a few tries before giving up.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ClientRegistry>().ApplyAsync(app.Lifetime.ApplicationStopping);
                break;
            }
            catch (Exception exception) when (attempt < 10 && exception is NpgsqlException or InvalidOperationException { InnerException: NpgsqlException })
            {
                app.Logger.LogWarning("The database did not answer (attempt {Attempt}); trying again", attempt);
                await Task.Delay(TimeSpan.FromSeconds(3), app.Lifetime.ApplicationStopping);
            }
        }

        await app.Services.GetRequiredService<SigningKeyRing>().InitializeAsync(app.Lifetime.ApplicationStopping);

        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live");
        app.MapHealthChecks("/health/ready");
        app.MapRazorPages();
        app.MapConnectEndpoints();
    }
}

using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using Microsoft.IdentityModel.Tokens;
using Platform.ServiceDefaults.Auth;
using Platform.Web.Api;
using Platform.Web.SignIn;

namespace Platform.Web.Hosting;

/// <summary>
/// The web front's wiring. It has no database and no bus, so it does not use AddPlatformDefaults: it takes the
/// roles and the <c>Localized</c> texts from the service defaults and sets up its own cookies, sign-in and health.
/// </summary>
public static class WebFrontSetup
{
    public const string CultureCookie = ".Platform.Culture";

    /// <summary>The session's item naming the provider that signed the person in (signing out ends that provider's session).</summary>
    public const string ProviderItem = "provider";

    public static readonly CultureInfo[] Cultures = [new("fr-FR"), new("en-GB")];

    public static void AddWebFront(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServicesOptions>().BindConfiguration(ServicesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddTransient<PersonForwarding>();
        foreach (var service in Enum.GetValues<PlatformService>())
        {
            services.AddHttpClient(PlatformApi.ClientName(service), (provider, client) =>
                {
                    client.BaseAddress = BaseOf(provider.GetRequiredService<IOptions<ServicesOptions>>().Value, service);
                    client.Timeout = TimeSpan.FromSeconds(20);
                })
                .AddHttpMessageHandler<PersonForwarding>();
        }

        services.AddScoped<PlatformApi>();
        services.AddMemoryCache();
        services.AddSingleton<ITicketStore, ServerSideTickets>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseServerSideTickets>();
        services.AddHealthChecks();
        services.AddProblemDetails();
        // French pages: write accented letters as themselves rather than as numeric entities.
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Recipient", "recipient");
            options.Conventions.AuthorizeFolder("/Review", "agent");
            options.Conventions.AuthorizeFolder("/Audit", "auditor");
        });
        services.AddAuthorizationBuilder()
            .AddPolicy("recipient", policy => policy.RequireRole(Roles.Recipient))
            .AddPolicy("agent", policy => policy.RequireRole(Roles.Counsellor, Roles.Supervisor))
            .AddPolicy("auditor", policy => policy.RequireRole(Roles.Auditor));

        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                // The cookie carries only the key of a session kept on the server (ServerSideTickets), never a token.
                options.Cookie.Name = ".Platform.Auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SlidingExpiration = false;
                options.LoginPath = "/sign-in";
                options.AccessDeniedPath = "/access-denied";
            });

        // One OpenID Connect provider per child of SignIn:OpenIdConnect: FranceConnect for recipients and ProConnect for
        // agents in production, the local provider (services/Identity) in development. Authorization code with PKCE;
        // the tokens stay in the server-side session; the provider's claims become the platform's in PlatformClaims.
        foreach (var provider in builder.Configuration.GetSection(SignInOptions.Section).GetSection("OpenIdConnect").GetChildren())
        {
            var claimNames = provider.GetSection("Claims").Get<ProviderClaimNames>() ?? new ProviderClaimNames();
            var callback = provider.Key.ToLowerInvariant();
            authentication.AddOpenIdConnect(provider.Key, options =>
            {
                provider.Bind(options);
                options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.ResponseType = "code";
                options.UsePkce = true;
                // The code comes back in the query of a top-level redirect: Lax cookies reach it, so the correlation
                // and nonce cookies need no SameSite=None (which browsers refuse over plain HTTP, as locally).
                options.ResponseMode = "query";
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.SaveTokens = true;
                options.UseTokenLifetime = true;
                options.MapInboundClaims = false;
                options.CallbackPath = $"/signin-oidc-{callback}";
                options.SignedOutCallbackPath = $"/signout-callback-oidc-{callback}";
                options.TokenValidationParameters = new TokenValidationParameters { NameClaimType = PlatformClaims.Subject, RoleClaimType = PlatformClaims.Role };
                options.Events = new OpenIdConnectEvents
                {
                    OnTokenValidated = context =>
                    {
                        context.Principal = PlatformClaims.FromProvider(context.Principal!, claimNames, provider.Key);
                        context.Properties!.Items[ProviderItem] = provider.Key;
                        return Task.CompletedTask;
                    },
                };
            });
        }

        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            options.SupportedCultures = Cultures;
            options.SupportedUICultures = Cultures;
            // French unless the person chose English (query string or the cookie the language switch sets); the
            // browser's Accept-Language is not consulted: a French public service speaks French first.
            options.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider { CookieName = CultureCookie },
            ];
        });
    }

    public static void UseWebFront(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error");
            app.UseHsts();
        }

        app.UseRequestLocalization();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        app.MapRazorPages();
    }

    /// <summary>A service's base address, ending with a slash: the generated clients' paths are relative to it.</summary>
    private static Uri BaseOf(ServicesOptions urls, PlatformService service)
    {
        var url = service switch
        {
            PlatformService.Declarations => urls.Declarations!,
            PlatformService.Rules => urls.Rules!,
            PlatformService.Review => urls.Review!,
            PlatformService.Allocations => urls.Allocations!,
            PlatformService.Audit => urls.Audit!,
            _ => throw new ArgumentOutOfRangeException(nameof(service)),
        };
        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }
}

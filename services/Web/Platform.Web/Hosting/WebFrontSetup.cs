using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Localization;
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

    public static readonly CultureInfo[] Cultures = [new("fr-FR"), new("en-GB")];

    public static void AddWebFront(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServicesOptions>().BindConfiguration(ServicesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddDevelopmentKeysRefusal();
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddHttpClient(PlatformApi.ClientName, client => client.Timeout = TimeSpan.FromSeconds(20));
        services.AddScoped<PlatformApi>();
        services.AddSingleton<DevTokenMinter>();
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
                // The cookie carries the bearer token, encrypted by ASP.NET Core data protection; never readable by scripts.
                options.Cookie.Name = ".Platform.Auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = DevTokenMinter.Lifetime;
                options.SlidingExpiration = false;
                options.LoginPath = "/sign-in";
                options.AccessDeniedPath = "/access-denied";
            });

        // Production: one OpenID Connect provider per child of SignIn:OpenIdConnect (e.g. FranceConnect for recipients,
        // ProConnect for agents). Their tokens carry the "sub" and "role" claims the services trust (Auth:Authority).
        foreach (var provider in builder.Configuration.GetSection(SignInOptions.Section).GetSection("OpenIdConnect").GetChildren())
        {
            authentication.AddOpenIdConnect(provider.Key, options =>
            {
                provider.Bind(options);
                options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.ResponseType = "code";
                options.SaveTokens = true;
                options.MapInboundClaims = false;
                options.CallbackPath = $"/signin-oidc-{provider.Key.ToLowerInvariant()}";
                options.TokenValidationParameters = new TokenValidationParameters { NameClaimType = "sub", RoleClaimType = "role" };
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
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults.Auth;

internal static class AuthenticationSetup
{
    /// <summary>Asymmetric signatures only: a shared secret (HS256) or no signature (<c>alg: none</c>) is refused.</summary>
    private static readonly string[] SignatureAlgorithms =
    [
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    public static void AddPlatformAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddDevelopmentKeysRefusal();
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            // Production's way locally too: the provider's discovery document and JWKS, never a key in configuration.
            jwt.Authority = options.Authority;
            jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
            jwt.RefreshInterval = options.KeyRefreshInterval;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = string.IsNullOrWhiteSpace(options.Issuer) ? null : options.Issuer,
                ValidateAudience = true,
                ValidAudience = options.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidAlgorithms = SignatureAlgorithms,
                ClockSkew = options.ClockSkew,
                NameClaimType = PlatformClaims.Subject,
                RoleClaimType = PlatformClaims.Role,
            };
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    context.Principal = PlatformClaims.FromProvider(context.Principal!, options.Claims, JwtBearerDefaults.AuthenticationScheme);
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorization();
    }
}

using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults.Auth;

internal static class AuthenticationSetup
{
    public static void AddPlatformAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddDevelopmentKeysRefusal();
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            // Keep the token's own claim names ("sub", "role") instead of the legacy SOAP URIs.
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Audience,
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            if (!string.IsNullOrWhiteSpace(options.Authority))
            {
                jwt.Authority = options.Authority;
            }
            else
            {
                var key = Encoding.UTF8.GetBytes(options.SigningKey ?? "");
                if (key.Length < 32)
                {
                    throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes when no Auth:Authority is set.");
                }

                jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(key);
            }
        });
        services.AddAuthorization();
    }
}

using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.ServiceDefaults.Auth;

namespace Platform.Web.SignIn;

/// <summary>
/// Mints a token exactly as deploy/local/token.sh does: HS256 with <c>Auth:SigningKey</c>, the <c>sub</c> and
/// <c>role</c> claims, issuer and audience from configuration, twelve hours. Local development only.
/// </summary>
public sealed class DevTokenMinter(IOptions<AuthOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public string Mint(string role, string subject)
    {
        var auth = options.Value;
        var key = Encoding.UTF8.GetBytes(auth.SigningKey ?? "");
        if (key.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes for the local sign-in.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    public static bool IsRole(string? role) => role is not null && Roles.All.Contains(role);
}

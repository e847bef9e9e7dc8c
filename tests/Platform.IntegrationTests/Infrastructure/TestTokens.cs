using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>Tokens as deploy/local/token.sh mints them: HS256, the <c>sub</c> and <c>role</c> claims.</summary>
public static class TestTokens
{
    public const string Issuer = "xp-rsa";
    public const string Audience = "xp-rsa";
    public const string SigningKey = "integration-tests-signing-key-of-at-least-32-bytes";

    public static string For(string role, string subject, string signingKey = SigningKey) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });

    /// <summary>A well-formed token signed with another key: it must be refused.</summary>
    public static string Forged(string role, string subject) => For(role, subject, "a-forger-s-key-that-the-services-do-not-know");
}
